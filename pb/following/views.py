"""Following: the follow buttons' targets and the page of notices and follows."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.errors import InvalidInput
from pb.following import digest, services
from pb.following.forms import AuthorEmailForm, FollowForm, ReadForm, UnfollowForm
from pb.following.models import AuthorEmail, FollowKind

bp = Blueprint("following", __name__)


@bp.post("/follow/<kind>/<int:object_id>")
def follow(kind: str, object_id: int):  # type: ignore[no-untyped-def]
    """Start following (or change the e-mail choice), then go back to what is followed."""
    kind_, target = services.target(kind)
    target.check(object_id)
    form = FollowForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("The form expired: please try again."))
    services.follow(current_user, kind_, object_id, email=bool(form.email.data))
    return redirect(target.link(object_id))


@bp.post("/unfollow/<kind>/<int:object_id>")
def unfollow(kind: str, object_id: int):  # type: ignore[no-untyped-def]
    """Stop following; the notices already received stay."""
    kind_, _target = services.target(kind)
    if not UnfollowForm().validate_on_submit():
        raise InvalidInput(_("The form expired: please try again."))
    services.unfollow(current_user, kind_, object_id)
    return redirect(url_for("following.index"))


@bp.get("/following")
def index():  # type: ignore[no-untyped-def]
    """Notices about what you follow, newest first, and what you follow."""
    page = request.args.get("page", "1")
    listing = services.listing(current_user, int(page) if page.isdigit() else 1)
    return render_template(
        "following/index.html",
        listing=listing,
        follows=services.follows_of(current_user),
        read_form=ReadForm(),
        unfollow_form=UnfollowForm(),
        email_form=AuthorEmailForm(
            formdata=None, data={"author_email": digest.author_email(current_user.id).value}
        ),
    )


@bp.post("/following/email")
def email_choice():  # type: ignore[no-untyped-def]
    """Choose an e-mail for each comment or support on your proposals, or one a day."""
    form = AuthorEmailForm()
    if not form.validate_on_submit():
        raise InvalidInput(_("Choose one of the options."))
    digest.choose(current_user, AuthorEmail(form.author_email.data))
    flash(_("Your choice was saved."), "success")
    return redirect(url_for("following.index"))


@bp.post("/following/read")
def read():  # type: ignore[no-untyped-def]
    """Mark every notice as read."""
    if not ReadForm().validate_on_submit():
        raise InvalidInput(_("The form expired: please try again."))
    services.mark_all_read(current_user)
    return redirect(url_for("following.index"))


def follow_state(kind: str, object_id: int) -> dict[str, object]:
    """For a follow box on any page: whether the reader follows, and the forms to change it."""
    user = current_user if current_user.is_authenticated else None
    kind_ = FollowKind(kind)
    return {
        "follow": services.following(user, kind_, object_id),
        "followers": services.followers_count(kind_, object_id),
        "follow_form": FollowForm() if user else None,
        "unfollow_form": UnfollowForm() if user else None,
    }


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        follow_state=follow_state,
        notice_text=services.message,
        notice_link=services.link,
        follow_title=services.title,
    )
