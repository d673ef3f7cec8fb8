"""Every model module, imported in one place so the metadata (and Alembic) sees all tables."""

from pb.accounts.models import User, staff_wards
from pb.audit.models import AuditEntry, Checkpoint
from pb.community.models import CommunityEntry, FocusArea
from pb.deliberation.models import (
    Amendment,
    Comment,
    CommentReaction,
    HiddenProposal,
    Notification,
    ProposalMerge,
    ProposalVersion,
    Report,
    Support,
)
from pb.delivery.models import DeliveryPlan, DeliveryUpdate, Milestone, StatusChange
from pb.eligibility.models import CensusEntry, CensusUpload
from pb.following.models import DigestItem, Follow, Notice, NoticeSetting
from pb.mail.models import OutboxMessage
from pb.media.models import Media
from pb.proposals.models import Proposal
from pb.results.models import Result, ResultProject
from pb.rounds.models import Round, RoundAmendment, round_wards
from pb.volunteering.models import CreditEntry, Pledge, VolunteerProfile, VolunteerTask
from pb.voting.models import Ballot, BallotChoice, Participation
from pb.wards.models import Postcode, Ward

__all__ = [
    "Amendment",
    "AuditEntry",
    "Ballot",
    "BallotChoice",
    "CensusEntry",
    "CensusUpload",
    "Checkpoint",
    "Comment",
    "CommentReaction",
    "CommunityEntry",
    "CreditEntry",
    "DeliveryPlan",
    "DeliveryUpdate",
    "DigestItem",
    "FocusArea",
    "Follow",
    "HiddenProposal",
    "Media",
    "Milestone",
    "Notice",
    "NoticeSetting",
    "Notification",
    "OutboxMessage",
    "Participation",
    "Pledge",
    "Postcode",
    "Proposal",
    "ProposalMerge",
    "ProposalVersion",
    "Report",
    "Result",
    "ResultProject",
    "Round",
    "RoundAmendment",
    "StatusChange",
    "Support",
    "User",
    "VolunteerProfile",
    "VolunteerTask",
    "Ward",
    "round_wards",
    "staff_wards",
]
