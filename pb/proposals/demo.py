"""The demo's proposals: a round taken from proposals to voting through submission and review,
and the youth round's ideas still collecting proposals."""

from __future__ import annotations

import random
from datetime import datetime

from pb.accounts.models import User
from pb.extensions import db
from pb.proposals import services as proposals
from pb.proposals.demo_projects import YOUTH_PROPOSALS
from pb.proposals.models import Proposal
from pb.rounds import services as rounds
from pb.rounds.models import Round


def run_to_ballot(
    round_: Round, officer: User, projects: list[tuple], people: list[User], rng: random.Random
) -> None:
    councillor = db.session.get(User, round_.created_by_id)
    rounds.advance_phase(round_, actor=councillor, now=round_.proposals_open_at)
    submitted = []
    for index, (title, cost, category, text) in enumerate(projects):
        draft = proposals.ProposalDraft(title, text, cost, round_.wards[0].id, category)
        submitted.append(
            proposals.submit(round_, draft, author=people[index], now=round_.proposals_open_at)
        )
    infeasible = proposals.submit(
        round_,
        proposals.ProposalDraft(
            "Heated outdoor swimming pool",
            "A heated outdoor pool open all year for everyone in the ward.",
            round_.budget,
            round_.wards[0].id,
            "Sport and play",
        ),
        author=people[len(projects)],
        now=round_.proposals_open_at,
    )
    rounds.advance_phase(round_, actor=councillor, now=round_.proposals_close_at)
    for proposal in submitted:
        final = proposal.estimated_cost + rng.choice([-1, 0, 1]) * 100_000
        proposals.review(
            proposal,
            officer=officer,
            feasible=True,
            final_cost=final,
            reason="Checked with highways, parks and procurement: feasible at this cost.",
        )
    proposals.review(
        infeasible,
        officer=officer,
        feasible=False,
        final_cost=None,
        reason="Running costs would exceed the ward's yearly maintenance budget.",
    )
    rounds.advance_phase(round_, actor=councillor, now=round_.proposals_close_at)


def submit_youth_ideas(
    round_: Round, ward_id: int, authors: list[User], now: datetime
) -> list[Proposal]:
    """The youth round's proposals, one per author, submitted while it collects proposals."""
    return [
        proposals.submit(
            round_,
            proposals.ProposalDraft(title, text, cost, ward_id, category),
            author=author,
            now=now,
        )
        for author, (title, cost, category, text) in zip(authors, YOUTH_PROPOSALS, strict=False)
    ]
