"""Who may take part in deliberation on a proposal, and when (object-level rules on top of
pb/access.py's role table)."""

from __future__ import annotations

from flask_babel import gettext as _

from pb.accounts.models import Role, User
from pb.errors import Conflict, Forbidden
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Phase
from pb.voting import eligibility

# Supports and amendments shape what goes to review, so they stop when review starts.
SHAPING_PHASES = frozenset({Phase.PROPOSALS, Phase.DELIBERATION})
# Discussion goes on while residents are still deciding, until voting closes.
DISCUSSION_PHASES = frozenset({Phase.PROPOSALS, Phase.DELIBERATION, Phase.REVIEW, Phase.VOTING})
STAFF_ROLES = frozenset({Role.COUNCILLOR, Role.OFFICER})


def works_on(user: User, proposal: Proposal) -> bool:
    """A councillor or officer assigned to the proposal's ward."""
    return user.role in STAFF_ROLES and user.works_for({proposal.ward_id})


def can_discuss(user: User | None, proposal: Proposal) -> bool:
    """Residents of the round's wards, and the ward's councillors and officers."""
    if user is None or not user.is_authenticated:
        return False
    return eligibility.can_take_part(user, proposal.round) or works_on(user, proposal)


def check_discussion_open(user: User, proposal: Proposal) -> None:
    if not can_discuss(user, proposal):
        raise Forbidden(
            _("Only residents of this round's wards and their council staff can comment.")
        )
    if proposal.round.phase not in DISCUSSION_PHASES:
        raise Conflict(_("Discussion of this round has closed."))
    if proposal.status is ProposalStatus.MERGED:
        raise Conflict(_("This proposal was merged into another one: discuss it there."))


def check_shaping_open(user: User, proposal: Proposal) -> None:
    """Supports and amendments: residents only, before review, on live proposals."""
    if not eligibility.can_take_part(user, proposal.round):
        raise Forbidden(_("Only residents of this round's wards can do this."))
    if proposal.round.phase not in SHAPING_PHASES:
        raise Conflict(_("Supports and amendments are closed: the review has started."))
    if proposal.status is not ProposalStatus.SUBMITTED:
        raise Conflict(_("This proposal is no longer open to supports or amendments."))


def is_hidden(proposal: Proposal) -> bool:
    from pb.deliberation.models import HiddenProposal
    from pb.extensions import db

    return db.session.get(HiddenProposal, proposal.id) is not None


def check_not_hidden(proposal: Proposal) -> None:
    if is_hidden(proposal):
        raise Conflict(_("This proposal was hidden by moderation."))
