"""What /api/v1 answers, as plain dicts the schemas dump. Takes plain values (a round, a user,
page numbers); never sees the request.

Anything derived from the votes (a project's result, the results, the explanations,
participation) is asked of `pb.results.services.visible_to`, as the pages do: nothing before
publication, except to the round's councillors and to auditors once voting has closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from pb.accounts.models import User
from pb.audit.chain import format_time
from pb.audit.models import Checkpoint
from pb.deliberation import moderation
from pb.delivery import services as delivery
from pb.eligibility import methods as verification
from pb.eligibility import services as eligibility
from pb.errors import NotFound
from pb.extensions import db
from pb.proposals.models import Proposal, ProposalStatus
from pb.results import charts, explanation, why
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import services as voting


@dataclass(frozen=True)
class Listing:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    def as_dict(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "items": items,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
        }


def listing(statement: Select[Any], count: Select[Any], page: int, per_page: int) -> Listing:
    """One page of a query. Unlike the pages' pager, a page past the end is empty, not the last
    one: a client walking `next` links must be able to tell that it has reached the end."""
    total = db.session.scalar(count) or 0
    sliced = statement.offset((page - 1) * per_page).limit(per_page)
    return Listing(list(db.session.scalars(sliced)), page, per_page, total)


def listing_of(items: Sequence[Any], page: int, per_page: int) -> Listing:
    start = (page - 1) * per_page
    return Listing(list(items[start : start + per_page]), page, per_page, len(items))


def verification_of(round_: Round) -> dict[str, Any]:
    described = verification.describe(round_.verification_methods or [])
    return {
        "methods": [method.name for method in described.methods],
        "assurance": described.assurance.name.lower(),
        "self_declared": described.self_declared,
        "one_ballot_per_person": described.one_per_person,
    }


def round_summary(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "title": round_.title,
        "wards": [ward.code for ward in round_.wards],
        "budget": round_.budget,
        "currency": round_.currency,
        "phase": round_.phase.value,
        "proposals_open_at": format_time(round_.proposals_open_at),
        "proposals_close_at": format_time(round_.proposals_close_at),
        "voting_open_at": format_time(round_.voting_open_at),
        "voting_close_at": format_time(round_.voting_close_at),
        "verification": verification_of(round_),
    }


def round_detail(round_: Round) -> dict[str, Any]:
    return round_summary(round_) | {
        "ballot_format": round_.ballot_format,
        "ballot_params": round_.ballot_params or {},
        "rule": round_.rule,
        "tie_break": round_.tie_break,
        "config_hash": round_.config_hash,
        "categories": list(round_.categories or []),
    }


def rounds_page(page: int, per_page: int) -> dict[str, Any]:
    found = listing_of(rounds.public_rounds(), page, per_page)
    return found.as_dict([round_summary(r) for r in found.items])


def projects_page(round_: Round, user: User | None, page: int, per_page: int) -> dict[str, Any]:
    in_round = Proposal.round_id == round_.id
    found = listing(
        select(Proposal).where(in_round).order_by(Proposal.id),
        select(func.count(Proposal.id)).where(in_round),
        page,
        per_page,
    )
    return found.as_dict(_projects(round_, user, found.items))


def project(round_: Round, user: User | None, proposal_id: int) -> dict[str, Any]:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.round_id != round_.id:
        raise NotFound(_("No such proposal."))
    return _projects(round_, user, [proposal])[0]


def _projects(round_: Round, user: User | None, found: list[Proposal]) -> list[dict[str, Any]]:
    lines = results.published_lines(round_, user)
    hidden = moderation.hidden_reasons(p.id for p in found)
    return [_project(p, lines.get(p.id), hidden.get(p.id)) for p in found]


def _project(proposal: Proposal, line: Any, hidden_reason: str | None) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "round_id": proposal.round_id,
        "title": proposal.title,
        "description": None if hidden_reason is not None else proposal.description,
        "hidden_reason": hidden_reason,
        "category": proposal.category,
        "ward": proposal.ward.code,
        "estimated_cost": proposal.estimated_cost,
        "final_cost": proposal.final_cost,
        "status": ProposalStatus(proposal.status).value,
        "review_reason": proposal.review_reason,
        "result": None if line is None else _line(line),
        "delivery": _delivery(proposal) if line is not None and line.funded else None,
    }


def _delivery(proposal: Proposal) -> dict[str, Any] | None:
    """A funded project's delivery (pb.delivery), once its round is published; null before."""
    if proposal.round.phase is not Phase.PUBLISHED:
        return None
    plan = delivery.shown_plan(proposal)
    milestones = [m for m in plan.milestones] if plan.id is not None else []
    return {
        "status": plan.status.value,
        "progress": plan.progress,
        "spent": plan.spent,
        "milestones": len(milestones),
        "milestones_done": sum(1 for m in milestones if m.done_on is not None),
    }


