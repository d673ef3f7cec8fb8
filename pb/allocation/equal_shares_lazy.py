"""`Prepared`'s per-project lists of groups, built only when read.

At a million voters the approval layout's lists hold 10.5 million entries (0.8 s), which only
the exact and pure-Python runs read: the NumPy book indexes with the arrays they are made
from. So when `prepare` has the arrays, `levels` and `members` are `LazyLevels`: each
project's entry is made on its first read, equal to what the eager layout holds (the same
values in the same order), and the sizes are known without making it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pb.allocation.numbers import Number

Level = list[tuple[Number, list[int]]]


class LazyLevels(Mapping[str, Level]):
    """Project -> [(u, its groups)], one level: each group once (`members`), or once per
    voter of it (`levels`, `per_voter`), made from the project's int64 array on first read."""

    def __init__(
        self,
        np: Any,
        values: dict[str, Number],
        arrays: dict[str, Any],
        weights: Any,
        per_voter: bool,
        shared: LazyLevels | None = None,
    ) -> None:
        self._np, self._values, self._arrays, self._weights = np, values, arrays, weights
        self._per_voter = per_voter
        # `levels` reuses `members`' list where no group holds several voters (as eagerly)
        self._shared = shared
        self._made: dict[str, Level] = {}
        self._ints: list[Any] = []  # one int object per group, shared by every list
        self.builds = 0
        """How many entries were made (tests check that the NumPy runs make none)."""

    def size(self, pid: str) -> int:
        """The length of the project's list, without making it."""
        groups = self._arrays[pid]
        return int(self._weights[groups].sum()) if self._per_voter else len(groups)

    def __getitem__(self, pid: str) -> Level:
        made = self._made.get(pid)
        if made is None:
            if pid not in self._values:
                raise KeyError(pid)
            made = self._made[pid] = [(self._values[pid], self._list(pid))]
            self.builds += 1
        return made

    def _list(self, pid: str) -> list[int]:
        np, groups = self._np, self._arrays[pid]
        if self._per_voter:
            copies = self._weights[groups]
            if copies.max() > 1:
                return self._objects()[np.repeat(groups, copies)].tolist()
            if self._shared is not None:
                return self._shared[pid][0][1]
        return self._objects()[groups].tolist()

    def _objects(self) -> Any:
        if self._shared is not None:
            return self._shared._objects()
        if not self._ints:
            self._ints.append(self._np.arange(self._weights.size).astype(object))
        return self._ints[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def level_size(levels: Mapping[str, Level], pid: str) -> int:
    """len(levels[pid][0][1]) of a one-level layout, without making a lazy entry."""
    if isinstance(levels, LazyLevels):
        return levels.size(pid)
    return len(levels[pid][0][1])


class _Groups(Mapping[str, list[int]]):
    """Project -> the list of its one level (`levels[p][0][1]`), made when read."""

    def __init__(self, levels: LazyLevels) -> None:
        self._levels = levels

    def __getitem__(self, pid: str) -> list[int]:
        return self._levels[pid][0][1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._levels)

    def __len__(self) -> int:
        return len(self._levels)


def first_level(
    levels: Mapping[str, Level], projects: list[str]
) -> tuple[dict[str, Number], Mapping[str, list[int]]]:
    """Per project of a one-level layout: its satisfaction, and its list (a lazy layout's
    made only when read)."""
    if isinstance(levels, LazyLevels):
        return {p: levels._values[p] for p in projects}, _Groups(levels)
    return {p: levels[p][0][0] for p in projects}, {p: levels[p][0][1] for p in projects}
