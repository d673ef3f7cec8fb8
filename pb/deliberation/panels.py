"""What the public pages show of deliberation, gathered in one read-only pass per page.

Registered as template globals so the round and project pages (owned by other domains) only
include a partial template instead of growing their views.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import Flask
from flask_login import current_user

from pb.deliberation import (
    amendments,
    comments,
    follows,
    labels,
    merging,
    moderation,
    notifications,
    policy,
)
from pb.deliberation import supports as supports_service
from pb.deliberation.formatting import render
from pb.deliberation.models import Amendment, ProposalMerge
from pb.proposals.models import Proposal


@dataclass
class CardStats:
    comments: int
    supports: int
    supported: bool
    progress: supports_service.Progress
    hidden_reason: str | None


@dataclass
class ProjectPanel:
    proposal: Proposal
    hidden_reason: str | None
    sort: str
    thread: list[comments.CommentView]
    comment_count: int
    progress: supports_service.Progress
    supported: bool
    can_support: bool
    can_discuss: bool
    discussion_open: bool
    can_amend: bool
    is_author: bool
    amendments: list[Amendment]
    merged_into: ProposalMerge | None
    merged_from: list[ProposalMerge] = field(default_factory=list)
    sorts: Sequence[str] = comments.SORTS


def _reader():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


def card_stats(proposals: Sequence[Proposal]) -> dict[int, CardStats]:
    """Counts for a list of project cards, in four queries whatever the list's length."""
    ids = [p.id for p in proposals]
    comment_counts = comments.counts(ids)
    support_counts = supports_service.counts(ids)
    mine = supports_service.supported_by(_reader(), ids)
    hidden = moderation.hidden_reasons(ids)
    return {
        p.id: CardStats(
            comment_counts.get(p.id, 0),
            support_counts.get(p.id, 0),
            p.id in mine,
            supports_service.progress(p.round, support_counts.get(p.id, 0)),
            hidden.get(p.id),
        )
        for p in proposals
    }


def project_panel(proposal: Proposal, sort: str | None) -> ProjectPanel:
    reader = _reader()
    hidden = moderation.hidden_reasons([proposal.id]).get(proposal.id)
    count = supports_service.counts([proposal.id]).get(proposal.id, 0)
    phase = proposal.round.phase
    shaping = phase in policy.SHAPING_PHASES and proposal.status.value == "submitted"
    resident = bool(reader and policy.eligibility.can_take_part(reader, proposal.round))
    return ProjectPanel(
        proposal=proposal,
        hidden_reason=hidden,
        sort=sort if sort in comments.SORTS else comments.SORTS[0],
        thread=comments.thread(proposal, sort or "", reader),
        comment_count=comments.counts([proposal.id]).get(proposal.id, 0),
        progress=supports_service.progress(proposal.round, count),
        supported=supports_service.has_supported(reader, proposal),
        can_support=shaping and resident and hidden is None,
        can_discuss=policy.can_discuss(reader, proposal),
        discussion_open=phase in policy.DISCUSSION_PHASES
        and proposal.status.value != "merged"
        and hidden is None,
        can_amend=shaping and resident and hidden is None and proposal.author_id != reader.id
        if reader
        else False,
        is_author=bool(reader and proposal.author_id == reader.id),
        amendments=amendments.amendments_of(proposal),
        merged_into=merging.merged_into(proposal),
        merged_from=merging.merged_from(proposal),
    )


@dataclass
class ReviewContext:
    """What an officer weighs besides the proposal itself: how residents received it."""

    supports: int
    comments: int
    recent_comments: list
    amendments: int
    merged_from: list[ProposalMerge]


def review_context(proposal: Proposal) -> ReviewContext:
    return ReviewContext(
        supports=supports_service.counts([proposal.id]).get(proposal.id, 0),
        comments=comments.counts([proposal.id]).get(proposal.id, 0),
        recent_comments=comments.recent(proposal),
        amendments=len(amendments.amendments_of(proposal)),
        merged_from=merging.merged_from(proposal),
    )


def init_app(app: Flask) -> None:
    follows.register()
    app.jinja_env.globals.update(
        deliberation_cards=card_stats,
        deliberation_panel=project_panel,
        review_context=review_context,
        notification_text=notifications.message,
        notification_link=notifications.link,
        **labels.GLOBALS,
    )
    app.jinja_env.filters["formatted"] = render
