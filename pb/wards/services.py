"""Wards and the postcode list."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.errors import Conflict, InvalidInput, NotFound
from pb.extensions import db
from pb.wards.models import Postcode, Ward, normalise_postcode


def all_wards() -> list[Ward]:
    return list(db.session.scalars(select(Ward).order_by(Ward.name)))


def get_ward(ward_id: int) -> Ward:
    ward = db.session.get(Ward, ward_id)
    if ward is None:
        raise NotFound(_("No such ward."))
    return ward


def save_ward(ward: Ward | None, code: str, name: str, *, actor: User | None) -> Ward:
    code, name = code.strip().upper(), name.strip()
    clash = db.session.scalar(
        select(Ward)
        .where((Ward.code == code) | (Ward.name == name))
        .where(Ward.id != (ward.id if ward else -1))
    )
    if clash is not None:
        raise InvalidInput(_("Another ward already has this code or name."), field="code")
    action = "ward.edited" if ward else "ward.created"
    ward = ward or Ward()
    ward.code, ward.name = code, name
    db.session.add(ward)
    db.session.flush()
    audit.record(action, ward, {"code": code, "name": name}, actor=actor)
    return ward


# Rows shown per kind of change on the preview page; the counts are always complete.
PREVIEW_SAMPLE = 20


@dataclass(frozen=True)
class PostcodeChanges:
    """What replacing the postcode list with an upload would change, compared with `base`."""

    rows: dict[str, str]  # the uploaded list: normalised postcode -> ward code
    added: list[tuple[str, str]]  # (postcode, ward code)
    removed: list[tuple[str, str]]
    moved: list[tuple[str, str, str]]  # (postcode, old ward code, new ward code)
    unchanged: int
    base: str  # digest of the list compared with: applying refuses if it changed since

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.moved)

    def as_csv(self) -> str:
        """The uploaded list, normalised (what the confirmation step sends back)."""
        return _as_lines(self.rows)


def preview_postcodes(csv_text: str) -> PostcodeChanges:
    """Parse an upload and compare it with the current list; changes nothing."""
    rows = parse_postcodes(csv_text)
    current = _current_postcodes()
    return PostcodeChanges(
        rows=rows,
        added=sorted((p, code) for p, code in rows.items() if p not in current),
        removed=sorted((p, code) for p, code in current.items() if p not in rows),
        moved=sorted(
            (p, current[p], code) for p, code in rows.items() if p in current and current[p] != code
        ),
        unchanged=sum(1 for p, code in rows.items() if current.get(p) == code),
        base=_digest(current),
    )


def import_postcodes(
    csv_text: str, *, actor: User | None, expected_base: str | None = None
) -> PostcodeChanges:
    """Replace the postcode list from CSV rows `postcode,ward_code`; all or nothing.

    `expected_base` is the digest shown with the preview the admin confirmed: if someone changed
    the list since, applying would undo their change unseen, so it is refused (Conflict)."""
    changes = preview_postcodes(csv_text)
    if expected_base is not None and expected_base != changes.base:
        raise Conflict(
            _(
                "The postcode list changed after this preview."
                " Upload the file again to see the changes."
            )
        )
    codes = {ward.code: ward.id for ward in all_wards()}
    db.session.execute(delete(Postcode))
    db.session.add_all(Postcode(postcode=p, ward_id=codes[c]) for p, c in changes.rows.items())
    db.session.flush()
    audit.record(
        "postcodes.imported",
        ("postcodes", "all"),
        {
            "count": len(changes.rows),
            "added": len(changes.added),
            "removed": len(changes.removed),
            "moved": len(changes.moved),
        },
        actor=actor,
    )
    return changes


def parse_postcodes(csv_text: str) -> dict[str, str]:
    """The rows of an upload (normalised postcode -> ward code); refuses any bad line, and a file
    with no rows at all (which would otherwise wipe the whole list)."""
    known = {ward.code for ward in all_wards()}
    rows: dict[str, str] = {}
    reader = csv.reader(io.StringIO(csv_text))
    try:
        for row in reader:
            _parse_row(row, reader.line_num, known, rows)
    except csv.Error as error:  # e.g. a field longer than the csv module's limit (128 KiB)
        raise InvalidInput(
            _("Line %(line)d: this is not a valid CSV line.", line=reader.line_num), field="file"
        ) from error
    if not rows:
        raise InvalidInput(_("The file has no postcodes. The list was not changed."), field="file")
    return rows


def _parse_row(row: list[str], line: int, known: set[str], rows: dict[str, str]) -> None:
    if not row or not "".join(row).strip():
        return
    if line == 1 and row[0].strip().lower() == "postcode":
        return  # header
    if len(row) != 2:
        raise InvalidInput(
            _("Line %(line)d: expected two columns, postcode and ward code.", line=line),
            field="file",
        )
    postcode, ward_code = normalise_postcode(row[0]), row[1].strip().upper()
    if not postcode or len(postcode) > 16:
        raise InvalidInput(_("Line %(line)d: invalid postcode.", line=line), field="file")
    if ward_code not in known:
        raise InvalidInput(
            _("Line %(line)d: unknown ward code %(code)s.", line=line, code=ward_code),
            field="file",
        )
    rows[postcode] = ward_code


def _current_postcodes() -> dict[str, str]:
    statement = select(Postcode.postcode, Ward.code).join(Ward, Postcode.ward_id == Ward.id)
    return {postcode: code for postcode, code in db.session.execute(statement)}


def _as_lines(postcodes: dict[str, str]) -> str:
    return "".join(f"{postcode},{code}\n" for postcode, code in sorted(postcodes.items()))


def _digest(postcodes: dict[str, str]) -> str:
    return hashlib.sha256(_as_lines(postcodes).encode()).hexdigest()
