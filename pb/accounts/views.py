"""Register, sign in, sign out."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from pb import limits
from pb.accounts import recovery, services, sessions
from pb.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    RegisterForm,
    ResendVerificationForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignOutEverywhereForm,
)
from pb.db import keep_despite_refusal
from pb.errors import InvalidInput
from pb.extensions import login_manager
from pb.forms import apply_error, form_status, options
from pb.i18n import current_language
from pb.security import safe_next
from pb.wards import services as wards

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None  # the login page explains itself; no flash needed
login_manager.user_loader(sessions.load_user)


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
    sessions.open_session(user)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limits.limit("login_account", "login_client")
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
    status = form_status(form)
    return render_template("accounts/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
@limits.limit("registration")
def register():  # type: ignore[no-untyped-def]
    """Create a citizen account; the same answer whether or not the address has one."""
    form = RegisterForm()
    form.home_ward.choices = options(
        [(0, _("— choose your ward —")), *((ward.id, ward.name) for ward in wards.all_wards())]
    )
    if form.validate_on_submit():
        try:
            recovery.register(
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
            # Not signed in: a new address would be, a known one not, and that tells.
            return render_template("accounts/check_email.html", reason="register")
    status = form_status(form)
    return render_template("accounts/register.html", form=form), status


@bp.get("/verify/<token>")
def verify_email(token: str):  # type: ignore[no-untyped-def]
    """Follow the link we e-mailed: the address is confirmed and its owner signed in."""
    try:
        user = recovery.verify_email(token)
    except InvalidInput as error:
        return render_template("accounts/link_invalid.html", message=error.message), 400
    if not current_user.is_authenticated:
        start_session(user)
    elif current_user.id != user.id:  # never switch someone's signed-in account by a link
        flash(_("Your e-mail address is confirmed."), "success")
        return redirect(url_for("public.home"))
    flash(_("Your e-mail address is confirmed."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/account/verify")
@login_required
@limits.limit("verification_resend")
def resend_verification():  # type: ignore[no-untyped-def]
    """Send the confirmation link again (it expires)."""
    if not ResendVerificationForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if not user.email_verified:
        recovery.send_verification(user)
    flash(_("We sent the link again. Check your e-mail."), "success")
    return redirect(url_for("accounts.profile"))


@bp.route("/reset", methods=["GET", "POST"])
@limits.limit("password_reset")
def reset_request():  # type: ignore[no-untyped-def]
    """Ask for a password-reset link; the same answer whether or not the address has one."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        recovery.request_reset(form.email.data)
        return render_template("accounts/check_email.html", reason="reset")
    status = form_status(form)
    return render_template("accounts/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a new password from a reset link (once; every session of the account ends)."""
    try:
        recovery.reset_user(token)
    except InvalidInput as error:
        return render_template("accounts/link_invalid.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = recovery.reset_password(token, form.password.data)
        start_session(user)
        flash(_("Your password is changed. Every other session is signed out."), "success")
        return redirect(url_for("accounts.profile"))
    status = form_status(form)
    return render_template("accounts/reset_password.html", form=form), status


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    """Sign out (a POST with a CSRF token, so no other site can sign you out)."""
    sessions.close_session(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "success")
    return redirect(url_for("public.home"))


@bp.get("/account")
@login_required
def profile():  # type: ignore[no-untyped-def]
    """Your account, role and wards; where you are signed in."""
    return render_template(
        "accounts/profile.html",
        user=current_user,
        sessions=sessions.count_sessions(current_user),
        sign_out_form=SignOutEverywhereForm(),
        resend_form=ResendVerificationForm(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limits.limit("password_change")
def change_password():  # type: ignore[no-untyped-def]
    """Change your password; every other session of the account is signed out."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current.data, form.password.data)
        except InvalidInput as error:
            apply_error(form, error)
        else:
            start_session(user)  # this device stays signed in, with a new session
            flash(_("Your password is changed. Every other session is signed out."), "success")
            return redirect(url_for("accounts.profile"))
    status = form_status(form)
    return render_template("accounts/password.html", form=form), status


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():  # type: ignore[no-untyped-def]
    """End every session of your account, this one included (a lost phone, a shared computer)."""
    if not SignOutEverywhereForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out on every device."), "success")
    return redirect(url_for("accounts.login"))
