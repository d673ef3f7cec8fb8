"""The VOTES section of a pabulib file made into a `Profile`, checked voter by voter.

`read_profile` takes approval ballots in bulk (`pabulib_approvals`) and anything else, or any
approval section the bulk check refuses, voter by voter here: the per-voter loop is the one
that names the first offending line, so every refusal keeps its words and line number.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from pb.allocation.accelerators import Accelerators
from pb.allocation.ballots import Ballot, CumulativeBallot, OrdinalBallot, trusted_approval
from pb.allocation.counting import BallotMatrix
from pb.allocation.errors import PabulibError
from pb.allocation.numbers import Number, parse_decimal
from pb.allocation.pabulib_approvals import approval_profile
from pb.allocation.pabulib_lines import Reader
from pb.allocation.types import Instance, Profile


def number(text: str, what: str, line: int) -> Number:
    try:
        return parse_decimal(text)
    except ValueError:
        raise PabulibError(f"{what} is not a number: {text!r}", line) from None


def split_list(value: str) -> list[str]:
    return [item for item in value.split(",") if item] if value else []


def _ballot(
    vote_type: str, voter_id: str, vote: list[str], points: list[str] | None, line: int
) -> Ballot:
    if vote_type == "ordinal":
        return OrdinalBallot(tuple(vote), voter_id)
    if points is None:
        raise PabulibError(f"voter {voter_id} has no points", line)
    if len(points) != len(vote):
        raise PabulibError(
            f"voter {voter_id} lists {len(vote)} projects but {len(points)} points", line
        )
    values = [number(p, f"points of voter {voter_id}", line) for p in points]
    if any(value < 0 for value in values):
        raise PabulibError(f"voter {voter_id} gives negative points", line)
    return CumulativeBallot(dict(zip(vote, values, strict=True)), voter_id)


@dataclass(frozen=True)
class _Limits:
    min_length: Number | None
    max_length: Number | None
    max_points: Number | None
    max_sum_points: Number | None

    @classmethod
    def of(cls, instance: Instance) -> _Limits:
        max_length = instance.max_length
        if instance.meta["vote_type"] == "choose-1":
            max_length = 1 if max_length is None else min(max_length, 1)
        return cls(instance.min_length, max_length, instance.max_points, instance.max_sum_points)

    def check(self, ballot: Ballot, line: int) -> None:
        who = f"voter {ballot.voter_id}"
        if isinstance(ballot, CumulativeBallot):
            size = len(ballot.points)
        else:
            size = len(ballot.supported())
        if self.max_length is not None and size > self.max_length:
            raise PabulibError(
                f"{who} names {size} projects, more than max_length {self.max_length}", line
            )
        if self.min_length is not None and size < self.min_length:
            raise PabulibError(
                f"{who} names {size} projects, fewer than min_length {self.min_length}", line
            )
        if isinstance(ballot, CumulativeBallot):
            total = sum(ballot.points.values())
            if self.max_sum_points is not None and total > self.max_sum_points:
                raise PabulibError(
                    f"{who} gives {total} points, more than max_sum_points {self.max_sum_points}",
                    line,
                )
            top = self.max_points
            if top is not None and any(value > top for value in ballot.points.values()):
                raise PabulibError(f"{who} gives a project more than max_points {top}", line)


def _once(vote: list[str], points: list[str] | None) -> tuple[list[str], list[str] | None]:
    """The vote with each project kept at its first mention (and its points)."""
    first = {pid: i for i, pid in reversed(list(enumerate(vote)))}
    keep = sorted(first.values())
    return [vote[i] for i in keep], None if points is None else [points[i] for i in keep]


def lenient_rows(reader: Reader, changes: list[str]) -> None:
    """Have the VOTES rows rewritten so that each names every project once, each change noted
    in `changes`, by `read_profile`: approval rows that the bulk reader accepts name no project
    twice, and then no row is split here (0.8 s of processor time at a million voters)."""
    reader.lenient = changes


def _rewrite_repeats(reader: Reader) -> bool:
    """Rewrite the rows of a lenient read (if one is pending) that name a project more than
    once, noting each change; True if any was rewritten."""
    changes, reader.lenient = reader.lenient, None
    if changes is None:
        return False
    noted = len(changes)
    columns = reader.columns["votes"]
    vote_col = columns.index("vote")
    points_col = columns.index("points") if "points" in columns else None
    rows, lines = reader.rows["votes"], reader.lines["votes"]
    for position, row in enumerate(rows):
        vote = split_list(row[vote_col])
        if len(set(vote)) == len(vote):
            continue
        points = None if points_col is None else split_list(row[points_col])
        if points is not None and len(points) != len(vote):
            continue  # the strict check reports it
        kept, kept_points = _once(vote, points)
        cells = list(row)
        cells[vote_col] = ",".join(kept)
        if points_col is not None and kept_points is not None:
            cells[points_col] = ",".join(kept_points)
        rows[position] = tuple(cells)
        twice = sorted({pid for pid in vote if vote.count(pid) > 1})
        changes.append(
            f"line {lines[position]}: voter {row[columns.index('voter_id')]} "
            f"names {', '.join(twice)} "
            f"more than once; read once ({row[vote_col]} -> {cells[vote_col]})"
        )
    return len(changes) > noted


def _profile_by_rows(reader: Reader, instance: Instance, accelerators: Accelerators) -> Profile:
    columns = reader.columns["votes"]
    voter_col, vote_col = columns.index("voter_id"), columns.index("vote")
    points_col = columns.index("points") if "points" in columns else None
    vote_type = instance.meta["vote_type"]
    limits = _Limits.of(instance)
    ballots: list[Ballot] = []
    seen: set[str] = set()
    # vote cell -> (ids, their set, their column numbers), validated once per distinct cell
    checked: dict[str, tuple[list[str], frozenset[str], array]] = {}
    column = {pid: number for number, pid in enumerate(instance.project_ids)}
    approval = vote_type in ("approval", "choose-1")
    distinct: dict[frozenset[str], list] = {}  # approved set -> [voters, ballot, columns]
    same_cells: dict[tuple[str, str], list] = {}  # (vote, points) -> [voters, columns, points]
    for line, row in zip(reader.lines["votes"], reader.rows["votes"], strict=True):
        voter_id = row[voter_col]
        if not voter_id:
            raise PabulibError("a vote has an empty voter_id", line)
        if voter_id in seen:
            raise PabulibError(f"voter id {voter_id!r} appears twice", line)
        seen.add(voter_id)
        cell = row[vote_col]
        found = checked.get(cell)
        if found is None:
            vote = split_list(cell)
            try:  # looking up every id's column checks it in one C-level pass
                columns = array("i", map(column.__getitem__, vote))
            except KeyError as error:
                unknown = error.args[0]
                raise PabulibError(
                    f"voter {voter_id} votes for unknown project {unknown!r}", line
                ) from None
            # one shared frozenset per distinct cell: its hash is computed once
            found = checked[cell] = (vote, frozenset(vote), columns)
            if len(found[1]) != len(vote):
                raise PabulibError(f"voter {voter_id} names a project twice", line)
        vote, approved, columns = found
        points = None if points_col is None else split_list(row[points_col])
        if approval:
            ballot: Ballot = trusted_approval(approved, voter_id)  # ids checked above
            group = distinct.get(approved)
            if group is None:
                distinct[approved] = [1, ballot, columns]
            else:
                group[0] += 1
        else:
            ballot = _ballot(vote_type, voter_id, vote, points, line)
            key = (cell, "" if points_col is None else row[points_col])
            group = same_cells.get(key)
            if group is None:
                cumulative = isinstance(ballot, CumulativeBallot)
                given = list(ballot.points.values()) if cumulative else None
                same_cells[key] = [1, columns, given]
            else:
                group[0] += 1
        limits.check(ballot, line)
        ballots.append(ballot)
    profile = Profile(vote_type, tuple(ballots))
    if approval:  # the grouping `Profile.distinct` would compute, done while reading
        profile.__dict__["distinct"] = [(weight, ballot) for weight, ballot, _ in distinct.values()]
    if accelerators.counts_with_matrix(len(ballots)):
        # a `Profile.ballot_matrix`, from the column numbers looked up above: a row per
        # distinct approval ballot, or per distinct pair of vote and points cells
        profile.__dict__["ballot_matrix"] = _matrix(instance, vote_type, distinct, same_cells)
    return profile


def _matrix(
    instance: Instance,
    vote_type: str,
    distinct: dict[frozenset[str], list],
    same_cells: dict[tuple[str, str], list],
) -> BallotMatrix | None:
    if vote_type in ("approval", "choose-1"):
        rows = [(weight, columns, None) for weight, _ballot, columns in distinct.values()]
    else:
        rows = [(weight, columns, given) for weight, columns, given in same_cells.values()]
        if not all(BallotMatrix.can_hold(given) for _weight, _columns, given in rows):
            return None  # fractional points are counted exactly the plain way
    return BallotMatrix.from_rows(vote_type, instance.project_ids, rows)


def read_profile(reader: Reader, instance: Instance, accelerators: Accelerators) -> Profile:
    """The profile of the VOTES rows; raises `PabulibError` naming the first bad line.

    A lenient read's rewrite (`lenient_rows`) is made first, except for approval rows that the
    bulk reader accepts: it refuses a cell naming a project twice, so there is nothing to
    rewrite (the rows, the profile and the changes are what rewriting first gives)."""
    approval = instance.meta["vote_type"] in ("approval", "choose-1")
    if approval:
        profile = approval_profile(reader, instance, accelerators)
        if profile is not None:
            return profile
    if _rewrite_repeats(reader) and approval:  # (the rows changed: read in bulk again)
        profile = approval_profile(reader, instance, accelerators)
        if profile is not None:
            return profile
    return _profile_by_rows(reader, instance, accelerators)
