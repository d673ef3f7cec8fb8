"""The pabulib `.pb` file format (https://pabulib.org/format): read and write, exactly.

A file has three sections, META (`key;value`), PROJECTS and VOTES, each a `;`-separated table
with a header line, CSV quoting ("" inside quotes). The reader accepts UTF-8 with or without a
BOM, any order of columns, spaces around cells and list items (real files have them), the legacy
`target` column (read as `beneficiaries`, its current name), and all four vote types the engine
counts. It rejects, with the line number and the problem, anything it cannot read faithfully: an
unknown project in a vote, a duplicate voter or project id, a ballot breaking `max_length` or
`max_sum_points`, a non-numeric cost...

`parse_string(write_string(e)) == e` for every election `e` the reader returns, and the writer's
output is canonical: cells trimmed, lists written `a,b,c`, `\\n` line ends, no BOM.
"""

from __future__ import annotations

import csv
import io
import os
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from pb.allocation.accelerators import INSTALLED, Accelerators
from pb.allocation.counting import BallotMatrix
from pb.allocation.errors import AllocationError, PabulibError
from pb.allocation.numbers import Number, parse_decimal
from pb.allocation.pabulib_lines import Reader
from pb.allocation.types import (
    VOTE_TYPES,
    Ballot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    Project,
    trusted_approval,
)


@dataclass(frozen=True)
class PabulibElection:
    """A pabulib file: the typed election plus every cell of the file, in order.

    `project_rows` and `vote_rows` keep all columns (age, sex, description...) as trimmed
    strings, list cells normalised to `a,b,c`; `instance` and `profile` are what they mean.
    """

    instance: Instance
    profile: Profile
    project_columns: tuple[str, ...]
    project_rows: tuple[tuple[str, ...], ...]
    vote_columns: tuple[str, ...]
    vote_rows: tuple[tuple[str, ...], ...] = field(repr=False)
    changes: tuple[str, ...] = field(default=(), compare=False)
    """What the lenient reader changed, one line per change (empty for a strict read)."""

    @property
    def meta(self) -> Mapping[str, str]:
        return self.instance.meta

    @property
    def selected(self) -> Mapping[str, int] | None:
        """The official `selected` column (project id -> 0/1/2/3), or None if the file has none."""
        if "selected" not in self.project_columns:
            return None
        index = self.project_columns.index("selected")
        result = {}
        for row in self.project_rows:
            value = row[index]
            result[row[0]] = int(value) if value else 0
        return MappingProxyType(result)

    @property
    def official_selection(self) -> frozenset[str] | None:
        """Ids of the projects the file marks as selected by the rule: value 1, or 2 (funded
        from a reserve by `greedy-custom`); None without the column. Value 3 (funded from
        extra money the file does not quantify) is not the rule's decision."""
        selected = self.selected
        if selected is None:
            return None
        return frozenset(pid for pid, value in selected.items() if value in (1, 2))

    @property
    def rule(self) -> str | None:
        """The META `rule` field (how the official result was computed), if present."""
        return self.meta.get("rule") or None


def _number(text: str, what: str, line: int) -> Number:
    try:
        return parse_decimal(text)
    except ValueError:
        raise PabulibError(f"{what} is not a number: {text!r}", line) from None


def _split(value: str) -> list[str]:
    return [item for item in value.split(",") if item] if value else []


def _projects(reader: Reader) -> tuple[Project, ...]:
    columns = reader.columns["projects"]
    index = {name: i for i, name in enumerate(columns)}
    projects: list[Project] = []
    seen: set[str] = set()
    for line, row in reader.rows["projects"]:
        pid = row[index["project_id"]]
        if not pid:
            raise PabulibError("a project has an empty project_id", line)
        if pid in seen:
            raise PabulibError(f"project id {pid!r} appears twice", line)
        seen.add(pid)
        cost = _number(row[index["cost"]], f"the cost of project {pid}", line)
        if cost <= 0:
            raise PabulibError(f"the cost of project {pid} must be positive, not {cost}", line)

        def listed(name: str, row: tuple[str, ...] = row) -> tuple[str, ...]:
            if name not in index or row[index[name]] in ("", "None"):
                return ()
            return tuple(_split(row[index[name]]))

        name = row[index["name"]] if "name" in index else ""
        projects.append(Project(pid, cost, name, listed("category"), listed("beneficiaries")))
        if "selected" in index and row[index["selected"]] not in ("", "0", "1", "2", "3"):
            raise PabulibError(
                f"selected must be 0, 1, 2 or 3, not {row[index['selected']]!r}", line
            )
    return tuple(projects)


