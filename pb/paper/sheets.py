"""A paper ballot as a clerk keys it: one line per sheet, read into the ballot format's choices.

Why our own small syntax instead of a form per sheet: a clerk keys hundreds of sheets in a
sitting, and one line per sheet, in the order of the bundle, is what the double entry compares.

- approval and knapsack ballots: the numbers of the ticked projects, e.g. `3 5 12`;
- ranked ballots: the project numbers in order of preference, first choice first, e.g. `5 3`;
- cumulative ballots: `project=points` pairs, e.g. `3=2 5=1`.

Numbers may be separated by spaces or commas. A spoilt or blank sheet is set aside, not keyed.
Each sheet is then checked by the ballot format's own `validate`, like a ballot cast online.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _

from pb.errors import InvalidInput
from pb.voting.formats import BallotItem, Choices, get_format

MAX_LINE = 400  # characters: far more than any ballot's numbers
_SEPARATORS = re.compile(r"[\s,;]+")
_NUMBER = re.compile(r"^[0-9]{1,9}$")

Sheet = list[list[int]]  # [[project id, value], ...] by project id: what a reading stores


def parse_sheets(
    text: str,
    expected: int,
    format_name: str,
    items: Sequence[BallotItem],
    params: Mapping[str, Any],
    budget: int,
) -> list[Sheet]:
    """Every line of `text` as a sheet; InvalidInput naming the first bad line."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) != expected:
        raise InvalidInput(
            _(
                "This batch has %(expected)d sheets, but %(found)d lines were keyed: one line "
                "per sheet, in the order of the bundle.",
                expected=expected,
                found=len(lines),
            ),
            field="sheets",
        )
    fmt = get_format(format_name)
    sheets = []
    for number, line in enumerate(lines, start=1):
        try:
            choices = read_line(line, fmt.input_kind)
        except ValueError as error:
            raise InvalidInput(_line_error(number, str(error)), field="sheets") from None
        problems = fmt.validate(choices, items, params, budget)
        if problems:
            raise InvalidInput(_line_error(number, " ".join(problems)), field="sheets")
        sheets.append(as_sheet(choices))
    return sheets


def _line_error(number: int, problem: str) -> str:
    return _("Line %(number)d: %(problem)s", number=number, problem=problem)


def read_line(line: str, kind: str) -> Choices:
    """One keyed line as choices; ValueError when it is not the format's syntax."""
    if not line:
        raise ValueError(_("The line is empty. Set a blank or spoilt sheet aside."))
    if len(line) > MAX_LINE or not line.isascii():
        raise ValueError(_("Use only project numbers, spaces and commas."))
    tokens = [token for token in _SEPARATORS.split(line) if token]
    if kind == "points":
        return _points(tokens)
    numbers = [_number(token) for token in tokens]
    if len(set(numbers)) != len(numbers):
        raise ValueError(_("A project number appears twice."))
    if kind == "rank":
        return {pid: rank for rank, pid in enumerate(numbers, start=1)}
    return dict.fromkeys(numbers, 1)


def _points(tokens: list[str]) -> Choices:
    choices: Choices = {}
    for token in tokens:
        project, sep, points = token.partition("=")
        if not sep:
            raise ValueError(_("Write each project as number=points, e.g. 3=2."))
        pid = _number(project)
        if pid in choices:
            raise ValueError(_("A project number appears twice."))
        choices[pid] = _number(points)
    return choices


def _number(token: str) -> int:
    if not _NUMBER.match(token):
        raise ValueError(_("Use only project numbers, spaces and commas."))
    return int(token)


def as_sheet(choices: Choices) -> Sheet:
    return [[pid, value] for pid, value in sorted(choices.items())]


def as_choices(sheet: Sheet) -> Choices:
    return {int(pid): int(value) for pid, value in sheet}


def as_line(sheet: Sheet, kind: str) -> str:
    """A stored sheet written back in the keying syntax (for the reconciliation page)."""
    if kind == "points":
        return " ".join(f"{pid}={value}" for pid, value in sheet)
    if kind == "rank":
        return " ".join(str(pid) for pid, _value in sorted(sheet, key=lambda pair: pair[1]))
    return " ".join(str(pid) for pid, _value in sheet)
