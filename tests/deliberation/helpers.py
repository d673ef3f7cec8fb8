"""Builders for deliberation tests, through the real services."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.deliberation import comments, moderation
from pb.deliberation.models import Amendment, AmendmentStatus
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.rounds.models import Phase
from tests import factories


def deliberating_round(
    phase: Phase = Phase.PROPOSALS, *, voters: int = 3, threshold: int | None = 2, **overrides: Any
) -> factories.RoundSetup:
    """A round with a deliberation phase (proposals open now) and a support threshold."""
    start = utcnow() - timedelta(hours=1)
    return factories.round_in_phase(
        phase,
        voters=voters,
        deliberation_close_at=start + timedelta(days=1, hours=12),
        support_threshold=threshold,
        **overrides,
    )


def resident(setup: factories.RoundSetup) -> User:
    return factories.user(Role.CITIZEN, home=setup.ward)


def access_objects(setup: factories.RoundSetup, author: User) -> dict[str, int]:
    """A comment by `author`, an amendment to their proposal and a report on their comment,
    for the role matrix (tests/test_access.py): ids for every deliberation URL argument."""
    proposal: Proposal = setup.projects[0]
    comment = comments.post(proposal, author, "A first comment.")
    other = resident(setup)
    amendment = pending_amendment(proposal, other)  # written directly: past amending
    report = moderation.report(other, proposal, "Off topic.", comment=comment)
    db.session.commit()
    return {"comment_id": comment.id, "amendment_id": amendment.id, "report_id": report.id}


def pending_amendment(proposal: Proposal, author: User) -> Amendment:
    """An amendment awaiting the proposal author's decision, added without the services (which
    refuse amendments outside the deliberation)."""
    amendment = Amendment(
        proposal_id=proposal.id,
        author_id=author.id,
        title="A better title",
        description="A better description of the same project.",
        estimated_cost=proposal.estimated_cost,
        reason="Clearer.",
        base_version=1,
        status=AmendmentStatus.PENDING,
    )
    db.session.add(amendment)
    return amendment
