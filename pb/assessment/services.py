"""Co-assessment of delivered projects: the round's criteria and settings, opening a project's
rating window when it is done (with invitations to its ward's verified residents), and ratings.

Who may rate is asked of pb/eligibility: a resident verified for the round (e-mail confirmed,
bound to the census where the round uses it) whose ward is the project's ward. One rating per
resident per project is a unique constraint; a second submission changes the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from pb.accounts.models import Role, User
from pb.assessment.models import (
    SCALE,
    AssessmentSettings,
    CommentReport,
    Criterion,
    Invitation,
    ProjectAssessment,
    Rating,
    Score,
)
from pb.audit import services as audit
from pb.db import added_once, utcnow
from pb.delivery import services as delivery
from pb.eligibility import services as eligibility
from pb.eligibility.models import CensusEntry
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Round

MAX_CRITERIA = 5
MAX_CRITERION = 200
MAX_COMMENT = 2000
LIMITS = {"min_raters": (1, 1000), "window_days": (1, 730), "email_delay_days": (0, 365)}
# The defaults every round starts with, shown in the reader's language until a councillor
# writes their own wording.
DEFAULT_CRITERIA = {
    "as_promised": _l("Was it delivered as promised?"),
    "used": _l("Is it used?"),
    "worth_it": _l("Was it worth the money?"),
}


@dataclass(frozen=True)
class Config:
    min_raters: int
    window_days: int
    email_delay_days: int


def label(criterion: Criterion) -> str:
    if criterion.builtin in DEFAULT_CRITERIA and not criterion.text:
        return str(DEFAULT_CRITERIA[criterion.builtin])
    return criterion.text


def config(round_: Round) -> Config:
    row = db.session.get(AssessmentSettings, round_.id)
    if row is None:
        return Config(5, 60, 7)
    return Config(row.min_raters, row.window_days, row.email_delay_days)


def criteria(round_: Round) -> list[Criterion]:
    """The round's criteria; the defaults are written on first use so ratings can point at them."""
    query = select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
    found = list(db.session.scalars(query))
    if found:
        return found
    for position, key in enumerate(DEFAULT_CRITERIA):
        db.session.add(Criterion(round_id=round_.id, position=position, builtin=key, text=""))
    db.session.flush()
    return list(db.session.scalars(query))


def criteria_locked(round_: Round) -> bool:
    """Criteria are fixed once a project of the round has opened for rating."""
    query = select(ProjectAssessment.proposal_id).where(ProjectAssessment.round_id == round_.id)
    return db.session.scalars(query.limit(1)).first() is not None


def save_settings(
    councillor: User, round_: Round, values: Config, texts: list[str]
) -> list[Criterion]:
    """Store the round's k, window and e-mail delay, and (until a window opened) its criteria."""
    if not rounds.can_manage(councillor, round_):
        raise Forbidden(_("You are not a councillor for this round's wards."))
    for name, (low, high) in LIMITS.items():
        if not low <= getattr(values, name) <= high:
            raise InvalidInput(
                _("Choose a number from %(low)d to %(high)d.", low=low, high=high), field=name
            )
    texts = [" ".join(text.split()) for text in texts]
    texts = [text for text in texts if text]
    if not texts:
        raise InvalidInput(_("Keep at least one question."), field="criterion_0")
    if len(texts) > MAX_CRITERIA or any(len(text) > MAX_CRITERION for text in texts):
        raise InvalidInput(_("Questions are at most 200 characters."), field="criterion_0")
    row = db.session.get(AssessmentSettings, round_.id) or AssessmentSettings(round_id=round_.id)
    row.min_raters, row.window_days = values.min_raters, values.window_days
    row.email_delay_days = values.email_delay_days
    db.session.add(row)
    current = criteria(round_)
    changed = [label(c) for c in current] != texts
    if changed and criteria_locked(round_):
        raise Conflict(
            _("Residents are already rating this round's projects: its questions are fixed.")
        )
    if changed:
        for old in current:
            db.session.delete(old)
        db.session.flush()
        for position, text in enumerate(texts):
            db.session.add(Criterion(round_id=round_.id, position=position, text=text))
    db.session.flush()
    data = {
        "min_raters": row.min_raters,
        "window_days": row.window_days,
        "email_delay_days": row.email_delay_days,
        "criteria": texts if changed else None,
    }
    audit.record("assessment.settings_saved", round_, data, actor=councillor)
    return criteria(round_)


