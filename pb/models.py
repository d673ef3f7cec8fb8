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
from pb.eligibility.models import CensusEntry, CensusUpload
from pb.mail.models import OutboxMessage
from pb.proposals.models import Proposal
from pb.results.models import Result, ResultProject
from pb.rounds.models import Round, round_wards
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
    "Criterion",
    "HiddenProposal",
    "Inspection",
    "Invitation",
    "Notification",
    "OutboxMessage",
    "Participation",
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
    "Score",
    "Support",
    "User",
    "Ward",
    "round_wards",
    "staff_wards",
]
