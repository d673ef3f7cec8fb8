"""Deliberation pages and actions. Thin: check a form, call a service, redirect or re-render.

Posting (comments, amendments, reports) is rate limited per signed-in user, all endpoints
counted together, so one account cannot flood a discussion or the moderation queue.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb import limits
from pb.deliberation import (
    amendments,
    comments,
    merging,
    moderation,
    notifications,
    panels,
    search,
)
from pb.deliberation import supports as supports_service
from pb.deliberation.forms import (
    AmendmentForm,
    CommentForm,
    DecisionForm,
    EditCommentForm,
    HideForm,
    MergeForm,
    ReportForm,
    RestoreForm,
)
from pb.deliberation.models import ReportStatus
from pb.errors import InvalidInput
from pb.forms import apply_error
from pb.proposals import services as proposals
from pb.proposals.models import Proposal
from pb.public.services import visible_round

bp = Blueprint("deliberation", __name__)


posting_limit = limits.limit("posting")


def _proposal(proposal_id: int) -> Proposal:
    """A proposal the visitor may see (not in a draft round)."""
    proposal = proposals.get_proposal(proposal_id)
    visible_round(proposal.round_id)
    return proposal


def _to_project(proposal: Proposal, anchor: str = "comments"):  # type: ignore[no-untyped-def]
    url = url_for("public.project", round_id=proposal.round_id, proposal_id=proposal.id)
    return redirect(f"{url}#{anchor}")


def _status(form) -> int:  # type: ignore[no-untyped-def]
    return 422 if form.is_submitted() else 200


# --- comments ----------------------------------------------------------------------------------


@bp.post("/proposals/<int:proposal_id>/comments")
@posting_limit
def comment_create(proposal_id: int):  # type: ignore[no-untyped-def]
    """Post a comment or a reply."""
    proposal = _proposal(proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = comments.post(proposal, current_user, form.body.data, parent_id=form.parent())
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your comment was posted."), "success")
            return _to_project(proposal, f"comment-{comment.id}")
    return render_template(
        "deliberation/comment_form.html", form=form, proposal=proposal, comment=None
    ), 422


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@posting_limit
def comment_edit(comment_id: int):  # type: ignore[no-untyped-def]
    """Edit your comment within the edit window."""
    comment = comments.get_comment(comment_id)
    proposal = _proposal(comment.proposal_id)
    form = EditCommentForm(data={"body": comment.body})
    if form.validate_on_submit():
        try:
            comments.edit(comment, current_user, form.body.data)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your comment was updated."), "success")
            return _to_project(proposal, f"comment-{comment.id}")
    elif not form.is_submitted():
        comments.edit_check(comment, current_user)
    return render_template(
        "deliberation/comment_form.html", form=form, proposal=proposal, comment=comment
    ), _status(form)


@bp.post("/comments/<int:comment_id>/delete")
def comment_delete(comment_id: int):  # type: ignore[no-untyped-def]
    """Delete your comment (a placeholder stays when others replied to it)."""
    comment = comments.get_comment(comment_id)
    proposal = _proposal(comment.proposal_id)
    comments.delete(comment, current_user)
    flash(_("Your comment was deleted."), "success")
    return _to_project(proposal)


@bp.post("/comments/<int:comment_id>/react")
def comment_react(comment_id: int):  # type: ignore[no-untyped-def]
    """Agree or disagree with a comment (again to take it back)."""
    comment = comments.get_comment(comment_id)
    proposal = _proposal(comment.proposal_id)
    choice = request.form.get("value", "")
    comments.react(comment, current_user, {"agree": 1, "disagree": -1}.get(choice, 0))
    return _to_project(proposal, f"comment-{comment.id}")


# --- supports ----------------------------------------------------------------------------------


@bp.post("/proposals/<int:proposal_id>/support")
def support(proposal_id: int):  # type: ignore[no-untyped-def]
    """Support a proposal (once; a second click changes nothing)."""
    proposal = _proposal(proposal_id)
    if supports_service.support(proposal, current_user):
        flash(_("Thank you: you support this proposal."), "success")
    else:
        flash(_("You already support this proposal."), "info")
    return _to_project(proposal, "supports")


@bp.post("/proposals/<int:proposal_id>/support/withdraw")
def withdraw_support(proposal_id: int):  # type: ignore[no-untyped-def]
    """Withdraw your support."""
    proposal = _proposal(proposal_id)
    if supports_service.withdraw(proposal, current_user):
        flash(_("Your support was withdrawn."), "success")
    return _to_project(proposal, "supports")


# --- amendments and history --------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/amendments/new", methods=["GET", "POST"])
@posting_limit
def amendment_new(proposal_id: int):  # type: ignore[no-untyped-def]
    """Propose an amendment to someone else's proposal."""
    proposal = _proposal(proposal_id)
    form = AmendmentForm(
        data={
            "title": proposal.title,
            "description": proposal.description,
            "estimated_cost": proposal.estimated_cost,
        }
    )
    form.estimated_cost.currency = proposal.round.currency
    if form.validate_on_submit():
        draft = amendments.AmendmentDraft(
            form.title.data, form.description.data, form.estimated_cost.data, form.reason.data
        )
        try:
            amendment = amendments.propose(proposal, current_user, draft)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your amendment was sent to the proposal's author."), "success")
            return redirect(url_for("deliberation.amendment", amendment_id=amendment.id))
    elif not form.is_submitted():
        amendments.check_can_propose(proposal, current_user)
    return render_template(
        "deliberation/amendment_form.html", form=form, proposal=proposal
    ), _status(form)


