"""An election prepared for counting: validated, with the numbers every rule needs computed once.

Rules receive an `Election` and report each decision to a `TraceRecorder`, which turns them
into the outcome's trace and refuses to finish unless every project was accounted for exactly
once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pb.allocation import pairwise
from pb.allocation.accelerators import INSTALLED, Accelerators
from pb.allocation.counting import ballot_matrix
from pb.allocation.numbers import Number, normalize
from pb.allocation.outcome import Outcome, Payments, TraceStep
from pb.allocation.satisfaction import SATISFACTIONS, score_measure
from pb.allocation.types import PAIRWISE, Instance, Profile


@dataclass
class Election:
    """Instance + profile + the chosen satisfaction and tie-break, ready for a rule."""

    instance: Instance
    profile: Profile
    satisfaction: str | None
    tie_break: str
    seed: int | str | None
    priority: dict[str, int]
    """Project id -> tie-break rank (lower wins ties)."""
    votes: dict[str, int] = field(repr=False)
    """Project id -> number of voters supporting it (weights counted)."""
    accelerators: Accelerators = field(default=INSTALLED, repr=False)
    """What the rule may use to go faster (the outcome is the same)."""

    @property
    def budget(self) -> Number:
        return self.instance.budget

    @cached_property
    def costs(self) -> dict[str, Number]:
        return {p.id: p.cost for p in self.instance.projects}

    @cached_property
    def num_voters(self) -> int:
        return self.profile.num_voters

    @cached_property
    def groups(self) -> list[tuple[int, dict[str, Number]]]:
        """Distinct ballots as (number of voters, utilities under the satisfaction measure).

        Identical ballots are merged; their order is the order of first appearance, and no rule
        depends on it.
        """
        assert self.satisfaction is not None
        return group_utilities(self.instance, self.profile, self.satisfaction)

    @cached_property
    def score_groups(self) -> list[tuple[int, dict[str, Number]]]:
        """Distinct ballots as (voters, project -> score): votes count 1, else points/position."""
        measure = score_measure(self.profile.vote_type, self.satisfaction)
        return group_utilities(self.instance, self.profile, measure)

    @cached_property
    def scores(self) -> dict[str, Number]:
        """Project id -> score (votes, points, positional or Copeland score), every project."""
        if self.profile.vote_type in ("approval", "choose-1"):
            return {pid: self.votes.get(pid, 0) for pid in self.instance.project_ids}
        if self.profile.vote_type == PAIRWISE:
            return {pid: record.score for pid, record in self.pairwise_records.items()}
        measure = score_measure(self.profile.vote_type, self.satisfaction)
        matrix = ballot_matrix(self.profile, self.accelerators)
        if matrix is not None:
            summed = matrix.totals(measure)
            return {pid: summed.get(pid, 0) for pid in self.instance.project_ids}
        totals: dict[str, Number] = dict.fromkeys(self.instance.project_ids, 0)
        for weight, utilities in self.score_groups:
            for pid, u in utilities.items():
                totals[pid] += weight * u
        return {pid: normalize(total) for pid, total in totals.items()}

    @cached_property
    def pairwise_records(self) -> dict[str, pairwise.Record]:
        """Pairwise ballots: every project's head-to-head record (`pb.allocation.pairwise`)."""
        return pairwise.records(self.instance, self.profile)

    @cached_property
    def supporters(self) -> dict[str, int]:
        """Project id -> voters whose satisfaction with it is positive (weights counted): the
        voters who share its cost under Equal Shares. The supporters' count (`votes`) except
        under `borda`, where a ranking's last project gives no satisfaction."""
        if self.satisfaction != "borda":
            return self.votes
        counts: dict[str, int] = {}
        for weight, utilities in self.groups:
            for pid in utilities:
                counts[pid] = counts.get(pid, 0) + weight
        return counts

    def by_priority(self, project_ids: list[str] | tuple[str, ...]) -> list[str]:
        return sorted(project_ids, key=self.priority.__getitem__)


def group_utilities(
    instance: Instance, profile: Profile, satisfaction: str
) -> list[tuple[int, dict[str, Number]]]:
    """(voters, utilities) per distinct ballot under a satisfaction measure; ballots that are
    distinct but equal under the measure stay separate groups (no rule depends on grouping)."""
    spec = SATISFACTIONS[satisfaction]
    return [(weight, spec.utilities(ballot, instance)) for weight, ballot in profile.distinct]


class TraceRecorder:
    """Collects one decision per project and builds the `Outcome`.

    `remaining` is the real budget left (budget minus the cost of what was selected so far).
    """

    def __init__(self, election: Election) -> None:
        self.election = election
        self.remaining: Number = election.budget
        self.selected: list[str] = []
        self.steps: list[TraceStep] = []
        self._decided: set[str] = set()

    def decided(self, project_id: str) -> bool:
        return project_id in self._decided

    def _check_new(self, project_id: str) -> None:
        if project_id in self._decided:
            raise RuntimeError(f"project {project_id} was decided twice")  # engine bug
        self._decided.add(project_id)

    def select(
        self,
        project_id: str,
        phase: str,
        *,
        price: Number | None = None,
        payments: Payments | None = None,
    ) -> None:
        self._check_new(project_id)
        cost = self.election.costs[project_id]
        if payments is not None and payments.supporters is None:
            supporters = self.election.supporters.get(project_id, 0)
            payments = dataclasses.replace(payments, supporters=supporters)
        self.remaining = normalize(self.remaining - cost)
        self.selected.append(project_id)
        self.steps.append(
            TraceStep.trusted(
                project=project_id,
                selected=True,
                reason="selected",
                score=self.election.scores[project_id],
                cost=cost,
                remaining_budget=self.remaining,
                phase=phase,
                price=None if price is None else normalize(price),
                payments=payments,
            )
        )

    def reject(
        self,
        project_id: str,
        reason: str,
        *,
        payments: Payments | None = None,
        available: Number | None = None,
    ) -> None:
        self._check_new(project_id)
        self.steps.append(
            TraceStep.trusted(
                project=project_id,
                selected=False,
                reason=reason,
                score=self.election.scores[project_id],
                cost=self.election.costs[project_id],
                remaining_budget=self.remaining,
                payments=payments,
                available=None if available is None else normalize(available),
            )
        )

    def outcome(self, rule: str, details: Mapping[str, Any] | None = None) -> Outcome:
        missing = [pid for pid in self.election.instance.project_ids if pid not in self._decided]
        if missing:
            raise RuntimeError(f"the trace does not account for {missing}")  # engine bug
        election = self.election
        total = normalize(sum((election.costs[pid] for pid in self.selected), 0))
        return Outcome(
            rule=rule,
            satisfaction=election.satisfaction,
            tie_break=election.tie_break,
            seed=election.seed,
            budget=election.budget,
            selected=tuple(self.selected),
            total_cost=total,
            scores=election.scores,
            trace=tuple(self.steps),
            details=dict(details or {}),
        )
