"""Reporting a proposal or a comment, and the moderators' queue and decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.deliberation import comments, moderation
from pb.deliberation.forms import (
    HideForm,
    ReportForm,
    RestoreForm,
)
from pb.deliberation.models import ReportStatus
from pb.deliberation.routing import bp, posting_limit, to_project, visible_proposal
from pb.errors import InvalidInput
from pb.forms import apply_error, form_status
from pb.proposals.models import Proposal

# --- moderation --------------------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/report", methods=["GET", "POST"])
@posting_limit
def report_proposal(proposal_id: int):  # type: ignore[no-untyped-def]
    """Report a proposal to the ward's moderators."""
    return _report(visible_proposal(proposal_id), None)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@posting_limit
def report_comment(comment_id: int):  # type: ignore[no-untyped-def]
    """Report a comment to the ward's moderators."""
    comment = comments.get_comment(comment_id)
    return _report(visible_proposal(comment.proposal_id), comment)


def _report(proposal: Proposal, comment):  # type: ignore[no-untyped-def]
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(current_user, proposal, form.reason.data, comment=comment)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Thank you. The ward's moderators will look at your report."), "success")
            return to_project(proposal, f"comment-{comment.id}" if comment else "comments")
    return render_template(
        "deliberation/report_form.html", form=form, proposal=proposal, comment=comment
    ), form_status(form)


@bp.get("/moderation")
def moderation_queue():  # type: ignore[no-untyped-def]
    """Open reports about content in your wards, and recent decisions."""
    resolved = moderation.queue(current_user, status=ReportStatus.HIDDEN) + moderation.queue(
        current_user, status=ReportStatus.DISMISSED
    )
    return render_template(
        "deliberation/moderation.html",
        reports=moderation.queue(current_user),
        resolved=resolved,
        restorable=moderation.still_hidden(resolved),
        hide_form=HideForm(),
    )


@bp.post("/moderation/reports/<int:report_id>/hide")
def moderation_hide(report_id: int):  # type: ignore[no-untyped-def]
    """Hide the reported item, with a reason everyone sees."""
    return _decide(
        report_id,
        HideForm(),
        moderation.hide,
        _("Give a public reason for hiding it."),
        _("The item is hidden."),
    )


@bp.post("/moderation/reports/<int:report_id>/restore")
def moderation_restore(report_id: int):  # type: ignore[no-untyped-def]
    """Show a hidden item again (a mistake): its reports count as dismissed."""
    return _decide(
        report_id,
        RestoreForm(),
        moderation.restore,
        _("Give a reason for restoring it."),
        _("The item is visible again."),
    )


def _decide(report_id: int, form, decision, missing: str, done: str):  # type: ignore[no-untyped-def]
    """A moderator's decision on a report, with the reason the form carries."""
    item = moderation.get_report(report_id)
    if not form.validate_on_submit():
        raise InvalidInput(missing)
    decision(item, current_user, form.reason.data)
    flash(done, "success")
    return redirect(url_for("deliberation.moderation_queue"))


@bp.post("/moderation/reports/<int:report_id>/dismiss")
def moderation_dismiss(report_id: int):  # type: ignore[no-untyped-def]
    """Dismiss a report: the item stays visible."""
    item = moderation.get_report(report_id)
    moderation.dismiss(item, current_user)
    flash(_("The report was dismissed."), "success")
    return redirect(url_for("deliberation.moderation_queue"))