def get_assessment(round_id: int, proposal_id: int) -> ProjectAssessment:
    found = db.session.get(ProjectAssessment, proposal_id)
    if found is None or found.round_id != round_id:
        raise NotFound(_("This project is not open to residents' assessment."))
    return found


def project_done(project_id: int, when: datetime) -> ProjectAssessment:
    """Open a funded project's rating window at `when` and invite its ward's verified residents
    (in-app now, by e-mail after the round's delay). Idempotent: a second call changes nothing.
    Called by pb.delivery's status hook (`delivery_status_changed`) when a project is done."""
    from pb.assessment import invitations

    proposal = db.session.get(Proposal, project_id)
    if proposal is None or not results.is_funded(proposal):
        raise Conflict(_("Only a funded project can be assessed."))
    existing = db.session.get(ProjectAssessment, project_id)
    if existing is not None:
        return existing
    settings = config(proposal.round)
    criteria(proposal.round)
    assessment = ProjectAssessment(
        proposal_id=proposal.id,
        round_id=proposal.round_id,
        opens_at=when,
        closes_at=when + timedelta(days=settings.window_days),
        min_raters=settings.min_raters,
        aggregate={},
    )
    db.session.add(assessment)
    db.session.flush()
    invited = invitations.invite(assessment, when + timedelta(days=settings.email_delay_days))
    data = {"closes_at": assessment.closes_at.isoformat(), "invited": invited}
    audit.record("assessment.opened", proposal, data)
    return assessment


@delivery.on_status_change
def delivery_status_changed(project_id: int, status: str, when: datetime) -> None:
    """The hook pb.delivery calls on every status change: "done" opens the rating window."""
    if status == "done":
        project_done(project_id, when)


def residents_of(proposal: Proposal) -> list[User]:
    """The verified residents of the project's ward, as pb/eligibility sees them for its round."""
    census = select(CensusEntry.user_id).where(
        CensusEntry.user_id.is_not(None),
        or_(
            CensusEntry.ward_id == proposal.ward_id,
            CensusEntry.previous_ward_id == proposal.ward_id,
        ),
    )
    query = select(User).where(
        User.role == Role.CITIZEN,
        User.active.is_(True),
        User.email_verified_at.is_not(None),
        or_(User.home_ward_id == proposal.ward_id, User.id.in_(census)),
    )
    people = db.session.scalars(query.order_by(User.id))
    return [user for user in people if may_rate(user, proposal)]


def may_rate(user: User, proposal: Proposal) -> bool:
    found = eligibility.participant(user, proposal.round)
    return found is not None and found.ward_id == proposal.ward_id


def check_may_rate(user: User, assessment: ProjectAssessment, now: datetime) -> None:
    proposal = assessment.proposal
    if not may_rate(user, proposal):
        if not eligibility.can_take_part(user, proposal.round):
            raise Forbidden(eligibility.refusal(user, proposal.round))
        raise Forbidden(_("Only verified residents of the project's ward can rate it."))
    if now < assessment.opens_at:
        raise Conflict(_("Rating this project has not opened yet."))
    if now >= assessment.closes_at:
        raise Conflict(_("The rating window for this project has closed."))


def rating_of(user: User, assessment: ProjectAssessment) -> Rating | None:
    query = select(Rating).where(
        Rating.proposal_id == assessment.proposal_id, Rating.user_id == user.id
    )
    return db.session.scalars(query).first()


