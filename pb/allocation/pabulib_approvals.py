"""Approval ballots of a pabulib file in bulk: one check per distinct vote cell, not per voter.

A city-wide file repeats its ballots (the generated million-voter file has 753,030 distinct
sets; a real one a few thousand), so every distinct `vote` cell is split, looked up and checked
against `min_length`/`max_length` once, and the voters only get a reference to its set. The
ballots themselves are made lazily (`VoterBallots`), and so is `Profile.distinct`, from the
groups found while reading; with NumPy, the `BallotMatrix` is filled while reading.

With NumPy and numeric project ids (most real files), every voter's cell is read instead as
bytes in array passes (`_numeric_sets`, `pabulib_numeric`; a section read column-wise gives
its bytes as they stand, and numeric voter ids are checked unique by NumPy): each set is found
by one integer, and the sets are made only when something asks for them (the matrix stands for
them in counting and Equal Shares), the same objects in the same order as the string path's;
anything that path cannot read is left to the strings.

Anything wrong (an empty or repeated voter id, an unknown or repeated project, a ballot too long
or too short) makes `approval_profile` answer None, and the voter-by-voter reader of
`pabulib_votes` then names the first offending line exactly as it always has.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from functools import cached_property, partial
from itertools import chain, islice, repeat
from operator import add, itemgetter
from typing import Any

from pb.allocation.accelerators import Accelerators
from pb.allocation.ballots import ApprovalBallot, VoterBallots, trusted_approval
from pb.allocation.counting import BallotMatrix
from pb.allocation.numbers import Number
from pb.allocation.pabulib_columns import LazyList, split_cells
from pb.allocation.pabulib_lines import Reader
from pb.allocation.pabulib_numeric import columns_of, joined, set_keys, tokens
from pb.allocation.types import Instance, Profile

_WIDEST_TABLE = 2**25
"""Most voters x longest ballot the NumPy path pads into one table (64 MB of int16)."""


def _length_limits(instance: Instance) -> tuple[Number | None, Number | None]:
    """(min_length, max_length) of an approval ballot; choose-1 names at most one project."""
    longest = instance.max_length
    if instance.meta["vote_type"] == "choose-1":
        longest = 1 if longest is None else min(longest, 1)
    return instance.min_length, longest


def _unique_voters(voter_ids: Sequence[str]) -> bool:
    return "" not in voter_ids and len(set(voter_ids)) == len(voter_ids)


class _Sets:
    """The distinct approved sets of a VOTES section, in order of first appearance, with their
    voters and the first voter naming them. The NumPy path knows them as column numbers and
    makes the frozensets only when first asked for (`sets`): at a million voters, 750,000 sets
    (350 MB and about a second) that counting and Equal Shares never need."""

    def __init__(
        self,
        weights: array,
        first_voters: Sequence[str],
        sets: list[frozenset[str]] | None = None,
        columns: array | None = None,
        lengths: array | None = None,
        project_ids: Sequence[str] = (),
        np: Any = None,
    ):
        self.weights = weights
        self.first_voters = first_voters
        if sets is not None:
            self.__dict__["sets"] = sets
        self.columns = columns
        """The sets' column numbers, set after set, if known already."""
        self.lengths = lengths
        self.project_ids = tuple(project_ids)
        self.np = np  # the NumPy module the caller's accelerators chose, which made `columns`

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
            return cls(array("q", weights.values()), voters, list(weights))
        # the same sets share one object: grouping their addresses is a sort of integers,
        # three times faster than hashing a million sets into two dicts
        address = np.fromiter(map(id, approved), dtype=np.int64, count=len(approved))
        _unique, first, counts = np.unique(address, return_index=True, return_counts=True)
        order = np.argsort(first)  # in order of first appearance
        first = first[order].tolist()
        weights = array("q", counts[order].astype(np.int64).tobytes())
        voters = list(map(voter_ids.__getitem__, first))
        return cls(weights, voters, list(map(approved.__getitem__, first)))

    @cached_property
    def sets(self) -> list[frozenset[str]]:
        """The sets made from their column numbers, each id the instance's own string (shared
        by every set), iterated in the order of the first voter's cell."""
        np = self.np
        assert np is not None and self.columns is not None and self.lengths is not None
        columns = np.frombuffer(self.columns, dtype=np.intc)
        # gathered as object arrays: no Python int per item (4 million of them, 130 MB)
        ids = iter(np.array(self.project_ids, dtype=object)[columns])
        # through a dict, a set is sized for its ids (see `approved_sets`)
        return list(map(frozenset, map(dict.fromkeys, map(islice, repeat(ids), self.lengths))))

    def distinct(self) -> list[tuple[int, ApprovalBallot]]:
        """`Profile.distinct`: (voters, ballot of the first voter) per set."""
        ballots = map(trusted_approval, self.sets, self.first_voters)
        return list(zip(self.weights, ballots, strict=True))

    def matrix(self, vote_type: str, project_ids: Sequence[str]) -> BallotMatrix:
        """The sets as a `BallotMatrix`, row after row (an approval row's order is free), every
        column looked up in one C-level pass; at most 2**30 voters: sums are exact."""
        columns, lengths = self.columns, self.lengths
        if columns is None or lengths is None:
            column = {pid: number for number, pid in enumerate(project_ids)}
            columns = array("i", map(column.__getitem__, chain.from_iterable(self.sets)))
            lengths = array("i", map(len, self.sets))
        if self.np is None:
            single = max(self.weights, default=1) == 1
        else:  # 750,000 weights: one NumPy pass, not a Python loop
            single = int(self.np.frombuffer(self.weights, dtype="q").max(initial=1)) == 1
        return BallotMatrix(
            vote_type, tuple(project_ids), self.weights, lengths, columns, None, single
        )


