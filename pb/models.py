"""Every model module, imported in one place so the metadata (and Alembic) sees all tables."""

from pb.accounts.models import User, staff_wards
from pb.assessment.models import (
    AssessmentSettings,
    CommentReport,
    Criterion,
    Inspection,
    Invitation,
    ProjectAssessment,
    Rating,
    Score,
)
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
from pb.following.models import Follow, Notice
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
    "AssessmentSettings",
    "AuditEntry",
    "Ballot",
    "BallotChoice",
    "CensusEntry",
    "CensusUpload",
    "Checkpoint",
    "Comment",
    "CommentReaction",
    "CommentReport",
    "CommunityEntry",
    "CreditEntry",
    "Criterion",
    "DeliveryPlan",
    "DeliveryUpdate",
    "FocusArea",
    "Follow",
    "HiddenProposal",
    "Inspection",
    "Invitation",
    "Media",
    "Milestone",
    "Notice",
    "Notification",
    "OutboxMessage",
    "Participation",
    "Pledge",
    "Postcode",
    "ProjectAssessment",
    "Proposal",
    "ProposalMerge",
    "ProposalVersion",
    "Rating",
    "Report",
    "Result",
    "ResultProject",
    "Round",
    "RoundAmendment",
    "Score",
    "StatusChange",
    "Support",
    "User",
    "VolunteerProfile",
    "VolunteerTask",
    "Ward",
    "round_wards",
    "staff_wards",
]
