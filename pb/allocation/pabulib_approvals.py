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


def _groups(cells: Sequence[str], instance: Instance) -> dict[str, list] | None:
    """Vote cell -> [voters, approved set, column numbers], in order of first appearance, or
    None if a cell names an unknown project, one twice, or breaks the ballot length limits."""
    column = {pid: number for number, pid in enumerate(instance.project_ids)}
    shortest, longest = _length_limits(instance)
    groups: dict[str, list] = {}
    for cell, voters in Counter(cells).items():
        vote = [pid for pid in cell.split(",") if pid] if cell else []
        try:  # looking up every id's column checks it in one C-level pass
            columns = array("i", map(column.__getitem__, vote))
        except KeyError:
            return None
        approved = frozenset(vote)
        size = len(vote)
        if len(approved) != size:
            return None
        if (longest is not None and size > longest) or (shortest is not None and size < shortest):
            return None
        groups[cell] = [voters, approved, columns]
    return groups


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
    groups = _groups(cells, instance)
    if groups is None:
        return None
    first_voter = dict(zip(reversed(cells), reversed(voter_ids), strict=True))
    # one set per distinct content: cells listing the same projects in another order share it
    by_set: dict[frozenset[str], list] = {}  # approved set -> [voters, ballot, columns]
    for cell, (voters, approved, numbers) in groups.items():
        merged = by_set.get(approved)
        if merged is None:
            ballot = trusted_approval(approved, first_voter[cell])
            by_set[approved] = [voters, ballot, numbers]
        else:
            merged[0] += voters
            groups[cell][1] = merged[1].projects
    del first_voter
    approved_sets = [groups[cell][1] for cell in cells]
    ballots = VoterBallots(voter_ids, approved_sets)
    profile = Profile(instance.meta["vote_type"], ballots, trusted=True)
    profile.__dict__["distinct"] = [(voters, ballot) for voters, ballot, _ in by_set.values()]
    if accelerators.counts_with_matrix(len(rows)):
        matrix_rows = [(voters, numbers, None) for voters, _ballot, numbers in by_set.values()]
        profile.__dict__["ballot_matrix"] = BallotMatrix.from_rows(
            instance.meta["vote_type"], instance.project_ids, matrix_rows
        )
    return profile
