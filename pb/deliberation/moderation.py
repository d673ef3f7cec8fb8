"""Moderation: residents report a proposal or a comment; the ward's councillors and officers hide
it with a public reason or dismiss the report, and can restore what was hidden by mistake (its
reports then count as dismissed). Every action is in the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import added_once, utcnow
from pb.deliberation import policy
from pb.deliberation.models import Comment, HiddenProposal, Report, ReportStatus
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.proposals.models import Proposal

MAX_REASON = 1000


def get_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_("No such report."))
    return report


def report(
    reporter: User, proposal: Proposal, reason: str, *, comment: Comment | None = None
) -> Report:
    reason = _reason(reason)
    if comment is not None and comment.proposal_id != proposal.id:
        raise InvalidInput(_("That comment is not on this proposal."))
    if comment is not None and (comment.is_hidden or comment.is_deleted):
        raise Conflict(_("This comment has already been removed."))
    if comment is None and policy.is_hidden(proposal):
        raise Conflict(_("This proposal has already been hidden."))
    item = Report(
        reporter_id=reporter.id,
        proposal_id=proposal.id,
        comment_id=comment.id if comment else None,
        reason=reason,
        status=ReportStatus.OPEN,
        created_at=utcnow(),
    )
    if not added_once(item):
        raise Conflict(_("You have already reported this."))
    audit.record(
        "moderation.reported",
        item,
        {"proposal_id": proposal.id, "comment_id": item.comment_id, "reason": reason},
        actor=reporter,
    )
    return item


def can_moderate(user: User, proposal: Proposal) -> bool:
    return policy.works_on(user, proposal)


def queue(moderator: User, *, status: ReportStatus = ReportStatus.OPEN) -> list[Report]:
    """Reports on content in the moderator's wards, oldest first."""
    ward_ids = [ward.id for ward in moderator.wards]
    query = (
        select(Report)
        .join(Proposal, Report.proposal_id == Proposal.id)
        .where(Report.status == status, Proposal.ward_id.in_(ward_ids))
        .order_by(Report.id if status is ReportStatus.OPEN else Report.resolved_at.desc())
        .limit(200)
    )
    return list(db.session.scalars(query))


def hide(item: Report, moderator: User, reason: str) -> int:
    """Hide the reported item with a public reason; resolves every open report on it."""
    _check_moderator(item, moderator)
    reason = _reason(reason)
    now = utcnow()
    if item.comment is not None:
        comment = item.comment
        if not comment.is_hidden:
            comment.hidden_at, comment.hidden_reason = now, reason
            comment.hidden_by_id = moderator.id
    else:
        if db.session.get(HiddenProposal, item.proposal_id) is None:
            db.session.add(
                HiddenProposal(
                    proposal_id=item.proposal_id,
                    reason=reason,
                    hidden_by_id=moderator.id,
                    hidden_at=now,
                )
            )
    same, kind, object_ = _reported_item(item)
    resolved = _resolve(same, ReportStatus.HIDDEN, moderator, now)
    audit.record(
        "moderation.hidden",
        object_,
        {"item": kind, "report_id": item.id, "reason": reason, "reports_resolved": resolved},
        actor=moderator,
    )
    return resolved


def restore(item: Report, moderator: User, reason: str) -> int:
    """Show a hidden item again: its upheld reports become dismissed. Returns how many."""
    if not can_moderate(moderator, item.proposal):
        raise Forbidden(_("You do not moderate this ward."))
    if item.status is not ReportStatus.HIDDEN:
        raise Conflict(_("Only an item that was hidden can be restored."))
    reason = _reason(reason)
    if item.comment is not None:
        comment = item.comment
        if not comment.is_hidden:
            raise Conflict(_("This item is already visible."))
        comment.hidden_at, comment.hidden_reason, comment.hidden_by_id = None, "", None
    else:
        hidden = db.session.get(HiddenProposal, item.proposal_id)
        if hidden is None:
            raise Conflict(_("This item is already visible."))
        db.session.delete(hidden)
    same, kind, object_ = _reported_item(item)
    changed = _resolve(same, ReportStatus.DISMISSED, moderator, utcnow(), ReportStatus.HIDDEN)
    audit.record(
        "moderation.restored",
        object_,
        {"item": kind, "report_id": item.id, "reason": reason, "reports_dismissed": changed},
        actor=moderator,
    )
    return changed


def dismiss(item: Report, moderator: User) -> None:
    _check_moderator(item, moderator)
    item.status = ReportStatus.DISMISSED
    item.resolved_by_id, item.resolved_at = moderator.id, utcnow()
    db.session.flush()
    audit.record("moderation.dismissed", item, {"proposal_id": item.proposal_id}, actor=moderator)


def hidden_reasons(proposal_ids: Iterable[int]) -> dict[int, str]:
    ids = list(proposal_ids)
    if not ids:
        return {}
    query = select(HiddenProposal.proposal_id, HiddenProposal.reason).where(
        HiddenProposal.proposal_id.in_(ids)
    )
    return {pid: reason for pid, reason in db.session.execute(query)}


def _reported_item(item: Report):  # type: ignore[no-untyped-def]
    """(condition matching every report on the same item, "comment" or "proposal", the item)."""
    if item.comment is not None:
        return Report.comment_id == item.comment_id, "comment", item.comment
    same = (Report.proposal_id == item.proposal_id) & Report.comment_id.is_(None)
    return same, "proposal", item.proposal


def still_hidden(reports: Iterable[Report]) -> set[int]:
    """The ids of the upheld reports whose item is hidden now (so it can be restored)."""
    upheld = [r for r in reports if r.status is ReportStatus.HIDDEN]
    hidden_proposals = hidden_reasons(r.proposal_id for r in upheld if r.comment_id is None)
    return {
        r.id
        for r in upheld
        if (r.comment.is_hidden if r.comment is not None else r.proposal_id in hidden_proposals)
    }


def _check_moderator(item: Report, moderator: User) -> None:
    if not can_moderate(moderator, item.proposal):
        raise Forbidden(_("You do not moderate this ward."))
    if item.status is not ReportStatus.OPEN:
        raise Conflict(_("This report has already been dealt with."))


def _resolve(  # type: ignore[no-untyped-def]
    condition, status: ReportStatus, moderator: User, now, current=ReportStatus.OPEN
) -> int:
    """Give every report on the item that is `current` the decision `status`."""
    open_reports = list(
        db.session.scalars(select(Report).where(condition, Report.status == current))
    )
    for open_report in open_reports:
        open_report.status = status
        open_report.resolved_by_id, open_report.resolved_at = moderator.id, now
    db.session.flush()
    return len(open_reports)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("Keep it under %(count)d characters.", count=MAX_REASON), field="reason"
        )
    return reason
