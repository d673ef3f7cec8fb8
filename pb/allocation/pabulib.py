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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from pb.allocation import collector
from pb.allocation.accelerators import INSTALLED, Accelerators
from pb.allocation.errors import AllocationError, PabulibError
from pb.allocation.pabulib_lines import Reader
from pb.allocation.pabulib_votes import lenient_rows, read_profile
from pb.allocation.pabulib_votes import number as _number
from pb.allocation.pabulib_votes import split_list as _split
from pb.allocation.types import VOTE_TYPES, Instance, Profile, Project


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
    vote_rows: Sequence[tuple[str, ...]] = field(repr=False)
    """A tuple, or (a VOTES section read column-wise) a `VoteRows` equal to it, split into
    rows only when first read."""
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


def _projects(reader: Reader) -> tuple[Project, ...]:
    columns = reader.columns["projects"]
    index = {name: i for i, name in enumerate(columns)}
    projects: list[Project] = []
    seen: set[str] = set()
    for line, row in zip(reader.lines["projects"], reader.rows["projects"], strict=True):
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
    with collector.paused():
        reader = Reader(accelerators.np)
        reader.read(text)
        changes: list[str] = []
        if lenient:
            lenient_rows(reader, changes)
        instance = _instance(reader)
        profile = read_profile(reader, instance, accelerators)
    return PabulibElection(
        instance=instance,
        profile=profile,
        project_columns=reader.columns["projects"],
        project_rows=tuple(reader.rows["projects"]),
        vote_columns=reader.columns["votes"],
        vote_rows=reader.vote_rows(),
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
