"""Conflict groups: projects that cannot be built together, under every rule.

A conflict group is a set of projects of which at most one may be funded (two projects for the
same site). Groups are declared outside the ballots: in the platform by an officer, frozen with
the round's configuration when voting opens; for a pabulib file with `pb tally --conflicts
773,153` (pabulib states them only in the file's free-text comment; its rule name is
`greedy-exclusive`).

One mechanism serves every rule, so that no rule's internals need to know about conflicts:
count; if the outcome funds two projects of one group, withdraw the one funded later (it
conflicts with the one funded earlier) and count again without it; repeat until no group has two
funded projects. A project the count found too dear for the money left (`does_not_fit`) after a
rival was funded is withdrawn the same way, since a rule that stops at the first project that
does not fit (greedy-no-skip, greedy-custom, Phragmén) must skip it for the conflict
instead. Each recount withdraws one more project, so there are at most as many recounts as
declared projects.

For a rule that picks one project at a time from a fixed set of candidates (the greedy family,
Equal Shares without completion, Phragmén) this is exactly "skip a project that conflicts with
one already funded": the withdrawn project was not chosen before its rival, so withdrawing it
from the start changes none of the choices made up to that point. For the add1 completions and
max-welfare it is the same definition applied to the rule's whole outcome: the project the rule
funded later is withdrawn and the election is counted again without it (for max-welfare this is
the best combination of the projects left, not necessarily the best conflict-free combination).

A withdrawn project gets the trace reason `conflict`; the outcome's details list the declared
groups (`conflicts`) and, per withdrawn project, the project it gave way to (`withdrawn`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pb.allocation.election import Election
from pb.allocation.errors import InvalidElectionError
from pb.allocation.numbers import normalize
from pb.allocation.outcome import Outcome, TraceStep
from pb.allocation.types import Instance

Groups = tuple[tuple[str, ...], ...]


def normalize_groups(instance: Instance, groups: Iterable[Iterable[str]]) -> Groups:
    """The groups as tuples in ballot order, each of two or more known projects, without
    repeats; raises `InvalidElectionError` for an unknown project or a group of one."""
    order = {pid: index for index, pid in enumerate(instance.project_ids)}
    result: list[tuple[str, ...]] = []
    for group in groups:
        if isinstance(group, str):
            raise InvalidElectionError("a conflict group is a sequence of project ids, not a str")
        members = set(group)
        unknown = sorted(pid for pid in members if pid not in order)
        if unknown:
            raise InvalidElectionError(f"a conflict group names unknown project(s) {unknown}")
        if len(members) < 2:
            raise InvalidElectionError("a conflict group needs at least two different projects")
        ordered = tuple(sorted(members, key=order.__getitem__))
        if ordered not in result:
            result.append(ordered)
    return tuple(result)


def first_clash(trace: Sequence[TraceStep], groups: Groups) -> tuple[str, str] | None:
    """(a project, the funded project it conflicts with), for the first step of the trace that
    funds a project conflicting with one funded before, or that found such a project too dear
    for the budget left (`does_not_fit`: a rule that stops there, such as greedy-no-skip, must
    skip it for the conflict instead); None when there is no such step."""
    funded: list[str] = []
    for step in trace:
        if step.selected or step.reason == "does_not_fit":
            for group in groups:
                if step.project in group:
                    rivals = [other for other in funded if other in group]
                    if rivals:
                        return step.project, rivals[0]
        if step.selected:
            funded.append(step.project)
    return None


def without(election: Election, withdrawn: Iterable[str]) -> Election:
    """The same election with some projects withdrawn from the ballot.

    The ballots are unchanged, so every other project keeps its votes, points, positions and
    satisfactions exactly; the withdrawn projects are simply not candidates."""
    gone = frozenset(withdrawn)
    instance = election.instance
    kept = Instance(
        instance.budget, tuple(p for p in instance.projects if p.id not in gone), instance.meta
    )
    smaller = Election(
        instance=kept,
        profile=election.profile,
        satisfaction=election.satisfaction,
        tie_break=election.tie_break,
        seed=election.seed,
        priority=election.priority,
        votes={pid: n for pid, n in election.votes.items() if pid not in gone},
        accelerators=election.accelerators,
    )

    def keep(groups: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
        return [(w, {p: u for p, u in us.items() if p not in gone}) for w, us in groups]

    if election.satisfaction is not None:
        smaller.__dict__["groups"] = keep(election.groups)
    smaller.__dict__["score_groups"] = keep(election.score_groups)
    smaller.__dict__["scores"] = {pid: election.scores[pid] for pid in kept.project_ids}
    return smaller


def allocate_with_conflicts(
    election: Election, compute: Callable[[Election], Outcome], groups: Groups
) -> Outcome:
    """Count with `compute` so that no two projects of a group are both funded (see above)."""
    withdrawn: dict[str, str] = {}
    while True:
        outcome = compute(without(election, withdrawn) if withdrawn else election)
        clash = first_clash(outcome.trace, groups)
        if clash is None:
            return _complete(election, outcome, withdrawn, groups)
        later, earlier = clash
        withdrawn[later] = earlier


def _complete(
    election: Election, outcome: Outcome, withdrawn: dict[str, str], groups: Groups
) -> Outcome:
    """The outcome with a `conflict` step for each withdrawn project, placed right after the
    step that funded its rival (at the end if the final count did not fund the rival)."""
    trace = list(outcome.trace)
    for pid, rival in withdrawn.items():
        places = [i for i, step in enumerate(trace) if step.project == rival and step.selected]
        at = places[0] + 1 if places else len(trace)
        left = trace[at - 1].remaining_budget if at else election.budget
        if not places:
            left = normalize(outcome.budget - outcome.total_cost)
        step = TraceStep(pid, False, "conflict", election.scores[pid], election.costs[pid], left)
        trace.insert(at, step)
    details = dict(outcome.details)
    details["conflicts"] = [list(group) for group in groups]
    details["withdrawn"] = dict(withdrawn)
    return Outcome(
        rule=outcome.rule,
        satisfaction=outcome.satisfaction,
        tie_break=outcome.tie_break,
        seed=outcome.seed,
        budget=outcome.budget,
        selected=outcome.selected,
        total_cost=outcome.total_cost,
        scores=election.scores,
        trace=tuple(trace),
        details=details,
    )
