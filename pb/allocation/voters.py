"""The voters of one election as the measures see them, built once and shared by every rule.

Each distinct ballot is a row: its weight (voters) and the projects it chose. Per outcome the
measures need, for every row, how many funded projects it chose and what they cost; and the
EJR check needs sets of voters as bitsets (a row of weight w is w consecutive bits).

With NumPy (`use_numpy=None`: when installed) the rows are also a sparse matrix rows x projects
(the (row, column) of every choice; never dense, an uploaded file may hold 10,000 projects) and
both are computed from it: `bincount` sums and `packbits`, a few milliseconds for the
90,000 voters of Łódź 2022 where the plain loops take a few hundred. Both ways give the same
numbers (`tests/allocation/test_analysis.py` compares them); NumPy is used only for whole-number
costs whose sums are exact in float64 (below 2**53).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pb.allocation.numbers import Number
from pb.allocation.types import Instance, Profile

try:
    import numpy as _np
except ImportError:  # pragma: no cover - exercised by running without NumPy
    _np = None

Row = tuple[int, int, Number]
"""(voters, funded projects they chose, the cost of those projects)."""
Weighted = list[tuple[int, Number]]
"""(voters, value) pairs: a distribution of a per-voter quantity."""


def _merge(pairs: Iterable[tuple[int, Number]]) -> Weighted:
    """Merge equal values (a handful of distinct values for 90,000 voters, usually)."""
    merged: dict[Number, int] = {}
    for weight, value in pairs:
        merged[value] = merged.get(value, 0) + weight
    return [(weight, value) for value, weight in merged.items()]


class VoterView:
    """Rows of (weight, chosen projects) of a profile, with optional NumPy arrays."""

    def __init__(self, instance: Instance, profile: Profile, *, use_numpy: bool | None = None):
        self.instance = instance
        self.weights = [weight for weight, _ballot in profile.distinct]
        self.chosen = [frozenset(ballot.supported()) for _weight, ballot in profile.distinct]
        self.voters = sum(self.weights)
        self.starts = [0] * len(self.weights)  # the first bit of each row
        for row in range(1, len(self.weights)):
            self.starts[row] = self.starts[row - 1] + self.weights[row - 1]
        self.categories = {project.id: project.categories for project in instance.projects}
        self._group_voters: dict[int, dict[str, int]] = {}
        self.costs = [project.cost for project in instance.projects]
        self.column = {pid: index for index, pid in enumerate(instance.project_ids)}
        if use_numpy is None:
            use_numpy = _np is not None
        whole = all(type(cost) is int for cost in self.costs)
        small = sum(self.costs) < 2**53  # sums of costs stay exact in float64
        self._last = None
        self.uses_numpy = use_numpy and _np is not None and whole and small
        """Whether the NumPy path is in use."""
        if self.uses_numpy:
            self._entries()
            self._cost_array = _np.array(self.costs, dtype=_np.float64)
            self._weight_array = _np.array(self.weights, dtype=_np.float64)  # exact below 2**53
            self._lengths = _np.bincount(self._rows, minlength=len(self.chosen))

    def _entries(self) -> None:
        """The sparse matrix: (row, column) of every choice, as two arrays."""
        rows = [r for r, chosen in enumerate(self.chosen) for _pid in chosen]
        columns = [self.column[pid] for chosen in self.chosen for pid in chosen]
        self._rows = _np.array(rows, dtype=_np.intp)
        self._columns = _np.array(columns, dtype=_np.intp)

    def rows(self, selected: Iterable[str]) -> list[Row]:
        """(weight, funded projects chosen, their cost) per distinct ballot."""
        funded = frozenset(selected)
        if self.uses_numpy:
            counts, spent = self._products(funded)
            return list(zip(self.weights, counts.tolist(), spent.tolist(), strict=True))
        cost = dict(zip(self.instance.project_ids, self.costs, strict=True))
        result = []
        for weight, chosen in zip(self.weights, self.chosen, strict=True):
            mine = chosen & funded
            result.append((weight, len(mine), sum(cost[pid] for pid in mine)))
        return result

    def _products(self, funded: frozenset[str]):  # type: ignore[no-untyped-def]
        """NumPy: (funded projects chosen, their cost) per row, as int arrays (the last answer
        is kept: the measures and the EJR check of one outcome both ask)."""
        if self._last is not None and self._last[0] == funded:
            return self._last[1]
        flags = _np.zeros(len(self.costs), dtype=_np.float64)
        flags[[self.column[pid] for pid in funded]] = 1
        size = len(self.chosen)
        counts = _np.bincount(self._rows, weights=flags[self._columns], minlength=size)
        paid = (flags * self._cost_array)[self._columns]
        spent = _np.bincount(self._rows, weights=paid, minlength=size)
        answer = counts.astype(_np.int64), spent.astype(_np.int64)
        self._last = (funded, answer)
        return answer

    def distributions(self, selected: Iterable[str]) -> tuple[Weighted, Weighted]:
        """(voters per number of funded projects chosen, voters per cost of those projects):
        [(voters, value), ...] with each value once."""
        funded = frozenset(selected)
        if not self.uses_numpy:
            rows = self.rows(funded)
            return (
                _merge((w, count) for w, count, _cost in rows),
                _merge((w, cost) for w, _count, cost in rows),
            )
        counts, spent = self._products(funded)
        return self._merge_numpy(counts), self._merge_numpy(spent)

    def _merge_numpy(self, values) -> Weighted:  # type: ignore[no-untyped-def]
        unique, inverse = _np.unique(values, return_inverse=True)
        voters = _np.bincount(inverse, weights=self._weight_array, minlength=len(unique))
        return [(int(w), int(v)) for w, v in zip(voters.tolist(), unique.tolist(), strict=True)]

    def level_masks(self, selected: Iterable[str]) -> tuple[int, list[int]]:
        """(voters who chose at least two more projects than were funded among them, and for
        each k the voters with at most k funded projects chosen) as bitsets (the EJR check)."""
        funded = frozenset(selected)
        if self.uses_numpy:
            counts, _spent = self._products(funded)
            top = int(counts.max(initial=0))
            at_most = [self._mask_numpy(counts <= level) for level in range(top + 1)]
            return self._mask_numpy(counts <= self._lengths - 2), at_most
        by_level: dict[int, list[int]] = {}
        possible: list[int] = []
        for row, (_weight, got, _cost) in enumerate(self.rows(funded)):
            by_level.setdefault(got, []).append(row)
            if got <= len(self.chosen[row]) - 2:
                possible.append(row)
        at_most, running = [], 0
        for level in range(max(by_level, default=0) + 1):
            running |= self.mask(by_level.get(level, []))
            at_most.append(running)
        return self.mask(possible), at_most

    def group_voters(self, groups: Mapping[str, Sequence[str]]) -> dict[str, int]:
        """Group name -> voters who chose at least one project of the group (cached by the
        identity of `groups`: the measures of every rule ask with the same mapping)."""
        cached = self._group_voters.get(id(groups))
        if cached is not None:
            return cached
        counts: dict[str, int] = {}
        if not any(groups.values()):  # no project has a group (most pabulib files)
            return counts
        for weight, chosen in zip(self.weights, self.chosen, strict=True):
            for name in {name for pid in chosen for name in groups.get(pid, ())}:
                counts[name] = counts.get(name, 0) + weight
        self._group_voters[id(groups)] = counts
        return counts

    def supporter_masks(self) -> dict[str, int]:
        """Project id -> bitset of the voters who chose it."""
        if self.uses_numpy:
            order = _np.argsort(self._columns, kind="stable")
            bounds = _np.searchsorted(self._columns[order], _np.arange(len(self.costs) + 1))
            masks = {}
            for pid, index in self.column.items():
                flags = _np.zeros(len(self.chosen), dtype=bool)
                flags[self._rows[order[bounds[index] : bounds[index + 1]]]] = True
                masks[pid] = self._mask_numpy(flags)
            return masks
        rows: dict[str, list[int]] = {pid: [] for pid in self.column}
        for row, chosen in enumerate(self.chosen):
            for pid in chosen:
                rows[pid].append(row)
        return {pid: self.mask(found) for pid, found in rows.items()}

    def mask(self, rows: Sequence[int]) -> int:
        """The bitset of the voters of these rows."""
        if not rows:
            return 0
        if self.uses_numpy:
            flags = _np.zeros(len(self.weights), dtype=bool)
            flags[list(rows)] = True
            return self._mask_numpy(flags)
        buffer = bytearray((self.voters + 7) // 8)
        for row in rows:
            for bit in range(self.starts[row], self.starts[row] + self.weights[row]):
                buffer[bit >> 3] |= 1 << (bit & 7)
        return int.from_bytes(buffer, "little")

    def _mask_numpy(self, flags) -> int:  # type: ignore[no-untyped-def]
        bits = _np.repeat(flags, self.weights)
        return int.from_bytes(_np.packbits(bits, bitorder="little").tobytes(), "little")