def _instance(reader: Reader) -> Instance:
    meta = reader.meta
    line = reader.section_line["meta"]
    for key in ("budget", "vote_type"):
        if not meta.get(key):
            raise PabulibError(f"META has no {key}", line)
    budget = _number(meta["budget"], "META budget", line)
    if budget < 0:
        raise PabulibError(f"META budget must not be negative, not {budget}", line)
    if meta["vote_type"] not in VOTE_TYPES:
        raise PabulibError(
            f"vote_type {meta['vote_type']!r} is not supported "
            f"(the engine counts {', '.join(VOTE_TYPES)})",
            line,
        )
    try:
        return Instance(budget, _projects(reader), meta)
    except AllocationError as error:
        raise PabulibError(str(error), line) from None


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
    values = [_number(p, f"points of voter {voter_id}", line) for p in points]
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


def _lenient_rows(reader: Reader, changes: list[str]) -> None:
    """Rewrite the VOTES rows so that each names every project once; note each change."""
    columns = reader.columns["votes"]
    vote_col = columns.index("vote")
    points_col = columns.index("points") if "points" in columns else None
    rows = reader.rows["votes"]
    for position, (line, row) in enumerate(rows):
        vote = _split(row[vote_col])
        if len(set(vote)) == len(vote):
            continue
        points = None if points_col is None else _split(row[points_col])
        if points is not None and len(points) != len(vote):
            continue  # the strict check reports it
        kept, kept_points = _once(vote, points)
        cells = list(row)
        cells[vote_col] = ",".join(kept)
        if points_col is not None and kept_points is not None:
            cells[points_col] = ",".join(kept_points)
        rows[position] = (line, tuple(cells))
        twice = sorted({pid for pid in vote if vote.count(pid) > 1})
        changes.append(
            f"line {line}: voter {row[columns.index('voter_id')]} names {', '.join(twice)} "
            f"more than once; read once ({row[vote_col]} -> {cells[vote_col]})"
        )


def _profile(reader: Reader, instance: Instance, accelerators: Accelerators) -> Profile:
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
    for line, row in reader.rows["votes"]:
        voter_id = row[voter_col]
        if not voter_id:
            raise PabulibError("a vote has an empty voter_id", line)
        if voter_id in seen:
            raise PabulibError(f"voter id {voter_id!r} appears twice", line)
        seen.add(voter_id)
        cell = row[vote_col]
        found = checked.get(cell)
        if found is None:
            vote = _split(cell)
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
        points = None if points_col is None else _split(row[points_col])
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


def parse_string(
    text: str, *, lenient: bool = False, accelerators: Accelerators = INSTALLED
) -> PabulibElection:
    """Read a pabulib file from a string; raises `PabulibError` naming the line and problem.

    `lenient=True` reads a ballot that names a project more than once (Warszawa 2022 Wola) as
    naming it once, at its first mention (with its points, for cumulative ballots), and lists
    every line it changed in the election's `changes`; the rows kept are the corrected ones, so
    the file written back is strict. Everything else is refused as in the strict reader.

    With accelerators that count with NumPy, a large profile gets its `BallotMatrix` filled
    while reading (from column numbers looked up anyway)."""
    reader = Reader()
    reader.read(text)
    changes: list[str] = []
    if lenient:
        _lenient_rows(reader, changes)
    instance = _instance(reader)
    profile = _profile(reader, instance, accelerators)
    return PabulibElection(
        instance=instance,
        profile=profile,
        project_columns=reader.columns["projects"],
        project_rows=tuple(row for _, row in reader.rows["projects"]),
        vote_columns=reader.columns["votes"],
        vote_rows=tuple(row for _, row in reader.rows["votes"]),
        changes=tuple(changes),
    )


def parse_file(
    path: str | os.PathLike[str],
    *,
    lenient: bool = False,
    accelerators: Accelerators = INSTALLED,
) -> PabulibElection:
    """Read a pabulib file (UTF-8, with or without BOM); see `parse_string`."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            return parse_string(handle.read(), lenient=lenient, accelerators=accelerators)
        except UnicodeDecodeError as error:
            raise PabulibError(f"the file is not UTF-8 ({error.reason})") from None


def _write_table(
    out: csv.writer, title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]
) -> None:
    out.writerow([title])
    out.writerow(columns)
    for row in rows:
        out.writerow(row)


def write_string(election: PabulibElection) -> str:
    """The election as pabulib text (canonical form: trimmed cells, `\\n` line ends)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=";", quotechar='"', lineterminator="\n")
    _write_table(out, "META", ("key", "value"), election.meta.items())
    _write_table(out, "PROJECTS", election.project_columns, election.project_rows)
    _write_table(out, "VOTES", election.vote_columns, election.vote_rows)
    return buffer.getvalue()


def write_file(election: PabulibElection, path: str | os.PathLike[str]) -> None:
    """Write the election to `path` as UTF-8 pabulib text."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(write_string(election))


__all__ = [
    "PabulibElection",
    "PabulibError",
    "parse_file",
    "parse_string",
    "write_file",
    "write_string",
]
