"""Following a proposal (pb.following, kind "proposal"): its followers hear of comments,
amendments, the review and the result; its author hears of comments and supports (at once or
in a daily digest, as they chose). The notices' sentences are written here, in the reader's
language when read."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from pb.accounts.models import User
from pb.deliberation.models import Amendment, Comment
from pb.errors import NotFound
from pb.extensions import db
from pb.following import services as following
from pb.following.models import FollowKind
from pb.labels import STATUS_LABELS
from pb.proposals import services as proposals
from pb.proposals.models import Proposal, ProposalStatus
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round

KIND = FollowKind.PROPOSAL


def _proposal(proposal_id: int) -> Proposal | None:
    proposal = db.session.get(Proposal, proposal_id)
    return proposal if proposal is not None and proposal.round.phase is not Phase.DRAFT else None


def _check(proposal_id: int) -> None:
    if _proposal(proposal_id) is None:
        raise NotFound(_("No such proposal."))


def _title(proposal_id: int) -> str:
    proposal = _proposal(proposal_id)
    return proposal.title if proposal else ""


def _link(proposal_id: int) -> str:
    proposal = _proposal(proposal_id)
    if proposal is None:
        return url_for("following.index")
    return url_for("public.project", round_id=proposal.round_id, proposal_id=proposal.id)


def _data(proposal: Proposal, **more: Any) -> dict[str, Any]:
    return {"title": proposal.title, **more}


def commented(proposal: Proposal, comment: Comment, actor: User, *, told: set[int | None]) -> None:
    """`told`: who already hears of this comment as a reply to theirs (not told twice)."""
    data = _data(proposal, comment=comment.id, name=actor.display_name)
    following.notify_followers(KIND, proposal.id, "proposal.comment", data, actor=actor)
    if proposal.author_id in told:
        return
    following.notify_author(
        proposal.author_id, KIND, proposal.id, "proposal.comment_on_yours", data, actor=actor
    )


def supported(proposal: Proposal, actor: User) -> None:
    # Who supported is not said: a support is public as a count, not as a name in a notice.
    following.notify_author(
        proposal.author_id,
        KIND,
        proposal.id,
        "proposal.support_on_yours",
        _data(proposal),
        actor=actor,
    )


def amended(proposal: Proposal, amendment: Amendment, actor: User) -> None:
    data = _data(proposal, amendment=amendment.id, name=actor.display_name)
    following.notify_followers(KIND, proposal.id, "proposal.amendment", data, actor=actor)


@proposals.on_change
def _reviewed(proposal: Proposal, actor: User, event: str) -> None:
    if event == "reviewed":
        data = _data(proposal, status=proposal.status.value)
        following.notify_followers(KIND, proposal.id, "proposal.review", data, actor=actor)


@rounds.on_entering(Phase.PUBLISHED)
def _published(round_: Round, actor: User) -> None:
    """Followers of each project on the ballot hear whether it was funded."""
    for proposal_id, line in results.published_lines(round_, None).items():
        proposal = db.session.get(Proposal, proposal_id)
        if proposal is not None:
            data = _data(proposal, funded=bool(line.funded))
            following.notify_followers(KIND, proposal.id, "proposal.result", data, actor=None)


MESSAGES = {
    "proposal.comment": lambda d: _(
        "%(name)s commented on “%(title)s”.", name=d.get("name", ""), title=d.get("title", "")
    ),
    "proposal.comment_on_yours": lambda d: _(
        "%(name)s commented on your proposal “%(title)s”.",
        name=d.get("name", ""),
        title=d.get("title", ""),
    ),
    "proposal.support_on_yours": lambda d: _(
        "Someone supported your proposal “%(title)s”.", title=d.get("title", "")
    ),
    "proposal.amendment": lambda d: _(
        "%(name)s proposed an amendment to “%(title)s”.",
        name=d.get("name", ""),
        title=d.get("title", ""),
    ),
    "proposal.review": lambda d: _(
        "“%(title)s” was reviewed: %(status)s.",
        title=d.get("title", ""),
        status=STATUS_LABELS.get(ProposalStatus(d.get("status", "submitted")), ""),
    ),
    "proposal.result": lambda d: (
        _("“%(title)s” was funded.", title=d.get("title", ""))
        if d.get("funded")
        else _("“%(title)s” was not funded.", title=d.get("title", ""))
    ),
}


def register() -> None:
    following.register_kind(KIND, following.Target(_check, _title, _link))
    for event, render in MESSAGES.items():
        following.register_event(event, render)
