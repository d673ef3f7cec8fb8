"""The deliberation blueprint and what its view modules share: the posting limit, the proposal
a visitor may see, and the way back to a project page.

Posting (comments, amendments, reports) is rate limited per signed-in user, all endpoints
counted together, so one account cannot flood a discussion or the moderation queue.
"""

from __future__ import annotations

from flask import Blueprint, redirect, url_for

from pb import limits
from pb.proposals import services as proposals
from pb.proposals.models import Proposal
from pb.public.services import visible_round

bp = Blueprint("deliberation", __name__)


posting_limit = limits.limit("posting")


def visible_proposal(proposal_id: int) -> Proposal:
    """A proposal the visitor may see (not in a draft round)."""
    proposal = proposals.get_proposal(proposal_id)
    visible_round(proposal.round_id)
    return proposal


def to_project(proposal: Proposal, anchor: str = "comments"):  # type: ignore[no-untyped-def]
    url = url_for("public.project", round_id=proposal.round_id, proposal_id=proposal.id)
    return redirect(f"{url}#{anchor}")
