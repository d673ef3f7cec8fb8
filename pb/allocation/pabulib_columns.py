"""The VOTES section of a pabulib file read column-wise in NumPy passes, for the common shape.

A city-wide file's VOTES section is a million lines such as `1;191,186,299`: no quote, no
space, one cell per header column. Splitting it into a million row tuples (and joining the
`vote` cells back into one text to tokenise it) took half the reading time. Here the section's
bytes are cut into lines and cells by the positions of `;` and the newlines, found in one NumPy
pass; a column is then gathered as one uint8 array (`cells`, for `pabulib_numeric`) or made
into strings in one C-level split (`strings`). The row tuples are made only when something
asks for them (the writer, an audit, the voter-by-voter reader), as the bulk split of
`pabulib_lines` makes them.

`VotesColumns.of` answers None for any section this shape cannot take exactly as the bulk split
would (a quote, a space or tab, a carriage return, a non-ASCII character, a blank line, a
section title, a row of the wrong width); the caller then reads it as before, which names the
first bad line with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from itertools import repeat
from typing import Any, overload

_SECTIONS = frozenset({"meta", "projects", "votes"})
_NEWLINE, _SEMICOLON = ord("\n"), ord(";")


class VotesColumns:
    """The data lines of a VOTES section (header excluded), cell by cell: `ends[i, k]` is the
    position of the byte ending cell k of line i (`;`, or the newline), `starts` where it
    begins. Line i is file line `first + i`."""

    def __init__(
        self, text: str, base: int, data: Any, ends: Any, starts: Any, first: int, np: Any
    ):
        self.text = text
        """The section, header line included; the data lines start at `base`."""
        self.base = base
        self.data = data
        """The data lines' bytes (a uint8 array), ended by a newline."""
        self.ends = ends
        self.starts = starts
        self.first = first
        self.np = np

    @classmethod
    def of(cls, text: str, first: int, np: Any) -> tuple[list[str], VotesColumns] | None:
        """(the header cells, the data lines) of `text`, the section after its title (the
        header is file line `first`), when each line has as many cells as the header and none
        is blank or a title. (A blank line has no `;`: it fails the width check.)"""
        if not text.isascii() or any(c in text for c in ('"', " ", "\t", "\r")):
            return None
        head = text[: text.find("\n")] if "\n" in text else text
        if not head.replace(";", "") or head.rstrip(";").lower() in _SECTIONS:
            return None  # a blank header line or a title: the line reader decides
        header = head.split(";")
        width, base = len(header), len(head) + 1
        raw = text.encode("ascii") if text.endswith("\n") else f"{text}\n".encode("ascii")
        data = np.frombuffer(raw, dtype=np.uint8)[base:]
        ends = np.flatnonzero((data == _NEWLINE) | (data == _SEMICOLON))
        if width < 2 or not ends.size or ends.size % width:
            return None  # no data line, or a line of another width
        ends = ends.reshape(-1, width)
        if np.any(data[ends[:, -1]] != _NEWLINE) or np.any(data[ends[:, :-1]] == _NEWLINE):
            return None  # a line of another width (or blank): the line reader names it
        starts = np.empty_like(ends)
        starts[:, 1:] = ends[:, :-1] + 1
        starts[1:, 0] = ends[:-1, -1] + 1
        starts[0, 0] = 0
        columns = cls(text, base, data, ends, starts, first + 1, np)
        return None if columns._titled() else (header, columns)

    def _titled(self) -> bool:
        """Whether a line is blank or a section title (`votes;;`: the bulk split's refusals)."""
        np = self.np
        lengths = self.ends - self.starts
        bare = np.flatnonzero(~np.any(lengths[:, 1:], axis=1))
        base, text = self.base, self.text
        firsts = (text[base + self.starts[i, 0] : base + self.ends[i, 0]] for i in bare.tolist())
        return any(not cell or cell.lower() in _SECTIONS for cell in firsts)

    def __len__(self) -> int:
        return len(self.ends)

    def cells(self, column: int) -> Any:
        """The cells of `column` as one uint8 array, each ended by `;` but the last."""
        np = self.np
        starts, ends = self.starts[:, column], self.ends[:, column]
        # the lines' cells (each with its end byte) follow one another and fill the data:
        # repeating "in the column or not" by their lengths marks every byte of the column
        ours = np.zeros(self.ends.shape, dtype=bool)
        ours[:, column] = True
        chosen = self.data[np.repeat(ours.ravel(), (self.ends - self.starts + 1).ravel())]
        lengths = ends - starts + 1
        chosen[np.cumsum(lengths) - 1] = _SEMICOLON
        return chosen[:-1]

    def strings(self, column: int) -> list[str]:
        """The cells of `column` as strings."""
        return split_cells(self.cells(column))

    def rows(self) -> list[tuple[str, ...]]:
        """Every line's cells, as the bulk split makes them."""
        return split_rows(body(self.text, self.base))

    def vote_rows(self) -> VoteRows:
        """The rows for the election, split only when first read."""
        return VoteRows(self.text, self.base, len(self))


def body(text: str, base: int) -> str:
    """The data lines of a section from `base`, without the final newline."""
    return text[base:].removesuffix("\n")


def split_rows(text: str) -> list[tuple[str, ...]]:
    """The cells of every line of `text` (no Python code per line)."""
    return split_lines(text.split("\n"))


def split_lines(lines: list[str]) -> list[tuple[str, ...]]:
    """The cells of each line, split by `;` (no Python code per line)."""
    return list(map(tuple, map(str.split, lines, repeat(";"))))


def split_cells(data: Any) -> list[str]:
    """The cells of `data` (ASCII bytes joined by `;`, a uint8 array) as strings."""
    return data.tobytes().decode("ascii").split(";")


class VoteRows(Sequence[tuple[str, ...]]):
    """The rows of a VOTES section read column-wise, split only when first asked for (by the
    writer, or an audit): a million row tuples take a third of a second and 180 MB. Compares
    equal to the tuple of its rows, as `PabulibElection.vote_rows` is otherwise."""

    def __init__(self, text: str, base: int, count: int) -> None:
        self._text = text
        self._base = base
        self._count = count

    @cached_property
    def _rows(self) -> tuple[tuple[str, ...], ...]:
        return tuple(split_rows(body(self._text, self._base)))

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> tuple[str, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[tuple[str, ...], ...]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._rows[index]

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return iter(self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VoteRows):
            return body(self._text, self._base) == body(other._text, other._base)
        if isinstance(other, tuple):
            return self._rows == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._rows)

    def __repr__(self) -> str:
        return f"VoteRows({self._count} rows)"


class LazyList(Sequence[Any]):
    """A list of `count` items made by `make()` when first read (by index, iteration, `in` or
    comparison); its length does not make it. Compares equal to the same list. The million
    voter ids of a bulk read are such a list: counting and Equal Shares never read them."""

    def __init__(self, make: Callable[[], list[Any]], count: int) -> None:
        self._make: Callable[[], list[Any]] | None = make
        self._count = count

    @cached_property
    def listed(self) -> list[Any]:
        """The items, made now if not yet."""
        make, self._make = self._make, None  # let go of what it holds once made
        assert make is not None
        return make()

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        return self.listed[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.listed)

    def __contains__(self, item: object) -> bool:
        return item in self.listed

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyList):
            return self.listed == other.listed
        if isinstance(other, list):
            return self.listed == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # as a list's

    def __repr__(self) -> str:
        return f"LazyList({self._count} items)"
