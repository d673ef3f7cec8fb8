"""Register, sign in, sign out."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from pb.accounts import services
from pb.accounts.forms import LoginForm, RegisterForm
from pb.db import keep_despite_refusal
from pb.errors import InvalidInput
from pb.extensions import limiter, login_manager
from pb.forms import apply_error, options
from pb.i18n import current_language
from pb.wards import services as wards

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None  # the login page explains itself; no flash needed
login_manager.user_loader(services.load_user)


def _login_email_key() -> str:
    return "login:" + services.normalise_email(request.form.get("email", ""))


def _login_failed(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 422


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a phishing link borrow our login page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def start_session(user) -> None:  # type: ignore[no-untyped-def]
    """Rotate the session (drop everything from before sign-in, keep the language) and log in.

    A language chosen on this device before signing in becomes the user's; otherwise the one
    they chose before, on any device, is used."""
    language = session.get("lang")
    session.clear()
    if language:
        services.set_language(user, language)
    language = language or user.language
    if language:
        session["lang"] = language
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=_login_email_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(lambda: current_app.config["LOGIN_IP_RATE_LIMIT"], methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    """Sign in with e-mail and password."""
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for("public.home"))
        keep_despite_refusal()  # the failed attempt's audit entry must survive the 422
        # One message whatever was wrong, so the form cannot tell who has an account.
        form.form_errors.append(_("Incorrect e-mail address or password."))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
def register():  # type: ignore[no-untyped-def]
    """Create a citizen account with a home ward."""
    form = RegisterForm()
    form.home_ward.choices = options(
        [(0, _("— choose your ward —")), *((ward.id, ward.name) for ward in wards.all_wards())]
    )
    if form.validate_on_submit():
        try:
            user = services.register_citizen(
                form.email.data,
                form.display_name.data,
                form.password.data,
                form.home_ward.data or None,
                form.postcode.data,
                current_language(),
            )
        except InvalidInput as error:
            apply_error(form, error)
        else:
            start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("public.home"))
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/register.html", form=form), status


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Sign out (a POST with a CSRF token, so no other site can sign you out)."""
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.home"))


@bp.get("/account")
@login_required
def profile():  # type: ignore[no-untyped-def]
    """Your account, role and wards."""
    return render_template("accounts/profile.html", user=current_user)