class _VoterSets(LazyList):
    """Every voter's approved set (one object per content; `set_of_voter` numbers each
    voter's set), listed only when first asked for (by `VoterBallots`, when something reads
    the ballots one by one): the list takes 10 ms, but the sets it points to take about a
    second to make (`_Sets.sets`)."""

    def __init__(self, sets: _Sets, set_of_voter: Any) -> None:
        super().__init__(partial(self._list, sets, set_of_voter), len(set_of_voter))
        self._sets = sets

    @staticmethod
    def _list(sets: _Sets, set_of_voter: Any) -> list[frozenset[str]]:
        np = sets.np
        assert np is not None
        built = np.empty(len(sets.sets), dtype=object)
        built[:] = sets.sets
        return built[set_of_voter].tolist()


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


def _numeric_sets(
    cells: list[str], voter_ids: list[str], instance: Instance, np: Any
) -> tuple[Sequence[frozenset[str]], _Sets] | None:
    """Every voter's approved set and the distinct sets (as `approved_sets` and `_Sets`
    answer: one set object per content, made from the first voter's cell, in order of first
    appearance, but only when first asked for), found in NumPy passes when the project ids are
    plain numbers (most real files); None when that does not apply or a cell has a problem
    (the string path decides)."""
    data = joined(cells, np)
    return None if data is None else _numeric_sets_of(data, voter_ids, instance, np)


def _groups(keys: Any, np: Any) -> tuple[Any, Any, Any]:
    """(the first voter of each distinct key, each voter's group, each group's voters), the
    groups numbered in order of first appearance. A stable sort puts each group's first voter
    first; numbering the first voters by a running count over the voters then orders the
    groups without a second sort."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.empty(order.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    first_of_sorted = order[starts]  # each group's first voter, groups by key
    is_first = np.zeros(order.size, dtype=bool)
    is_first[first_of_sorted] = True
    group = np.cumsum(is_first) - 1  # at a first voter: its group's number in order
    number = group[first_of_sorted]  # per group by key, its number
    set_of_voter = np.empty(order.size, dtype=np.int64)
    set_of_voter[order] = number[np.cumsum(new) - 1]
    first = np.empty_like(first_of_sorted)
    first[number] = first_of_sorted
    counts = np.empty(starts.size, dtype=np.int64)
    counts[number] = np.diff(starts, append=order.size)
    return first, set_of_voter, counts


def _numeric_sets_of(
    data: Any, voter_ids: Sequence[str], instance: Instance, np: Any
) -> tuple[Sequence[frozenset[str]], _Sets] | None:
    """`_numeric_sets` of the cells' bytes joined by `;` (a uint8 array)."""
    read = tokens(data, np)
    if read is None:
        return None
    values, sizes = read
    del read
    columns = columns_of(values, instance.project_ids, np)
    del values
    if columns is None:
        return None
    shortest, longest = _length_limits(instance)
    width, projects = int(sizes.max()), len(instance.project_ids)
    if (shortest is not None and sizes.min() < shortest) or (
        longest is not None and width > longest
    ):
        return None
    voters = len(voter_ids)
    if width == 0 or voters * width > _WIDEST_TABLE:
        return None
    # one row per voter: the columns of the cell sorted, padded with `projects`
    firsts = (np.cumsum(sizes) - sizes).astype(np.int32)
    voter_of = np.repeat(np.arange(voters, dtype=np.int32), sizes)
    table = np.full((voters, width), projects, dtype=np.int16 if projects < 2**15 else np.int32)
    slots = (voter_of, np.arange(columns.size, dtype=np.int32) - firsts[voter_of])  # row, place
    table[slots] = columns
    del voter_of, slots
    table.sort(axis=1)
    if np.any((table[:, 1:] == table[:, :-1]) & (table[:, 1:] < projects)):
        return None  # a project named twice in a cell
    keys = set_keys(table, sizes, projects, np)
    del table  # the arrays are let go as soon as done with: the sets are built beside them
    first, set_of_voter, counts = _groups(keys, np)
    del keys
    lengths = sizes[first]
    offsets = np.cumsum(lengths) - lengths
    items = np.repeat(firsts[first] - offsets, lengths) + np.arange(
        int(lengths.sum()), dtype=np.int32
    )
    set_columns = columns[items]
    del columns, items
    sets = _Sets(
        array("q", counts.astype(np.int64).tobytes()),
        LazyList(partial(_picked, voter_ids, first), first.size),
        columns=array("i", set_columns.astype(np.int32).tobytes()),
        lengths=array("i", lengths.astype(np.int32).tobytes()),
        project_ids=instance.project_ids,
        np=np,
    )
    return _VoterSets(sets, set_of_voter), sets


