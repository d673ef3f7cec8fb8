"""Build pabulib files from the engine's types: exporting a round, or recording an outcome.

`election_file(instance, profile, outcome=...)` writes what the pabulib format and its checker
expect: META in the format's order with the counts recomputed, PROJECTS with `votes` (and
`score` for points and rankings, with rankings written as points k, k-1, ..., 1), the `selected`
column from an outcome, and one VOTES line per voter. `with_outcome(election, outcome)` replaces
the `selected` column of a parsed file. Both return a `PabulibElection` for
`pb.allocation.pabulib.write_string`.
"""

from __future__ import annotations

from collections.abc import Mapping

from pb.allocation.numbers import Number, format_decimal
from pb.allocation.outcome import Outcome
from pb.allocation.pabulib import PabulibElection, PabulibError, parse_string, write_string
from pb.allocation.satisfaction import SATISFACTIONS
from pb.allocation.types import (
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
)

PABULIB_RULES = frozenset(
    {
        "greedy",
        "greedy-custom",
        "greedy-exclusive",
        "greedy-no-skip",
        "greedy-threshold",
        "equalshares",
        "equalshares/add1",
        "equalshares/add1-comparison",
    }
)
"""Rule names of the pabulib vocabulary that this engine computes the official way."""

MANDATORY_META = ("description", "country", "unit", "instance", "date_begin", "date_end")

META_ORDER = [
    "description",
    "country",
    "unit",
    "district",
    "subunit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "default_score",
    "min_project_cost",
    "max_project_cost",
    "min_project_score_threshold",
    "neighborhoods",
    "subdistricts",
    "categories",
    "edition",
    "language",
    "currency",
    "fully_funded",
    "experimental",
    "comment",
    "acknowledgments",
]
"""The order of META keys in the pabulib format."""


def _ordered_meta(meta: Mapping[str, str]) -> dict[str, str]:
    known = {key: meta[key] for key in META_ORDER if key in meta}
    return known | {key: value for key, value in meta.items() if key not in known}


def selected_value(outcome: Outcome, project_id: str) -> str:
    """The `selected` cell of a project: "2" for the project `greedy-custom` funded from the
    reserve (pabulib's mark), "1" for the others funded, "0" otherwise."""
    if project_id not in outcome.selected:
        return "0"
    return "2" if outcome.details.get("reserve_project") == project_id else "1"


def _rule_meta(meta: dict[str, str], outcome: Outcome) -> None:
    conflicts = outcome.details.get("conflicts")
    if conflicts:
        groups = "; ".join(",".join(group) for group in conflicts)
        _comment(meta, f"conflict groups (at most one project of each funded): {groups}.")
    if outcome.rule in PABULIB_RULES:
        meta["rule"] = outcome.rule
        return
    meta["rule"] = "unknown"
    _comment(
        meta,
        f"selected computed by the rule {outcome.rule} "
        f"(satisfaction {outcome.satisfaction}, tie-break {outcome.tie_break}).",
    )


def _comment(meta: dict[str, str], text: str) -> None:
    """Append a numbered comment ("#1: ... #2: ...", the format's convention)."""
    comments = meta.get("comment", "")
    number = comments.count("#") + 1
    meta["comment"] = f"{comments} #{number}: {text}".strip()


