"""Writing a CSV file that spreadsheets open safely.

Written here rather than with a library because it is the standard `csv` module plus two rules:
UTF-8 with a byte-order mark (so spreadsheet programs read Polish and Urdu correctly), and cells
that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return) are
prefixed with an apostrophe, because residents write some of the text (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from babel.numbers import get_currency_precision

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One value as text; None is empty; text that could run as a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return str(value)  # numbers may start with "-" and are never a formula
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def amount(minor: int | None, currency: str) -> str:
    """Integer minor units as a plain decimal amount ("21000.00"), exact."""
    if minor is None:
        return ""
    return str(Decimal(minor).scaleb(-get_currency_precision(currency)))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(header)
    for row in rows:
        out.writerow([cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")
