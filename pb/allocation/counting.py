"""Counting votes and scores: how many voters support each project, and its total score.

Every rule starts here, and greedy is little more than this count and a sort, so its speed is
the count's speed. Two ways give the same numbers:

- the plain way: one pass over the distinct ballots, `Counter` for the votes (about 60 ns per
  approval: 6 ms for the 96,000 approvals of Warszawa 2019 Ursynów);
- with NumPy, for profiles of `Accelerators.matrix_min_ballots` ballots or more: the ballots
  as a sparse `BallotMatrix` (the column number of every approval, ranking or points entry),
  summed by `bincount` (under a millisecond for Ursynów). The pabulib reader fills the matrix
  from the column numbers it looks up anyway to check every id against the projects; a profile
  built otherwise makes it the first time it is counted.

Counts are exact either way: the matrix holds whole numbers only (a profile with fractional
points is counted the plain way) and sums them in float64, exact below 2**53, which
`BallotMatrix` checks. The caller's `Accelerators` choose the way (`PURE`: the plain way);
tests/allocation/test_counting.py compares the two.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

from pb.allocation.accelerators import INSTALLED, NUMPY, Accelerators
from pb.allocation.errors import InvalidElectionError

if TYPE_CHECKING:
    from pb.allocation.types import Profile

_np = NUMPY
EXACT_LIMIT = 2**53
"""float64 holds every whole number below this exactly: the matrix refuses larger sums."""

Row = tuple[int, Sequence[int], Sequence[int] | None]
"""(voters, column numbers, points or None) of one row of a `BallotMatrix`."""


@dataclass(frozen=True, eq=False)
class BallotMatrix:
    """Ballots as a sparse matrix, row after row (CSR).

    Row g stands for `weights[g]` voters with the same ballot. Its `lengths[g]` entries follow
    the previous rows' in `columns` (the projects `project_ids[c]`, in the ballot's order) and
    in `values`: for cumulative ballots the points, for rankings the positional score of the
    place (k for the first of k projects, down to 1 for the last); approvals have no values.
    An approval profile's row g is its `Profile.distinct[g]` (every way a matrix is made keeps
    that order), which lets Equal Shares prepare from the matrix without the ballots.
    """

    vote_type: str
    project_ids: tuple[str, ...]
    weights: array
    lengths: array
    columns: array
    values: array | None
    single_voters: bool
    """Every row stands for one voter (no weights to multiply by)."""

    @classmethod
    def from_rows(
        cls, vote_type: str, project_ids: Sequence[str], rows: Iterable[Row]
    ) -> BallotMatrix:
        """Build from rows; a row names each column at most once, points are whole numbers."""
        weights, lengths, columns = array("q"), array("i"), array("i")
        values = array("q") if vote_type in ("cumulative", "ordinal") else None
        for weight, row, points in rows:  # extending by an array("i") row copies its bytes
            weights.append(weight)
            lengths.append(len(row))
            columns.extend(row)
            if vote_type == "cumulative":
                values.extend(points)  # type: ignore[union-attr, arg-type]
            elif values is not None:
                values.extend(range(len(row), 0, -1))
        largest = max(values, default=0) if values is not None else 1
        if sum(weights) * max(largest, 1) >= EXACT_LIMIT:
            raise InvalidElectionError("too many voters to count exactly in float64")
        single = max(weights, default=1) == 1
        return cls(vote_type, tuple(project_ids), weights, lengths, columns, values, single)

    @staticmethod
    def can_hold(points: Iterable[Any] | None) -> bool:
        """Whether a row's points fit a matrix: whole numbers only (or no points at all)."""
        return points is None or all(type(value) is int for value in points)

    @classmethod
    def encode(cls, profile: Profile) -> BallotMatrix | None:
        """The matrix of a profile's distinct ballots, columns in order of first mention; None
        when points are not all whole numbers."""
        entries: list[tuple[int, Sequence[str], Sequence[Any] | None]] = []
        for weight, ballot in profile.distinct:
            if profile.vote_type == "cumulative":
                given = ballot.points  # type: ignore[union-attr]
                values = list(given.values())
                if not cls.can_hold(values):
                    return None
                entries.append((weight, list(given), values))
            elif profile.vote_type == "ordinal":
                entries.append((weight, ballot.ranking, None))  # type: ignore[union-attr]
            else:
                entries.append((weight, ballot.projects, None))  # type: ignore[union-attr]
        ids = tuple(dict.fromkeys(chain.from_iterable(named for _w, named, _v in entries)))
        number = {pid: index for index, pid in enumerate(ids)}
        rows = [(w, array("i", map(number.__getitem__, named)), v) for w, named, v in entries]
        return cls.from_rows(profile.vote_type, ids, rows)

    @cached_property
    def _arrays(self) -> tuple[Any, Any, Any]:
        """NumPy views: (column of each entry, value of each entry or None, voters per entry or
        None when every row is one voter)."""
        assert _np is not None
        voters = None
        if not self.single_voters:
            lengths = _np.frombuffer(self.lengths, dtype=_np.intc)
            weights = _np.frombuffer(self.weights, dtype=_np.int64).astype(_np.float64)
            voters = _np.repeat(weights, lengths)
        values = None if self.values is None else _np.frombuffer(self.values, dtype=_np.int64)
        return _np.frombuffer(self.columns, dtype=_np.intc), values, voters

    def _sums(self, per_entry: Any = None, keep: Any = None) -> list[float]:
        """Column sums of voters x `per_entry` (1 if None) over the entries `keep` selects."""
        columns, _values, voters = self._arrays
        values = voters
        if per_entry is not None:
            values = per_entry.astype(_np.float64) if voters is None else voters * per_entry
        if keep is not None:
            columns = columns[keep]
            values = None if values is None else values[keep]
        size = len(self.project_ids)
        sums = _np.bincount(columns, weights=values, minlength=size).tolist()
        if len(sums) != size:  # bincount grows its output for a column number past the last
            raise InvalidElectionError("a ballot matrix names a column it does not have")
        return sums

    def _by_id(self, sums: list[float]) -> dict[str, int]:
        return {pid: int(total) for pid, total in zip(self.project_ids, sums, strict=True) if total}

    def supporters(self) -> dict[str, int]:
        """Project id -> voters supporting it (approving, ranking, or giving it points)."""
        values = self._arrays[1]
        if self.vote_type != "cumulative":
            return self._by_id(self._sums())
        return self._by_id(self._sums(keep=values > 0))

    def totals(self, measure: str) -> dict[str, int]:
        """Project id -> its score (absent when 0) under a score measure: "cardinality" (1 per
        support), "points", "positional" or "borda" (see `satisfaction.score_measure`)."""
        values = self._arrays[1]
        if measure == "cardinality":
            return self.supporters()
        if (measure == "points" and self.vote_type == "cumulative") or (
            measure == "positional" and self.vote_type == "ordinal"
        ):
            return self._by_id(self._sums(values))
        if measure == "borda" and self.vote_type == "ordinal":
            return self._by_id(self._sums(values - 1))  # k - 1 for the first of k, 0 for the last
        raise InvalidElectionError(f"a {self.vote_type} matrix has no {measure!r} totals")