@bp.get("/amendments/<int:amendment_id>")
def amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    """An amendment, its changes against the current proposal, and its decision."""
    item = amendments.get_amendment(amendment_id)
    proposal = _proposal(item.proposal_id)
    return _render_amendment(item, proposal, DecisionForm()), 200


@bp.post("/amendments/<int:amendment_id>/decide")
def amendment_decide(amendment_id: int):  # type: ignore[no-untyped-def]
    """The proposal's author accepts or rejects an amendment."""
    item = amendments.get_amendment(amendment_id)
    proposal = _proposal(item.proposal_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            amendments.decide(
                item,
                current_user,
                accept=form.decision.data == "accept",
                reason=form.reason.data or "",
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your decision was saved."), "success")
            return redirect(url_for("deliberation.amendment", amendment_id=item.id))
    return _render_amendment(item, proposal, form), 422


def _render_amendment(item, proposal: Proposal, form: DecisionForm) -> str:  # type: ignore[no-untyped-def]
    title_diff, description_diff = amendments.diff_against_current(item)
    return render_template(
        "deliberation/amendment.html",
        amendment=item,
        proposal=proposal,
        form=form,
        title_diff=title_diff,
        description_diff=description_diff,
        can_decide=current_user.is_authenticated
        and proposal.author_id == current_user.id
        and item.status.value == "pending",
    )


@bp.get("/proposals/<int:proposal_id>/history")
def history(proposal_id: int):  # type: ignore[no-untyped-def]
    """Every version of a proposal with what changed, who changed it and why."""
    proposal = _proposal(proposal_id)
    return render_template(
        "deliberation/history.html",
        proposal=proposal,
        versions=amendments.history(proposal),
        hidden_reason=moderation.hidden_reasons([proposal.id]).get(proposal.id),
    )


# --- merging -----------------------------------------------------------------------------------


@bp.route("/rounds/<int:round_id>/merge", methods=["GET", "POST"])
def merge(round_id: int):  # type: ignore[no-untyped-def]
    """Merge similar proposals of your wards into one."""
    round_ = visible_round(round_id)
    candidates = merging.mergeable(current_user, round_)
    by_id = {p.id: p for p in candidates}
    form = MergeForm()
    choices = [(p.id, f"#{p.id} {p.title}") for p in candidates]
    form.target.choices = choices
    form.sources.choices = choices
    if form.validate_on_submit():
        try:
            moved = merging.merge(
                by_id[form.target.data],
                [by_id[pid] for pid in form.sources.data],
                officer=current_user,
                reason=form.reason.data,
                title=form.title.data or None,
                description=form.description.data or None,
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(
                _("The proposals were merged; %(count)d supports moved over.", count=moved),
                "success",
            )
            return redirect(
                url_for("public.project", round_id=round_.id, proposal_id=form.target.data)
            )
    return render_template(
        "deliberation/merge.html", form=form, round=round_, candidates=candidates
    ), _status(form)


# --- moderation --------------------------------------------------------------------------------


@bp.route("/proposals/<int:proposal_id>/report", methods=["GET", "POST"])
@posting_limit
def report_proposal(proposal_id: int):  # type: ignore[no-untyped-def]
    """Report a proposal to the ward's moderators."""
    return _report(_proposal(proposal_id), None)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@posting_limit
def report_comment(comment_id: int):  # type: ignore[no-untyped-def]
    """Report a comment to the ward's moderators."""
    comment = comments.get_comment(comment_id)
    return _report(_proposal(comment.proposal_id), comment)


def _report(proposal: Proposal, comment):  # type: ignore[no-untyped-def]
    form = ReportForm()
    if form.validate_on_submit():
        try:
            moderation.report(current_user, proposal, form.reason.data, comment=comment)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Thank you. The ward's moderators will look at your report."), "success")
            return _to_project(proposal, f"comment-{comment.id}" if comment else "comments")
    return render_template(
        "deliberation/report_form.html", form=form, proposal=proposal, comment=comment
    ), _status(form)


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


# --- notifications and search ------------------------------------------------------------------


@bp.get("/notifications")
def notifications_list():  # type: ignore[no-untyped-def]
    """Your notifications, newest first."""
    page = notifications.listing(current_user, _int_arg("page") or 1)
    return render_template("deliberation/notifications.html", listing=page)


@bp.post("/notifications/read")
def notifications_read():  # type: ignore[no-untyped-def]
    """Mark all your notifications as read."""
    notifications.mark_all_read(current_user)
    return redirect(url_for("deliberation.notifications_list"))


@bp.get("/search")
def search_page():  # type: ignore[no-untyped-def]
    """Search and filter proposals across rounds."""
    args = request.args
    query = search.SearchQuery(
        text=args.get("q", "")[:200],
        round_id=_int_arg("round"),
        ward_id=_int_arg("ward"),
        category=args.get("category", "")[:60],
        status=args.get("status", ""),
        sort=args.get("sort", "supports"),
        page=_int_arg("page") or 1,
    )
    results = search.search(query)
    return render_template(
        "deliberation/search.html",
        query=query,
        results=results,
        sorts=search.SORTS,
        filters=search.filter_choices(),
        stats=panels.card_stats([hit.proposal for hit in results.items]),
    )


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else None