def election_file(
    instance: Instance, profile: Profile, *, outcome: Outcome | None = None
) -> PabulibElection:
    """A complete pabulib election for `instance` and `profile` (and `outcome`'s selection).

    The descriptive META fields (description, country, unit, instance, dates...) come from
    `instance.meta`; raises `PabulibError` if a mandatory one is missing.
    """
    missing = [key for key in MANDATORY_META if not instance.meta.get(key)]
    if missing:
        raise PabulibError(f"META lacks the mandatory field(s) {', '.join(missing)}")
    ids = instance.project_ids
    voters = empty = 0
    votes = dict.fromkeys(ids, 0)
    scores: dict[str, Number] = dict.fromkeys(ids, 0)
    rows: list[tuple[str, ...]] = []
    vote_type = profile.vote_type
    points_column = vote_type in ("cumulative", "ordinal")
    for index, ballot in enumerate(profile.ballots, start=1):
        if isinstance(ballot, ApprovalBallot):
            listed = [pid for pid in ids if pid in ballot.projects]
            points: list[Number] = []
        elif isinstance(ballot, OrdinalBallot):
            listed = list(ballot.ranking)
            points = list(SATISFACTIONS["positional"].utilities(ballot, instance).values())
        else:
            assert isinstance(ballot, CumulativeBallot)
            listed = sorted(
                (pid for pid, value in ballot.points.items() if value > 0),
                key=lambda pid: (-ballot.points[pid], ids.index(pid)),
            )
            points = [ballot.points[pid] for pid in listed]
        if not listed:
            empty += ballot.weight  # the format has no way to write an empty ballot
            continue
        for copy in range(ballot.weight):
            voters += 1
            name = ballot.voter_id or str(index)
            if ballot.weight > 1:
                name = f"{name}-{copy + 1}"
            cells = [name, ",".join(listed)]
            if points_column:
                cells.append(",".join(format_decimal(p) for p in points))
            rows.append(tuple(cells))
            for position, pid in enumerate(listed):
                votes[pid] += 1
                if points_column:
                    scores[pid] += points[position]
    meta = dict(instance.meta)
    meta.update(
        num_projects=str(len(ids)),
        num_votes=str(voters),
        budget=format_decimal(instance.budget),
        vote_type=vote_type,
    )
    meta.setdefault("rule", "unknown")
    if outcome is not None:
        _rule_meta(meta, outcome)
    if empty:
        _comment(
            meta,
            f"{empty} voter(s) cast an empty ballot, which the format cannot list; Equal Shares "
            f"split the budget among all {voters + empty} voters.",
        )
    if sum(p.cost for p in instance.projects) <= instance.budget:
        meta["fully_funded"] = "1"
    else:
        meta.pop("fully_funded", None)
    columns = ["project_id", "cost", "votes"] + (["score"] if points_column else []) + ["name"]
    if any(p.categories for p in instance.projects):
        columns.append("category")
    if any(p.targets for p in instance.projects):
        columns.append("beneficiaries")
    if outcome is not None:
        columns.append("selected")
    project_rows = []
    for project in instance.projects:
        row = {
            "project_id": project.id,
            "cost": format_decimal(project.cost),
            "votes": str(votes[project.id]),
            "score": format_decimal(scores[project.id]),
            "name": project.name,
            "category": ",".join(project.categories),
            "beneficiaries": ",".join(project.targets),
            "selected": selected_value(outcome, project.id) if outcome is not None else "0",
        }
        project_rows.append(tuple(row[column] for column in columns))
    vote_columns = ("voter_id", "vote", "points") if points_column else ("voter_id", "vote")
    draft = PabulibElection(
        instance=Instance(instance.budget, instance.projects, _ordered_meta(meta)),
        profile=profile,
        project_columns=tuple(columns),
        project_rows=tuple(project_rows),
        vote_columns=vote_columns,
        vote_rows=tuple(rows),
    )
    # read it back, so that the profile is exactly what the file says (one ballot per voter)
    return parse_string(write_string(draft))


def with_outcome(election: PabulibElection, outcome: Outcome) -> PabulibElection:
    """The same file with its `selected` column (and META `rule`) set from `outcome`."""
    columns = list(election.project_columns)
    rows = [list(row) for row in election.project_rows]
    if "selected" not in columns:
        position = len(columns)
        for later in ("neighborhood", "subunit", "district", "description", "proposer"):
            if later in columns:
                position = min(position, columns.index(later))
        columns.insert(position, "selected")
        for row in rows:
            row.insert(position, "0")
    index = columns.index("selected")
    for row in rows:
        row[index] = selected_value(outcome, row[0])
    meta = dict(election.meta)
    _rule_meta(meta, outcome)
    instance = election.instance
    return PabulibElection(
        instance=Instance(instance.budget, instance.projects, _ordered_meta(meta)),
        profile=election.profile,
        project_columns=tuple(columns),
        project_rows=tuple(tuple(row) for row in rows),
        vote_columns=election.vote_columns,
        vote_rows=election.vote_rows,
    )
