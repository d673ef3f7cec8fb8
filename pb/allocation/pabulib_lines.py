"""The line level of the pabulib format: sections, headers, cells, with line numbers.

Each non-blank line is split by `;` with CSV quoting (a quoted cell may contain `;` and `""`),
cells are trimmed, list cells (`category`, `beneficiaries`, `vote`, `points`) lose the spaces
around their commas, and the legacy column names are renamed (`target` is now `beneficiaries`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pb.allocation.errors import PabulibError

SECTIONS = ("meta", "projects", "votes")
LIST_COLUMNS = frozenset({"category", "beneficiaries", "vote", "points"})
RENAMED_COLUMNS = {"target": "beneficiaries", "categories": "category"}


def _normalise_list(value: str) -> str:
    value = value.strip()
    if "," in value and (" " in value or "\t" in value):
        value = ",".join(item.strip() for item in value.split(","))
    return value


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank line, honouring CSV quotes."""
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="")
    reader = csv.reader(lines, delimiter=";", quotechar='"', strict=True, skipinitialspace=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PabulibError(f"malformed line ({error})", reader.line_num) from None
        line = start
        start = reader.line_num + 1
        if cells and "".join(cells).strip():
            yield line, cells


def _section(cells: list[str]) -> str | None:
    first = cells[0]
    if len(first) > 12:  # fast path: a data row
        return None
    name = first.strip().lower()
    if name in SECTIONS and not "".join(cells[1:]).strip():
        return name
    return None


class Reader:
    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.rows: dict[str, list[tuple[int, tuple[str, ...]]]] = {"projects": [], "votes": []}
        self.section_line: dict[str, int] = {}

    def read(self, text: str) -> None:
        section: str | None = None
        header: tuple[str, ...] | None = None
        lists: tuple[int, ...] = ()
        for line, cells in _rows(text):
            name = _section(cells)
            if name is not None:
                if name in self.section_line:
                    raise PabulibError(f"second {name.upper()} section", line)
                section, header = name, None
                self.section_line[name] = line
                continue
            if section is None:
                raise PabulibError("data before the META section", line)
            if header is None:
                header = self._header(section, cells, line)
                lists = tuple(i for i, name in enumerate(header) if name in LIST_COLUMNS)
                continue
            if len(cells) != len(header):
                raise PabulibError(
                    f"{len(cells)} fields where the {section.upper()} header has {len(header)}",
                    line,
                )
            stripped = list(map(str.strip, cells))
            for i in lists:
                if " " in stripped[i] or "\t" in stripped[i]:
                    stripped[i] = _normalise_list(stripped[i])
            values = tuple(stripped)
            if section == "meta":
                key, value = values
                if key in self.meta:
                    raise PabulibError(f"META key {key!r} appears twice", line)
                self.meta[key] = value
            else:
                self.rows[section].append((line, values))
        for name in SECTIONS:
            if name not in self.section_line:
                raise PabulibError(f"the file has no {name.upper()} section")

    def _header(self, section: str, cells: list[str], line: int) -> tuple[str, ...]:
        names = tuple(RENAMED_COLUMNS.get(c.strip(), c.strip()) for c in cells)
        if section == "meta":
            if [n.lower() for n in names] != ["key", "value"]:
                raise PabulibError("the META header must be 'key;value'", line)
        else:
            required = ("project_id", "cost") if section == "projects" else ("voter_id", "vote")
            for name in required:
                if name not in names:
                    raise PabulibError(f"the {section.upper()} header has no {name!r} column", line)
        if len(set(names)) != len(names) or "" in names:
            raise PabulibError(
                f"the {section.upper()} header has an empty or repeated column", line
            )
        self.columns[section] = names
        return names
