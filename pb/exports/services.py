"""What each CSV download holds, and who may have it: the same people as the page it comes from.

Downloads that name people (proposals with their authors, comments) are recorded in the audit
chain; the participation and results files hold counts only.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.deliberation.models import Comment, Report
from pb.errors import Forbidden, NotFound
from pb.exports.csvfile import amount, csv_bytes
from pb.extensions import db
from pb.i18n import localised_category
from pb.labels import STATUS_LABELS
from pb.proposals.models import Proposal
from pb.results import explanation
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Round
from pb.voting.models import Participation
from pb.wards.models import Ward


def check_round_staff(user: User, round_: Round) -> None:
    """The round's councillors (its dashboard), the officers of its wards (their review
    queue) and auditors may download a round's staff files."""
    if user.role is Role.AUDITOR or rounds.can_manage(user, round_):
        return
    if user.role is Role.OFFICER and round_.ward_ids & {ward.id for ward in user.wards}:
        return
    raise Forbidden(_("You are not staff for this round's wards."))


def proposals_csv(round_: Round, actor: User) -> bytes:
    """Every proposal with its review decision and costs (authors named: audited)."""
    check_round_staff(actor, round_)
    query = select(Proposal).where(Proposal.round_id == round_.id).order_by(Proposal.id)
    rows = [
        (
            p.id,
            p.title,
            p.ward.name,
            localised_category(round_, p.category),
            str(STATUS_LABELS[p.status]),
            amount(p.estimated_cost, round_.currency),
            amount(p.final_cost, round_.currency),
            round_.currency,
            p.review_reason,
            p.reviewed_at.date().isoformat() if p.reviewed_at else "",
            p.author.display_name if p.author else "",
        )
        for p in db.session.scalars(query)
    ]
    audit.record("export.downloaded", round_, {"file": "proposals", "rows": len(rows)}, actor=actor)
    header = (
        _("Number"), _("Title"), _("Ward"), _("Category"), _("Status"), _("Estimated cost"),
        _("Final cost"), _("Currency"), _("Review reason"), _("Reviewed on"), _("Proposed by"),
    )  # fmt: skip
    return csv_bytes(header, rows)


def participation_csv(round_: Round, actor: User) -> bytes:
    """How many residents took part, by day, ward and channel (counts only)."""
    check_round_staff(actor, round_)
    query = (
        select(Participation.voted_on, Ward.name, Participation.channel, func.count())
        .outerjoin(Ward, Ward.id == Participation.ward_id)
        .where(Participation.round_id == round_.id)
        .group_by(Participation.voted_on, Ward.name, Participation.channel)
        .order_by(Participation.voted_on, Ward.name, Participation.channel)
    )
    rows = [(day.isoformat(), ward or "", channel, count) for day, ward, channel, count in
            db.session.execute(query)]  # fmt: skip
    return csv_bytes((_("Day"), _("Ward"), _("Channel"), _("Residents who voted")), rows)


def results_csv(round_: Round, user: User | None) -> bytes:
    """The results table with the votes and the reason for each decision; visible exactly
    when the results page is."""
    if not results.visible_to(round_, user) or (result := results.get_result(round_)) is None:
        raise NotFound(_("The results of this round are not published yet."))
    outcome = explanation.read_outcome(result.outcome_json)
    reasons = (
        {e.project_id: e.text for e in explanation.explain(outcome, round_.currency)}
        if outcome
        else {}
    )
    titles = dict(
        db.session.execute(
            select(Proposal.id, Proposal.title).where(Proposal.round_id == round_.id)
        ).all()
    )
    rows = [
        (
            line.rank,
            line.proposal_id,
            titles.get(line.proposal_id, ""),
            amount(line.cost, round_.currency),
            round_.currency,
            line.votes,
            line.score,
            line.funded,
            reasons.get(line.proposal_id, line.reason_detail or line.reason),
        )
        for line in result.projects
    ]
    header = (_("Rank"), _("Number"), _("Title"), _("Cost"), _("Currency"), _("Votes"),
              _("Score"), _("Funded"), _("Why"))  # fmt: skip
    return csv_bytes(header, rows)


def comments_csv(moderator: User) -> bytes:
    """Comments on proposals in the moderator's wards, with their state and open reports
    (authors named: audited)."""
    ward_ids = [ward.id for ward in moderator.wards]
    reports = (
        select(Report.comment_id, func.count().label("reports"))
        .where(Report.comment_id.is_not(None))
        .group_by(Report.comment_id)
        .subquery()
    )
    query = (
        select(Comment, Proposal, reports.c.reports)
        .join(Proposal, Comment.proposal_id == Proposal.id)
        .outerjoin(reports, reports.c.comment_id == Comment.id)
        .where(Proposal.ward_id.in_(ward_ids))
        .order_by(Comment.id)
    )
    rows = [
        (
            comment.id,
            proposal.id,
            proposal.title,
            comment.author.display_name if comment.author else "",
            comment.created_at.isoformat(timespec="minutes"),
            _state(comment),
            "" if comment.deleted_at else comment.body,
            count or 0,
        )
        for comment, proposal, count in db.session.execute(query)
    ]
    audit.record("export.downloaded", moderator, {"file": "comments", "rows": len(rows)},
                 actor=moderator)  # fmt: skip
    header = (_("Comment"), _("Proposal"), _("Proposal title"), _("Written by"), _("Written at"),
              _("State"), _("Text"), _("Reports"))  # fmt: skip
    return csv_bytes(header, rows)


def _state(comment: Comment) -> str:
    if comment.deleted_at:
        return _("deleted by its author")
    if comment.hidden_at:
        return _("hidden by moderation")
    return _("visible")