def ballot_matrix(profile: Profile, accelerators: Accelerators = INSTALLED) -> BallotMatrix | None:
    """The profile's matrix when counting uses one (NumPy, a large enough profile), else None."""
    if not accelerators.counts_with_matrix(len(profile.ballots)):
        return None
    if profile.vote_type == "pairwise":  # comparisons are counted by pb.allocation.pairwise
        return None
    return profile.ballot_matrix


def count_votes(profile: Profile, accelerators: Accelerators = INSTALLED) -> dict[str, int]:
    """Project id -> number of voters supporting it (ballot weights counted).

    A project no ballot supports is absent, never counted 0: approval callers rely on the keys
    being exactly the projects the ballots name.
    """
    matrix = ballot_matrix(profile, accelerators)
    if matrix is not None:
        return matrix.supporters()
    distinct = profile.distinct
    if profile.vote_type in ("approval", "choose-1"):
        supported = [(w, b.projects) for w, b in distinct]  # type: ignore[union-attr]
    else:
        supported = [(w, b.supported()) for w, b in distinct]
    votes = Counter(chain.from_iterable(ids for w, ids in supported if w == 1))
    for weight, ids in supported:
        if weight > 1:
            for pid in ids:
                votes[pid] += weight
    return dict(votes)


def named_projects(
    profile: Profile, votes: dict[str, int], accelerators: Accelerators = INSTALLED
) -> Iterable[str] | None:
    """Every project id the ballots name, or a superset of them, when it is known without
    another pass over the ballots (see `Profile.check_against`)."""
    if profile.vote_type in ("approval", "choose-1", "ordinal"):
        return votes.keys()  # approvals and rankings name exactly what they support
    matrix = ballot_matrix(profile, accelerators)
    # every entry names one of the matrix's columns: if they are all known, so is every entry
    return None if matrix is None else matrix.project_ids