def _picked(items: Sequence[str], at: Any) -> list[str]:
    """`items` at the positions `at` (a NumPy array)."""
    return list(map(list(items).__getitem__, at.tolist()))


def _unique_ids(data: Any, voter_ids: Sequence[str], np: Any) -> bool:
    """`_unique_voters`, by NumPy when every id is a plain number (`data`: the ids' bytes
    joined by `;`): a million numbers compare in milliseconds, a set of their strings takes
    a fifth of a second."""
    read = tokens(data, np)
    if read is None or read[1].size != len(voter_ids) or np.any(read[1] != 1):
        return _unique_voters(voter_ids)  # (an empty id has no number: size 0)
    values = read[0]
    return bool(np.all(values[1:] > values[:-1])) or np.unique(values).size == values.size


def approval_profile(
    reader: Reader, instance: Instance, accelerators: Accelerators
) -> Profile | None:
    """The approval profile of the VOTES rows, checked per distinct cell; None when a row has
    a problem (the caller then reads voter by voter to name it).

    A section read column-wise (`Reader.votes_columns`) gives its voter ids in one split and
    its vote cells as bytes straight to the NumPy path, without rows."""
    np = accelerators.np
    names = reader.columns["votes"]
    voter_col, vote_col = names.index("voter_id"), names.index("vote")
    bulk = reader.votes_columns()
    cells: list[str] | None = None
    if bulk is None:
        rows = reader.rows["votes"]
        voter_ids = list(map(itemgetter(voter_col), rows))
        cells = list(map(itemgetter(vote_col), rows))
        unique = _unique_voters(voter_ids)
    else:
        ids = bulk.cells(voter_col)
        # the strings made only if something reads them (the ballots, `Profile.distinct`)
        voter_ids = LazyList(partial(split_cells, ids), len(bulk))  # type: ignore[assignment]
        unique = _unique_ids(ids, voter_ids, np)
        del ids
    if not unique:
        return None
    numbered = None
    if accelerators.counts_with_matrix(len(voter_ids)):
        if cells is None:
            numbered = _numeric_sets_of(bulk.cells(vote_col), voter_ids, instance, np)
        else:
            numbered = _numeric_sets(cells, voter_ids, instance, np)
    if numbered is not None:
        approved, sets = numbered
    else:
        if cells is None:
            cells = bulk.strings(vote_col)
            voter_ids = list(voter_ids)  # read by index below
        approved = approved_sets(cells, instance)  # type: ignore[assignment]
        if approved is None:
            return None
        sets = _Sets.of_voters(voter_ids, approved, accelerators)
    del cells
    vote_type = instance.meta["vote_type"]
    profile = Profile(vote_type, VoterBallots(voter_ids, approved), trusted=True)
    profile.defer_distinct(sets.distinct)
    if accelerators.counts_with_matrix(len(voter_ids)):
        profile.__dict__["ballot_matrix"] = sets.matrix(vote_type, instance.project_ids)
    return profile
