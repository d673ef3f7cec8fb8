"""Reading a census CSV and hashing its details. No database here: parse, normalise, HMAC.

The columns are configured (CENSUS_COLUMNS, e.g. reference, date_of_birth, postcode) plus "ward"
(a ward code). The first configured column identifies the person. Values are compared after
normalising (case and spaces ignored), so "ab1 2cd" typed by a resident matches "AB12CD".
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _

WARD_COLUMN = "ward"
MAX_ERRORS = 20  # line-numbered errors shown for one file


@dataclass(frozen=True)
class Row:
    line: int
    reference_hash: str
    details_hash: str
    ward_code: str


class CensusFileError(ValueError):
    """A file refused as a whole; `errors` name the lines at fault."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def _mac(key: str, purpose: str, values: Sequence[str]) -> str:
    message = "\x1f".join([purpose, *(normalise(v) for v in values)]).encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def reference_hash(key: str, reference: str) -> str:
    return _mac(key, "census-reference", [reference])


def details_hash(key: str, values: Sequence[str]) -> str:
    return _mac(key, "census-details", values)


def parse(text: str, columns: Sequence[str], wards: set[str], key: str) -> list[Row]:
    """Every row, hashed; raises CensusFileError listing bad lines (nothing is half-read)."""
    reader = csv.DictReader(io.StringIO(text))
    errors: list[str] = []
    try:
        header = [name.strip().lower() for name in reader.fieldnames or []]
    except csv.Error:
        raise CensusFileError([_("Line 1: this is not a valid CSV line.")]) from None
    missing = [name for name in (*columns, WARD_COLUMN) if name not in header]
    if missing:
        raise CensusFileError(
            [_("Line 1: the header lacks the columns: %(names)s.", names=", ".join(missing))]
        )
    reader.fieldnames = header
    rows: list[Row] = []
    seen: dict[str, int] = {}
    try:
        for record in reader:
            row = _row(record, reader.line_num, columns, wards, key, seen, errors)
            if row:
                rows.append(row)
            if len(errors) >= MAX_ERRORS:
                break
    except csv.Error:
        errors.append(_("Line %(line)d: this is not a valid CSV line.", line=reader.line_num))
    if not rows and not errors:
        errors.append(_("The file has no entries. The register was not changed."))
    if errors:
        raise CensusFileError(errors)
    return rows


def _row(
    record: dict[str | None, object],
    line: int,
    columns: Sequence[str],
    wards: set[str],
    key: str,
    seen: dict[str, int],
    errors: list[str],
) -> Row | None:
    if None in record:
        errors.append(_("Line %(line)d: more values than columns.", line=line))
        return None
    values = [str(record.get(name) or "").strip() for name in columns]
    ward = str(record.get(WARD_COLUMN) or "").strip().upper()
    if not any(values) and not ward:
        return None  # a blank line
    empty = [name for name, value in zip(columns, values, strict=True) if not value]
    if empty:
        errors.append(_("Line %(line)d: empty %(names)s.", line=line, names=", ".join(empty)))
        return None
    if ward not in wards:
        errors.append(_("Line %(line)d: unknown ward code %(code)s.", line=line, code=ward))
        return None
    reference = reference_hash(key, values[0])
    if reference in seen:
        errors.append(
            _(
                "Line %(line)d: the same reference as line %(other)d.",
                line=line,
                other=seen[reference],
            )
        )
        return None
    seen[reference] = line
    return Row(line, reference, details_hash(key, values), ward)
