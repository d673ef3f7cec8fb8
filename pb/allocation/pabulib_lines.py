"""The line level of the pabulib format: sections, headers, cells, with line numbers.

Each non-blank line is split by `;` with CSV quoting (a quoted cell may contain `;` and `""`),
cells are trimmed, list cells (`category`, `beneficiaries`, `vote`, `points`) lose the spaces
around their commas, and the legacy column names are renamed (`target` is now `beneficiaries`).

The VOTES section (a million lines in the largest files) is read in bulk when it can be: when
it holds no quote, no blank line, no stray carriage return and no second section title, its
lines are split by `;` in one pass (`str.split`), several times faster than the CSV reader and
with no per-line bookkeeping; otherwise it is read line by line like the other sections, so
every refusal names the same line with the same words.

With NumPy, a VOTES section of the common shape (also no space, tab or non-ASCII character,
every line as wide as the header) is not split into rows at all: `pabulib_columns` cuts its
bytes into cells column-wise, and the rows are split only when something reads them. The line
reader is given only the file's head, up to the VOTES title line, when that is where it stops.
"""

from __future__ import annotations

import csv
import io
import re
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from pb.allocation.errors import PabulibError
from pb.allocation.pabulib_columns import VotesColumns, split_lines

SECTIONS = ("meta", "projects", "votes")
LIST_COLUMNS = frozenset({"category", "beneficiaries", "vote", "points"})
RENAMED_COLUMNS = {"target": "beneficiaries", "categories": "category"}

# The line of a VOTES title, as most files write it (no quote): where the head of the file
# (META and PROJECTS, for the line reader) most likely ends.
_VOTES_TITLE = re.compile(r"^[ \t]*votes[ \t;]*\r?\n", re.I | re.M)

# A line the bulk split cannot take as a data row: blank, or a section title. Searched in the
# section with a newline at each end: a pattern starting with a newline is matched only where
# one is, much faster than `^` tried at every character.
_IRREGULAR_LINE = re.compile(r"\n(?:[ \t;]*|[ \t]*(?:meta|projects|votes)[ \t;]*)(?=\n)", re.I)


def _normalise_list(value: str) -> str:
    value = value.strip()
    if "," in value and (" " in value or "\t" in value):
        value = ",".join(item.strip() for item in value.split(","))
    return value


