"""Comments on a proposal (post, edit, delete, react) and supporting a proposal."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from pb.deliberation import comments
from pb.deliberation import supports as supports_service
from pb.deliberation.forms import (
    CommentForm,
    EditCommentForm,
)
from pb.deliberation.routing import bp, posting_limit, to_project, visible_proposal
from pb.errors import InvalidInput
from pb.forms import apply_error, form_status

# --- comments ----------------------------------------------------------------------------------


@bp.post("/proposals/<int:proposal_id>/comments")
@posting_limit
def comment_create(proposal_id: int):  # type: ignore[no-untyped-def]
    """Post a comment or a reply."""
    proposal = visible_proposal(proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            comment = comments.post(proposal, current_user, form.body.data, parent_id=form.parent())
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your comment was posted."), "success")
            return to_project(proposal, f"comment-{comment.id}")
    return render_template(
        "deliberation/comment_form.html", form=form, proposal=proposal, comment=None
    ), 422


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@posting_limit
def comment_edit(comment_id: int):  # type: ignore[no-untyped-def]
    """Edit your comment within the edit window."""
    comment = comments.get_comment(comment_id)
    proposal = visible_proposal(comment.proposal_id)
    form = EditCommentForm(data={"body": comment.body})
    if form.validate_on_submit():
        try:
            comments.edit(comment, current_user, form.body.data)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            flash(_("Your comment was updated."), "success")
            return to_project(proposal, f"comment-{comment.id}")
    elif not form.is_submitted():
        comments.edit_check(comment, current_user)
    return render_template(
        "deliberation/comment_form.html", form=form, proposal=proposal, comment=comment
    ), form_status(form)


@bp.post("/comments/<int:comment_id>/delete")
def comment_delete(comment_id: int):  # type: ignore[no-untyped-def]
    """Delete your comment (a placeholder stays when others replied to it)."""
    comment = comments.get_comment(comment_id)
    proposal = visible_proposal(comment.proposal_id)
    comments.delete(comment, current_user)
    flash(_("Your comment was deleted."), "success")
    return to_project(proposal)


@bp.post("/comments/<int:comment_id>/react")
def comment_react(comment_id: int):  # type: ignore[no-untyped-def]
    """Agree or disagree with a comment (again to take it back)."""
    comment = comments.get_comment(comment_id)
    proposal = visible_proposal(comment.proposal_id)
    choice = request.form.get("value", "")
    comments.react(comment, current_user, {"agree": 1, "disagree": -1}.get(choice, 0))
    return to_project(proposal, f"comment-{comment.id}")


# --- supports ----------------------------------------------------------------------------------


@bp.post("/proposals/<int:proposal_id>/support")
def support(proposal_id: int):  # type: ignore[no-untyped-def]
    """Support a proposal (once; a second click changes nothing)."""
    proposal = visible_proposal(proposal_id)
    if supports_service.support(proposal, current_user):
        flash(_("Thank you: you support this proposal."), "success")
    else:
        flash(_("You already support this proposal."), "info")
    return to_project(proposal, "supports")


@bp.post("/proposals/<int:proposal_id>/support/withdraw")
def withdraw_support(proposal_id: int):  # type: ignore[no-untyped-def]
    """Withdraw your support."""
    proposal = visible_proposal(proposal_id)
    if supports_service.withdraw(proposal, current_user):
        flash(_("Your support was withdrawn."), "success")
    return to_project(proposal, "supports")
