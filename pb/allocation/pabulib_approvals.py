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
from itertools import chain

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
    voters and the first cell naming them."""

    def __init__(self) -> None:
        self.sets: list[frozenset[str]] = []
        self.first_cells: list[str] = []
        self.weights = array("q")

    def read(self, cells: Sequence[str], instance: Instance) -> dict[str, frozenset[str]] | None:
        """Vote cell -> its approved set (one set object per content), or None if a cell names
        an unknown project, one twice, or breaks the ballot length limits."""
        known = frozenset(instance.project_ids)
        # each id as the instance's own string: the sets then share 300 strings instead of
        # holding millions of copies (250 MB at a million voters); an unknown id becomes None
        canonical = {pid: pid for pid in instance.project_ids}.get
        shortest, longest = _length_limits(instance)
        shortest = 0 if shortest is None else shortest
        longest = len(known) if longest is None else longest
        approved_of: dict[str, frozenset[str]] = {}
        index_of: dict[frozenset[str], int] = {}  # set -> its row (freed once read)
        weights = self.weights
        for cell, voters in Counter(cells).items():
            # an empty item is no project id: refused
            vote = list(map(canonical, cell.split(","))) if cell else []
            size = len(vote)
            # built from a dict, a set of 5 to 7 ids is sized for them: 472 bytes, not 728
            approved = frozenset(dict.fromkeys(vote) if 4 < size < 8 else vote)
            if len(approved) != size or not shortest <= size <= longest:
                return None
            index = index_of.get(approved)
            if index is None:
                if not approved <= known:  # an unknown id (an empty item included)
                    return None
                index_of[approved] = len(self.sets)
                self.sets.append(approved)
                self.first_cells.append(cell)
                weights.append(voters)
            else:
                weights[index] += voters
                approved = self.sets[index]
            approved_of[cell] = approved
        return approved_of

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


def approval_profile(
    reader: Reader, instance: Instance, accelerators: Accelerators
) -> Profile | None:
    """The approval profile of the VOTES rows, checked per distinct cell; None when a row has
    a problem (the caller then reads voter by voter to name it)."""
    columns = reader.columns["votes"]
    rows = reader.rows["votes"]
    voter_col, vote_col = columns.index("voter_id"), columns.index("vote")
    voter_ids = [row[voter_col] for row in rows]
    if not _unique_voters(voter_ids):
        return None
    cells = [row[vote_col] for row in rows]
    sets = _Sets()
    approved_of = sets.read(cells, instance)
    if approved_of is None:
        return None
    vote_type = instance.meta["vote_type"]
    profile = Profile(
        vote_type, VoterBallots(voter_ids, list(map(approved_of.__getitem__, cells))), trusted=True
    )
    del approved_of
    first_voter = dict(zip(reversed(cells), reversed(voter_ids), strict=True))
    profile.__dict__["distinct"] = [
        (voters, trusted_approval(approved, first_voter[cell]))
        for voters, approved, cell in zip(sets.weights, sets.sets, sets.first_cells, strict=True)
    ]
    if accelerators.counts_with_matrix(len(rows)):
        profile.__dict__["ballot_matrix"] = sets.matrix(vote_type, instance.project_ids)
    return profile
