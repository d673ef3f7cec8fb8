"""Tallying a closed round through the allocation engine, storing and publishing the outcome.

Who may see results is decided in one place, `visible_to`: every page, API answer and export asks
it, so nothing about the votes leaks before publication.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import Role, User
from pb.allocation import Outcome
from pb.audit import services as audit
from pb.audit.chain import canonical_json, sha256_hex
from pb.audit.separated import ballots_digest
from pb.db import utcnow
from pb.errors import Conflict, NotFound
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.results import engine
from pb.results.models import Result, ResultProject
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import eligibility
from pb.voting import services as voting


def visible_to(round_: Round, user: User | None) -> bool:
    """Published results are public; closed-but-unpublished ones only for checking by the
    round's councillors and by auditors; during voting, nobody sees any count."""
    if round_.phase is Phase.PUBLISHED:
        return True
    if round_.phase is not Phase.CLOSED or user is None or not user.is_authenticated:
        return False
    return user.role is Role.AUDITOR or rounds.can_manage(user, round_)


def get_result(round_: Round) -> Result | None:
    return db.session.get(Result, round_.id)


def published_lines(round_: Round, user: User | None) -> dict[int, ResultProject]:
    """Each project's result line, by proposal id, when `user` may see the results; else none.
    Project and round pages use it to say funded or not funded instead of the review status."""
    if not visible_to(round_, user):
        return {}
    result = get_result(round_)
    return {line.proposal_id: line for line in result.projects} if result else {}


def funded_projects(round_: Round) -> list[Proposal]:
    """The projects a published round funded, in the order the rule chose them; empty before
    publication. What happens after the vote (delivery, ratings, volunteering) starts here."""
    if round_.phase is not Phase.PUBLISHED:
        return []
    query = (
        select(Proposal)
        .join(ResultProject, ResultProject.proposal_id == Proposal.id)
        .where(ResultProject.round_id == round_.id, ResultProject.funded.is_(True))
        .order_by(ResultProject.rank)
    )
    return list(db.session.scalars(query))


def is_funded(proposal: Proposal) -> bool:
    """True when the proposal's round is published and funded it."""
    round_ = proposal.round
    if round_ is None or round_.phase is not Phase.PUBLISHED:
        return False
    line = db.session.get(ResultProject, (round_.id, proposal.id))
    return bool(line and line.funded)


def receipts_digest(round_: Round) -> tuple[int, str]:
    """How many ballots, and one hash over their sorted receipts (what the close entry logs)."""
    receipts = list(db.session.scalars(voting.receipts_query(round_)))
    return len(receipts), sha256_hex("\n".join(receipts))


# What may hold a closed round's count back: each returns why (a message) or None. Higher
# packages add theirs (pb.paper: paper ballots still being keyed); the tally at CLOSED then
# waits, and whoever lifts the hold calls `tally` again. Publication refuses meanwhile.
COUNT_HOLDS: list[Callable[[Round], str | None]] = []


def count_held(round_: Round) -> str | None:
    """Why the round may not be counted yet, or None."""
    for hold in COUNT_HOLDS:
        reason = hold(round_)
        if reason:
            return reason
    return None


@rounds.on_entering(Phase.CLOSED)
def tally(round_: Round, actor: User | None) -> Result | None:
    """Count the votes with the round's rule and tie-break; store the outcome and its trace.
    None: a hold (`COUNT_HOLDS`) keeps the count waiting."""
    if get_result(round_) is not None:
        raise Conflict(_("This round has already been counted."))
    if count_held(round_):
        return None
    ballots = voting.counted_ballots(round_)
    outcome = engine.run(round_, [voting.choices_of(b) for b in ballots])
    result = Result(
        round_id=round_.id,
        rule=outcome.rule,
        satisfaction=outcome.satisfaction,
        tie_break=outcome.tie_break,
        tie_break_seed=round_.tie_break_seed,
        config_hash=round_.config_hash or "",
        budget=round_.budget,
        total_cost=outcome.total_cost,
        ballot_count=len(ballots),
        outcome_json=canonical_json(outcome.to_json()),
        projects=result_lines(round_, outcome, ballots),
    )
    db.session.add(result)
    db.session.flush()
    _count, digest = receipts_digest(round_)
    paper = [b for b in ballots if b.channel == voting.PAPER]
    audit.record(
        "round.tallied",
        round_,
        {
            "ballots": len(ballots),
            "receipts_sha256": digest,
            "paper_ballots": len(paper),
            "paper_sha256": ballots_digest(
                (b.id, b.config_hash, voting.choices_of(b)) for b in paper
            ),
            "participated": voting.participation_count(round_),  # ballots never exceed it
            "participated_by_channel": voting.turnout_by_channel(round_),
            "eligible": eligibility.eligible_count(round_),
            "participated_by_method": eligibility.turnout_by_method(round_),
            "verification_methods": sorted(round_.verification_methods or ["email"]),
            "config_hash": result.config_hash,
            "rule": result.rule,
            "satisfaction": result.satisfaction,
            "tie_break": result.tie_break,
            "selected": [int(pid) for pid in outcome.selected],
            "total_cost": result.total_cost,
        },
        actor=actor,
    )
    return result


def result_lines(round_: Round, outcome: Outcome, ballots: Sequence[Any]) -> list[ResultProject]:
    """The results table's lines for an outcome (at the tally, and after a tie decision)."""
    votes = voting.choices_for_projects(ballots, round_.ballot_format)
    return [
        ResultProject(
            proposal_id=line.proposal_id,
            rank=line.rank,
            votes=votes.get(line.proposal_id, 0),
            score=line.score,
            cost=line.cost,
            funded=line.funded,
            reason=line.reason,
            reason_detail=line.detail,
        )
        for line in engine.project_lines(outcome, rounds.ballot_projects(round_))
    ]


@rounds.on_entering(Phase.PUBLISHED)
def publish(round_: Round, actor: User | None) -> None:
    result = get_result(round_)
    if result is None:
        raise Conflict(count_held(round_) or _("This round has not been counted yet."))
    result.published_at = utcnow()
    db.session.flush()
    audit.record("round.results_published", round_, {"total_cost": result.total_cost}, actor=actor)


@dataclass(frozen=True)
class ResultLine:
    project: Proposal
    line: ResultProject


@dataclass(frozen=True)
class ResultsPage:
    round: Round
    result: Result
    funded: list[ResultLine]
    unfunded: list[ResultLine]
    participants: int
    by_channel: dict[str, int]  # participations per channel (online, code, kiosk, paper)
    paper_ballots: int

    @property
    def budget_left(self) -> int:
        return self.result.budget - self.result.total_cost


def results_page(round_: Round, user: User | None) -> ResultsPage:
    if not visible_to(round_, user):
        raise NotFound(_("The results of this round are not published yet."))
    result = get_result(round_)
    if result is None:
        raise NotFound(_("The results of this round are not published yet."))
    projects = {
        p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.round_id == round_.id))
    }
    lines = [ResultLine(projects[line.proposal_id], line) for line in result.projects]
    return ResultsPage(
        round=round_,
        result=result,
        funded=[line for line in lines if line.line.funded],
        unfunded=[line for line in lines if not line.line.funded],
        participants=voting.participation_count(round_),
        by_channel=voting.turnout_by_channel(round_),
        paper_ballots=voting.paper_ballot_count(round_),
    )