def _line(line: Any) -> dict[str, Any]:
    return {
        "funded": line.funded,
        "rank": line.rank,
        "votes": line.votes,
        "score": line.score,
        "reason": line.reason,
    }


def results_of(round_: Round, user: User | None) -> dict[str, Any]:
    page = results.results_page(round_, user)  # NotFound unless visible_to
    result = page.result
    outcome = explanation.read_outcome(result.outcome_json)
    sentences = {
        item.project_id: item.text
        for item in (explanation.explain(outcome, round_.currency) if outcome else [])
    }
    return {
        "round_id": round_.id,
        "rule": result.rule,
        "satisfaction": result.satisfaction,
        "tie_break": result.tie_break,
        "tie_break_seed": result.tie_break_seed,
        "config_hash": result.config_hash,
        "budget": result.budget,
        "total_cost": result.total_cost,
        "ballots": result.ballot_count,
        "published_at": format_time(result.published_at) if result.published_at else None,
        "projects": [
            _line(item.line)
            | {
                "id": item.project.id,
                "title": item.project.title,
                "cost": item.line.cost,
                "explanation": sentences.get(item.project.id, ""),
            }
            for item in page.funded + page.unfunded
        ],
    }


def why_of(round_: Round, user: User | None, chosen: set[int]) -> dict[str, Any]:
    titles = {p.id: p.title for p in rounds.ballot_projects(round_)}
    page = why.why_page(round_, user, chosen, titles)
    return {
        "round_id": round_.id,
        "chosen": sorted(page.chosen),
        "share": page.share,
        "share_left": page.share_left,
        "answers": [
            {
                "project_id": answer.project_id,
                "title": answer.title,
                "funded": answer.funded,
                "text": answer.text,
                "paid": answer.paid,
            }
            for answer in page.answers
        ],
    }


def participation(round_: Round, user: User | None) -> dict[str, Any]:
    """Turnout and how people took part; counts only, like the results page's charts."""
    if not results.visible_to(round_, user):
        raise NotFound(_("The results of this round are not published yet."))
    ballots = voting.participation_count(round_)
    eligible = eligibility.eligible_count(round_)
    by_day = charts.participation_by_day(round_.id)
    return {
        "round_id": round_.id,
        "ballots": ballots,
        "eligible": eligible,
        "turnout": round(ballots / eligible, 4) if eligible else None,
        "by_method": [
            {"name": name, "ballots": count}
            for name, count in eligibility.turnout_by_method(round_).items()
        ],
        "by_day": [{"name": day.isoformat(), "ballots": count} for day, count in by_day],
        "by_ward": [
            {"name": name, "ballots": count}
            for name, count in charts.participation_by_ward(round_.id)
        ],
    }


def checkpoints_page(page: int, per_page: int) -> dict[str, Any]:
    """Signed checkpoints of the audit chain, newest first."""
    found = listing(
        select(Checkpoint).order_by(Checkpoint.seq.desc()),
        select(func.count(Checkpoint.seq)),
        page,
        per_page,
    )
    return found.as_dict([checkpoint.published() for checkpoint in found.items])
