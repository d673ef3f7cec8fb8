"""The figures of the outcomes report, each a plain query over the packages below: results and
delivery (money), volunteering (time), assessment (ratings, only as published from k raters),
proposals, deliberation and voting (how many distinct people took part; never a ballot).

A scope is a published round, a ward (every published round's projects in that ward), or both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select

from pb.assessment import services as assessment
from pb.assessment.models import SCALE, Criterion, ProjectAssessment, Rating
from pb.deliberation.models import Comment
from pb.delivery.models import DeliveryPlan, DeliveryStatus
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.results.models import ResultProject
from pb.rounds.models import Phase, Round
from pb.voting.models import Participation


@dataclass(frozen=True)
class Scope:
    round_id: int | None = None
    ward_id: int | None = None

    def proposals(self) -> Select:  # type: ignore[type-arg]
        """Ids of the proposals in scope: of published rounds only."""
        query = select(Proposal.id).join(Round, Round.id == Proposal.round_id)
        query = query.where(Round.phase == Phase.PUBLISHED)
        if self.round_id is not None:
            query = query.where(Proposal.round_id == self.round_id)
        if self.ward_id is not None:
            query = query.where(Proposal.ward_id == self.ward_id)
        return query

    def rounds(self) -> Select:  # type: ignore[type-arg]
        query = select(Round.id).where(Round.phase == Phase.PUBLISHED)
        if self.round_id is not None:
            query = query.where(Round.id == self.round_id)
        return query


@dataclass(frozen=True)
class ProjectLine:
    proposal: Proposal
    allocated: int  # minor units, the funded cost
    spent: int
    status: str  # a DeliveryStatus value ("planned" without a plan)
    progress: int
    due_on: date | None  # the last milestone's due date
    finished_on: date | None  # when the last milestone was marked done
    on_time: bool


def on_time(plan: DeliveryPlan | None) -> tuple[date | None, date | None, bool]:
    """(last due date, last done date, on time). On time: the plan is done, it has milestones,
    every one is marked done, and the last was done on or before the latest due date."""
    if plan is None or not plan.milestones:
        return None, None, False
    due = max(m.due_on for m in plan.milestones)
    done = [m.done_on for m in plan.milestones]
    finished = max(done) if all(done) else None  # type: ignore[type-var]
    punctual = plan.status is DeliveryStatus.DONE and finished is not None and finished <= due
    return due, finished, punctual


def funded_lines(scope: Scope) -> list[ProjectLine]:
    """Every funded project in scope with its money and delivery, in round and rank order."""
    query = (
        select(Proposal, ResultProject.cost)
        .join(ResultProject, ResultProject.proposal_id == Proposal.id)
        .where(ResultProject.funded.is_(True), Proposal.id.in_(scope.proposals()))
        .order_by(Proposal.round_id, ResultProject.rank)
    )
    found = db.session.execute(query).all()
    ids = [proposal.id for proposal, _ in found]
    plans = {
        plan.proposal_id: plan
        for plan in db.session.scalars(
            select(DeliveryPlan).where(DeliveryPlan.proposal_id.in_(ids))
        )
    }
    lines = []
    for proposal, cost in found:
        plan = plans.get(proposal.id)
        due, finished, punctual = on_time(plan)
        lines.append(
            ProjectLine(
                proposal=proposal,
                allocated=cost,
                spent=plan.spent if plan else 0,
                status=plan.status.value if plan else DeliveryStatus.PLANNED.value,
                progress=plan.progress if plan else 0,
                due_on=due,
                finished_on=finished,
                on_time=punctual,
            )
        )
    return lines


def proposers(scope: Scope) -> int:
    """Distinct residents who wrote a proposal in scope."""
    query = select(Proposal.author_id.label("person")).where(
        Proposal.id.in_(scope.proposals()), Proposal.author_id.is_not(None)
    )
    return _count_people(query)


def commenters(scope: Scope) -> int:
    """Distinct residents who commented on a proposal in scope (deleted comments included: they
    took part)."""
    query = select(Comment.author_id.label("person")).where(
        Comment.proposal_id.in_(scope.proposals()), Comment.author_id.is_not(None)
    )
    return _count_people(query)


def raters(scope: Scope) -> int:
    """Distinct residents counted in the published rating figures of the projects in scope:
    those who had rated a project whose aggregate is shown (k raters or more) when it was last
    computed. Never the live ratings: a count of raters of a project below k, or one changing
    between two daily refreshes, would tell about single residents."""
    query = select(ProjectAssessment).where(ProjectAssessment.proposal_id.in_(scope.proposals()))
    people: set[int] = set()
    for shown in db.session.scalars(query):
        if not shown.aggregate.get("count") or shown.aggregated_at is None:
            continue
        counted = select(Rating.user_id).where(
            Rating.proposal_id == shown.proposal_id, Rating.created_at <= shown.aggregated_at
        )
        people.update(db.session.scalars(counted))
    return len(people)


def _count_people(query: Select) -> int:  # type: ignore[type-arg]
    sub = query.subquery()
    return int(db.session.scalar(select(func.count(func.distinct(sub.c.person)))) or 0)


def voters(scope: Scope) -> int:
    """Participations (one per resident who voted in a round) in the scope's published rounds;
    for a ward, those recorded in that ward. Counted from participation rows, never ballots."""
    query = select(func.count(Participation.id)).where(Participation.round_id.in_(scope.rounds()))
    if scope.ward_id is not None:
        query = query.where(Participation.ward_id == scope.ward_id)
    return int(db.session.scalar(query) or 0)


@dataclass(frozen=True)
class CriterionLine:
    label: str
    answers: int
    distribution: list[int]  # how many answers gave 1..SCALE
    mean: str | None  # two decimals


@dataclass(frozen=True)
class Ratings:
    criteria: list[CriterionLine]
    projects_shown: int  # projects whose figures are published (k raters or more)
    projects_withheld: int  # open to rating, fewer than k raters so far
    k: int | None  # the largest k of the projects in scope (None: none open to rating)


def ratings(scope: Scope) -> Ratings:
    """Per criterion, the published aggregates of the projects in scope added up: only figures
    already published from at least k raters each (pb.assessment.aggregates), so the sum never
    shows fewer than k people."""
    query = select(ProjectAssessment).where(ProjectAssessment.proposal_id.in_(scope.proposals()))
    found = list(db.session.scalars(query))
    shown = [a for a in found if a.aggregate.get("count")]
    labels = _criterion_labels({a.round_id for a in shown})
    sums: dict[str, list[int]] = {}
    for found_one in shown:
        for line in found_one.aggregate.get("criteria", []):
            label = labels.get(line["criterion_id"])
            if label is not None:
                into = sums.setdefault(label, [0] * SCALE)
                for index, count in enumerate(line["distribution"]):
                    into[index] += count
    return Ratings(
        criteria=[_criterion_line(label, counts) for label, counts in sums.items()],
        projects_shown=len(shown),
        projects_withheld=len(found) - len(shown),
        k=max((a.min_raters for a in found), default=None),
    )


def _criterion_labels(round_ids: set[int]) -> dict[int, str]:
    query = select(Criterion).where(Criterion.round_id.in_(round_ids))
    ordered = query.order_by(Criterion.round_id, Criterion.position)
    return {criterion.id: assessment.label(criterion) for criterion in db.session.scalars(ordered)}


def _criterion_line(label: str, counts: list[int]) -> CriterionLine:
    answers = sum(counts)
    total = sum((index + 1) * count for index, count in enumerate(counts))
    mean = f"{total / answers:.2f}" if answers else None
    return CriterionLine(label, answers, counts, mean)


def rounds_in(scope: Scope) -> int:
    """Published rounds with a proposal in scope."""
    query = select(func.count(func.distinct(Proposal.round_id))).where(
        Proposal.id.in_(scope.proposals())
    )
    return int(db.session.scalar(query) or 0)
