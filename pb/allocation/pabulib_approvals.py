"""Approval ballots of a pabulib file in bulk: one check per distinct vote cell, not per voter.

A city-wide file repeats its ballots (the generated million-voter file has 753,030 distinct
sets; a real one a few thousand), so every distinct `vote` cell is split, looked up and checked
against `min_length`/`max_length` once, and the voters only get a reference to its set. The
ballots themselves are made lazily (`VoterBallots`), `Profile.distinct` and, with NumPy, the
`BallotMatrix` are filled while reading.

Anything wrong (an empty or repeated voter id, an unknown or repeated project, a ballot too long
or too short) makes `approval_profile` answer None, and the voter-by-voter reader of
`pabulib_votes` then names the first offending line exactly as it always has.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import chain, repeat
from operator import add, itemgetter

from pb.allocation.accelerators import Accelerators
from pb.allocation.ballots import VoterBallots, trusted_approval
from pb.allocation.counting import BallotMatrix
from pb.allocation.numbers import Number
from pb.allocation.pabulib_lines import Reader
from pb.allocation.types import Instance, Profile


def _length_limits(instance: Instance) -> tuple[Number | None, Number | None]:
    """(min_length, max_length) of an approval ballot; choose-1 names at most one project."""
    longest = instance.max_length
    if instance.meta["vote_type"] == "choose-1":
        longest = 1 if longest is None else min(longest, 1)
    return instance.min_length, longest


def _unique_voters(voter_ids: list[str]) -> bool:
    return "" not in voter_ids and len(set(voter_ids)) == len(voter_ids)


class _Sets:
    """The distinct approved sets of a VOTES section, in order of first appearance, with their
    voters and the first voter naming them."""

    def __init__(self, sets: list[frozenset[str]], weights: array, first_voters: list[str]):
        self.sets = sets
        self.weights = weights
        self.first_voters = first_voters

    @classmethod
    def of_voters(
        cls, voter_ids: list[str], approved: list[frozenset[str]], accelerators: Accelerators
    ) -> _Sets:
        """From every voter's set (one object per content, as `approved_sets` answers)."""
        np = accelerators.np
        if np is None or not accelerators.counts_with_matrix(len(approved)):
            weights = Counter(approved)  # one C-level pass, in order of first appearance
            first_voter = dict(zip(reversed(approved), reversed(voter_ids), strict=True))
            voters = list(map(first_voter.__getitem__, weights))
            return cls(list(weights), array("q", weights.values()), voters)
        # the same sets share one object: grouping their addresses is a sort of integers,
        # three times faster than hashing a million sets into two dicts
        address = np.fromiter(map(id, approved), dtype=np.int64, count=len(approved))
        _unique, first, counts = np.unique(address, return_index=True, return_counts=True)
        order = np.argsort(first)  # in order of first appearance
        first = first[order].tolist()
        weights = array("q", counts[order].astype(np.int64).tobytes())
        voters = list(map(voter_ids.__getitem__, first))
        return cls(list(map(approved.__getitem__, first)), weights, voters)

    def matrix(self, vote_type: str, project_ids: Sequence[str]) -> BallotMatrix:
        """The sets as a `BallotMatrix`, row after row (an approval row's order is free), every
        column looked up in one C-level pass; at most 2**30 voters: sums are exact."""
        column = {pid: number for number, pid in enumerate(project_ids)}
        columns = array("i", map(column.__getitem__, chain.from_iterable(self.sets)))
        lengths = array("i", map(len, self.sets))
        single = max(self.weights, default=1) == 1
        return BallotMatrix(
            vote_type, tuple(project_ids), self.weights, lengths, columns, None, single
        )


def approved_sets(cells: list[str], instance: Instance) -> list[frozenset[str]] | None:
    """Every voter's approved set (one set object per content), or None if a cell names an
    unknown project, one twice, or breaks the ballot length limits.

    Each distinct cell is split and its set built once, all in C-level passes (`map`): no
    Python code runs per cell or per voter."""
    distinct_cells = dict.fromkeys(cells)
    empty = distinct_cells.pop("", False) is None  # "".split(",") would be one empty id
    # each id as the instance's own string: the sets then share 300 strings instead of
    # holding millions of copies (250 MB at a million voters); an unknown id becomes None
    canonical = {pid: pid for pid in instance.project_ids}.get
    votes = map(map, repeat(canonical), map(str.split, distinct_cells, repeat(",")))
    # through a dict, a set is sized for its ids (a set of 5 to 7 ids: 472 bytes, not 728)
    built = list(map(frozenset, map(dict.fromkeys, votes)))
    sizes = list(map(len, built))
    if sizes != list(map(add, map(str.count, distinct_cells, repeat(",")), repeat(1))):
        return None  # a project named twice in a cell
    shortest, longest = _length_limits(instance)
    if (shortest is not None and min(sizes, default=0) < shortest) or (
        longest is not None and max(sizes, default=0) > longest
    ):
        return None
    if empty and shortest is not None and shortest > 0:
        return None
    one_of: dict[frozenset[str], frozenset[str]] = {}  # a set -> the first object holding it
    approved_of = dict(zip(distinct_cells, map(one_of.setdefault, built, built), strict=True))
    if not frozenset().union(*one_of) <= frozenset(instance.project_ids):
        return None  # an unknown id (an empty item included: None)
    if empty:
        approved_of[""] = frozenset()
    return list(map(approved_of.__getitem__, cells))


def approval_profile(
    reader: Reader, instance: Instance, accelerators: Accelerators
) -> Profile | None:
    """The approval profile of the VOTES rows, checked per distinct cell; None when a row has
    a problem (the caller then reads voter by voter to name it)."""
    columns = reader.columns["votes"]
    rows = reader.rows["votes"]
    voter_col, vote_col = columns.index("voter_id"), columns.index("vote")
    voter_ids = list(map(itemgetter(voter_col), rows))
    if not _unique_voters(voter_ids):
        return None
    cells = list(map(itemgetter(vote_col), rows))
    approved = approved_sets(cells, instance)
    if approved is None:
        return None
    del cells
    sets = _Sets.of_voters(voter_ids, approved, accelerators)
    vote_type = instance.meta["vote_type"]
    profile = Profile(vote_type, VoterBallots(voter_ids, approved), trusted=True)
    ballots = map(trusted_approval, sets.sets, sets.first_voters)
    profile.__dict__["distinct"] = list(zip(sets.weights, ballots, strict=True))
    if accelerators.counts_with_matrix(len(rows)):
        profile.__dict__["ballot_matrix"] = sets.matrix(vote_type, instance.project_ids)
    return profile