def rate(
    user: User,
    assessment: ProjectAssessment,
    values: dict[int, int],
    comment: str,
    now: datetime,
) -> Rating:
    """Record or change the resident's rating (every criterion 1-5, an optional comment)."""
    check_may_rate(user, assessment, now)
    wanted = {c.id for c in criteria(assessment.proposal.round)}
    if set(values) != wanted or any(not 1 <= v <= SCALE for v in values.values()):
        raise InvalidInput(_("Answer every question with a mark from 1 to 5."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(
            _("Keep it under %(count)d characters.", count=MAX_COMMENT), field="comment"
        )
    rating, created = _one_rating(user, assessment, now)
    by_criterion = {score.criterion_id: score for score in rating.scores}
    for criterion_id, value in values.items():
        score = by_criterion.get(criterion_id)
        if score is None:
            rating.scores.append(Score(criterion_id=criterion_id, value=value))
        else:
            score.value = value
    # A hidden comment stays hidden when rewritten: editing must not undo moderation.
    rating.comment = comment
    rating.updated_at = now
    db.session.flush()
    # That someone rated, never what: the log must not tie a resident to their marks.
    action = "assessment.rated" if created else "assessment.rating_changed"
    audit.record(action, assessment.proposal, {"proposal_id": assessment.proposal_id}, actor=user)
    return rating


def _one_rating(user: User, assessment: ProjectAssessment, now: datetime) -> tuple[Rating, bool]:
    """The resident's rating row, created if missing; a concurrent creation wins the unique
    constraint and this request changes that row instead."""
    existing = rating_of(user, assessment)
    if existing is not None:
        return existing, False
    rating = Rating(proposal_id=assessment.proposal_id, user_id=user.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:  # not added_once(): a refusal other than a twin row is raised
        existing = rating_of(user, assessment)
        if existing is None:
            raise
        return existing, False
    return rating, True


def report_comment(reporter: User, rating: Rating, reason: str) -> None:
    """A signed-in resident flags a rating's comment; the ward's moderators decide."""
    from pb.deliberation.moderation import MAX_REASON

    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise InvalidInput(_("Give a reason (up to 1000 characters)."), field="reason")
    if rating.hidden_at is not None or not rating.comment:
        raise Conflict(_("This comment has already been removed."))
    report = CommentReport(
        rating_id=rating.id, reporter_id=reporter.id, reason=reason, created_at=utcnow()
    )
    if not added_once(report):
        raise Conflict(_("You have already reported this."))
    audit.record(
        "assessment.comment_reported", ("rating", rating.id), {"reason": reason}, actor=reporter
    )


def reports_on(ratings: list[Rating]) -> dict[int, list[str]]:
    """The reasons residents gave, by rating id (the staff page shows them by the comment)."""
    ids = [rating.id for rating in ratings]
    query = select(CommentReport).where(CommentReport.rating_id.in_(ids))
    found: dict[int, list[str]] = {}
    for report in db.session.scalars(query.order_by(CommentReport.created_at)):
        found.setdefault(report.rating_id, []).append(report.reason)
    return found


def hide_comment(moderator: User, rating: Rating, reason: str) -> None:
    """Hide a rating's comment with a public reason (the marks still count)."""
    from pb.deliberation import policy
    from pb.deliberation.moderation import MAX_REASON

    proposal = db.session.get(Proposal, rating.proposal_id)
    if proposal is None or not policy.works_on(moderator, proposal):
        raise Forbidden(_("You do not moderate this ward."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("Keep it under %(count)d characters.", count=MAX_REASON), field="reason"
        )
    if rating.hidden_at is not None or not rating.comment:
        raise Conflict(_("This comment has already been removed."))
    rating.hidden_at, rating.hidden_reason, rating.hidden_by_id = utcnow(), reason, moderator.id
    db.session.flush()
    audit.record(
        "assessment.comment_hidden",
        proposal,
        {"rating_id": rating.id, "reason": reason},
        actor=moderator,
    )


def get_rating(rating_id: int) -> Rating:
    rating = db.session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(_("No such rating."))
    return rating


def invitations_of(user: User, now: datetime) -> list[ProjectAssessment]:
    """The open rating windows this resident was invited to (their in-app notice)."""
    query = (
        select(ProjectAssessment)
        .join(Invitation, Invitation.proposal_id == ProjectAssessment.proposal_id)
        .where(
            Invitation.user_id == user.id,
            ProjectAssessment.closes_at > now,
            ProjectAssessment.opens_at <= now,
        )
        .order_by(ProjectAssessment.closes_at)
    )
    return list(db.session.scalars(query))


def waiting_count(user: User, now: datetime) -> int:
    """Open invitations the resident has not answered yet (the number in their menu)."""
    return db.session.scalar(waiting_query(user.id, now)) or 0


def waiting_query(
    user_id: int | ColumnElement[int], now: datetime | ColumnElement[datetime]
) -> Select[tuple[int]]:
    """`waiting_count` as a statement: every signed-in resident's page runs it, inside the
    header's one statement (pb/header.py, where both arguments are bound parameters)."""
    rated = select(Rating.id).where(
        Rating.user_id == user_id, Rating.proposal_id == ProjectAssessment.proposal_id
    )
    return (
        select(func.count())
        .select_from(ProjectAssessment)
        .join(Invitation, Invitation.proposal_id == ProjectAssessment.proposal_id)
        .where(
            Invitation.user_id == user_id,
            ProjectAssessment.closes_at > now,
            ProjectAssessment.opens_at <= now,
            ~rated.exists(),
        )
    )


def get_assessment_of(rating: Rating) -> ProjectAssessment:
    found = db.session.get(ProjectAssessment, rating.proposal_id)
    assert found is not None  # a rating's foreign key points at its assessment
    return found