def _rows(stream: io.StringIO, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank line, honouring CSV quotes. The reader pulls
    one line of `stream` at a time, so after a section title the stream stands just past it."""
    reader = csv.reader(stream, delimiter=";", quotechar='"', strict=True, skipinitialspace=True)
    start = first_line
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PabulibError(
                f"malformed line ({error})", first_line - 1 + reader.line_num
            ) from None
        line = start
        start = first_line + reader.line_num
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


def _bulk_lines(text: str) -> list[str] | None:
    """The lines of a section the bulk split can take (without the final empty one), or None."""
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    body = text.removesuffix("\n")
    if _IRREGULAR_LINE.search(f"\n{body}\n"):
        return None
    return body.split("\n")


class _Pending(dict):
    """A dict whose entries listed in `make` are made (and kept) when first read."""

    def __init__(self, entries: dict[str, Any], make: dict[str, Callable[[], Any]]) -> None:
        super().__init__((key, value) for key, value in entries.items() if key not in make)
        self._make = make

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._make.pop(key)()
        return value


class Reader:
    """The cells of a pabulib file: `meta`, and per section its `columns`, its `rows` (tuples of
    trimmed cells) and, in step with them, the file `lines` they came from.

    With NumPy (`np`), a VOTES section of the common shape is read column-wise
    (`pabulib_columns`): its rows and lines are then made only when first read, and
    `votes_columns` answers its cells column by column until then."""

    def __init__(self, np: Any = None) -> None:
        self.meta: dict[str, str] = {}
        self.columns: dict[str, tuple[str, ...]] = {}
        self.rows: dict[str, list[tuple[str, ...]]] = {"projects": [], "votes": []}
        self.lines: dict[str, array] = {"projects": array("l"), "votes": array("l")}
        self.section_line: dict[str, int] = {}
        self.np = np
        self._votes: VotesColumns | None = None
        # a lenient read's list of changes, until `pabulib_votes.read_profile` rewrites the
        # rows that name a project twice (None: a strict read, or rewritten already)
        self.lenient: list[str] | None = None

    def read(self, text: str) -> None:
        text = text.removeprefix("\ufeff")
        if not self._read_head(text):
            stream = io.StringIO(text, newline="")
            line = self._read_lines(_rows(stream))
            if line is not None:  # stopped after the VOTES title: the rest is the section
                rest = stream.read()
                del stream  # its buffer holds four bytes a character
                self._read_votes(rest, line + 1)
        for name in SECTIONS:
            if name not in self.section_line:
                raise PabulibError(f"the file has no {name.upper()} section")

    def _read_head(self, text: str) -> bool:
        """Read the file when the line reader, given the file up to its first VOTES title line
        (found by `_VOTES_TITLE`), stops right after that line: the section is then read from
        the rest, without copying the whole file into the line reader's stream (four bytes a
        character: 150 MB and 50 ms at a million voters). False, with nothing read, if not
        (no such line, a quote around it, an error on the way: the whole file is read then)."""
        title = _VOTES_TITLE.search(text)
        if title is None:
            return False
        head, stream = Reader(self.np), io.StringIO(text[: title.end()], newline="")
        try:
            line = head._read_lines(_rows(stream))
        except PabulibError:
            return False
        if line is None or stream.tell() != title.end():
            return False
        vars(self).update(vars(head))  # what the line reader read, as if read here
        self._read_votes(text[title.end() :], line + 1)
        return True

    def _read_votes(self, text: str, first: int) -> None:
        """Read the VOTES section after its title (header line `first`)."""
        if not self._read_columns(text, first):
            self._read_split(text, first)

    def _read_split(self, text: str, first: int) -> None:
        """Read the VOTES section (header line `first`) split in bulk, or line by line."""
        lines = _bulk_lines(text)
        if lines is None:
            self._read_lines(_rows(io.StringIO(text, newline=""), first), "votes")
        else:
            # a space or tab anywhere (header included) asks for the cells to be trimmed
            self._read_bulk(lines, first, " " in text or "\t" in text)

    def _read_columns(self, text: str, first: int) -> bool:
        """Read the VOTES section column-wise if it has the common shape (header line `first`);
        False if not (nothing read)."""
        # other vote types are read row by row (`pabulib_votes`): their rows are needed anyway
        if self.np is None or self.meta.get("vote_type") not in ("approval", "choose-1"):
            return False
        read = VotesColumns.of(text, first, self.np)
        if read is None:
            return False
        header, votes = read
        self._header("votes", header, first)
        self._votes = votes
        self.rows = _Pending(self.rows, {"votes": votes.rows})
        lines = range(votes.first, votes.first + len(votes))
        self.lines = _Pending(self.lines, {"votes": lambda: array("l", lines)})
        return True

    def votes_columns(self) -> VotesColumns | None:
        """The VOTES section read column-wise, unless its rows have been made (and perhaps
        rewritten by a lenient read) since."""
        return None if "votes" in self.rows else self._votes

    def vote_rows(self) -> Sequence[tuple[str, ...]]:
        """The VOTES rows for the election: split only when first read, if not yet made."""
        votes = self.votes_columns()
        if votes is None:
            return tuple(self.rows["votes"])
        return votes.vote_rows()

    def _read_lines(
        self, rows: Iterator[tuple[int, list[str]]], section: str | None = None
    ) -> int | None:
        """Read rows until the end, or until the VOTES title when starting outside VOTES;
        then return its line number (None at the end)."""
        header: tuple[str, ...] | None = None
        lists: tuple[int, ...] = ()
        for line, cells in rows:
            name = _section(cells)
            if name is not None:
                if name in self.section_line:
                    raise PabulibError(f"second {name.upper()} section", line)
                section, header = name, None
                self.section_line[name] = line
                if name == "votes":  # the first time: a second one raised above
                    return line
                continue
            if section is None:
                raise PabulibError("data before the META section", line)
            if header is None:
                header = self._header(section, cells, line)
                lists = tuple(i for i, name in enumerate(header) if name in LIST_COLUMNS)
                continue
            self._add(section, line, self._cells(section, header, lists, cells, line))
        return None

    @staticmethod
    def _cells(
        section: str, header: tuple[str, ...], lists: tuple[int, ...], cells: list[str], line: int
    ) -> tuple[str, ...]:
        if len(cells) != len(header):
            raise PabulibError(
                f"{len(cells)} fields where the {section.upper()} header has {len(header)}",
                line,
            )
        stripped = list(map(str.strip, cells))
        for i in lists:
            if " " in stripped[i] or "\t" in stripped[i]:
                stripped[i] = _normalise_list(stripped[i])
        return tuple(stripped)

    def _add(self, section: str, line: int, values: tuple[str, ...]) -> None:
        if section == "meta":
            key, value = values
            if key in self.meta:
                raise PabulibError(f"META key {key!r} appears twice", line)
            self.meta[key] = value
        else:
            self.rows[section].append(values)
            self.lines[section].append(line)

    def _read_bulk(self, lines: list[str], first: int, spaced: bool) -> None:
        """The VOTES section from its lines (no quote, blank line or title among them)."""
        header = self._header("votes", lines[0].split(";"), first)
        width = len(header)
        del lines[0]
        rows = split_lines(lines)
        if set(map(len, rows)) - {width}:
            at = next(i for i, row in enumerate(rows) if len(row) != width)
            raise PabulibError(
                f"{len(rows[at])} fields where the VOTES header has {width}", first + 1 + at
            )
        if spaced:
            lists = tuple(i for i, name in enumerate(header) if name in LIST_COLUMNS)
            rows = [
                self._cells("votes", header, lists, list(row), first + 1 + at)
                for at, row in enumerate(rows)
            ]
        self.rows["votes"] = rows
        self.lines["votes"] = array("l", range(first + 1, first + 1 + len(rows)))

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
