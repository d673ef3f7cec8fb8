"""The census: an officer or admin uploads the register; a resident verifies their account."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.eligibility import access_codes, methods, register, services
from pb.eligibility.forms import CensusUploadForm, CensusVerifyForm
from pb.errors import DomainError
from pb.forms import accepts_files, apply_error

bp = Blueprint("eligibility", __name__)


@bp.app_template_global()
def verification_of(round_):  # type: ignore[no-untyped-def]
    """How a round's residents are verified, for its pages (level, labels, self-declared)."""
    return methods.describe(round_.verification_methods or list(methods.DEFAULT_METHODS))


@bp.app_template_global()
def refusal_of(round_):  # type: ignore[no-untyped-def]
    """Why the signed-in person may not take part in the round."""
    if not current_user.is_authenticated:
        return _("Sign in as a resident of this round's wards to take part.")
    return services.refusal(current_user._get_current_object(), round_)


@bp.app_template_global()
def turnout_of(round_):  # type: ignore[no-untyped-def]
    """(method label, residents who voted) per verification method of the round."""
    return [
        (methods.METHODS[name].label if name in methods.METHODS else name, count)
        for name, count in services.turnout_by_method(round_).items()
    ]


@bp.route("/census", methods=["GET", "POST"])
@accepts_files("file")
def upload():  # type: ignore[no-untyped-def]
    """Upload the register of your wards (CSV); it is stored only as keyed hashes."""
    user = current_user._get_current_object()
    if not register.upload_wards(user):
        abort(403)
    form = CensusUploadForm()
    summary = None
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
            summary = register.import_register(text, actor=user)
        except UnicodeDecodeError:
            form.file.errors = [*form.file.errors, _("The file must be UTF-8 text.")]
        except DomainError as error:
            apply_error(form, error)
    status = 422 if form.is_submitted() and summary is None else 200
    return render_template(
        "eligibility/upload.html",
        form=form,
        summary=summary,
        columns=register.columns(),
        wards=register.upload_wards(user),
        latest=register.latest_upload(),
        code_rounds=access_codes.rounds_for(user),
    ), status


@bp.route("/account/census", methods=["GET", "POST"])
def verify():  # type: ignore[no-untyped-def]
    """Verify your account against the census register by typing your details."""
    user = current_user._get_current_object()
    columns = register.columns()
    form = CensusVerifyForm.for_columns(columns)
    entry = register.entry_of(user)
    if entry is None and form.validate_on_submit():
        try:
            entry = register.bind(user, form.values(columns))
        except register.TooManyAttempts as error:
            return render_template(
                "eligibility/verify.html",
                form=form,
                columns=columns,
                entry=None,
                blocked=error.message,
            ), 429
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Your account is verified against the census."), "success")
            return redirect(url_for("eligibility.verify"))
    status = 422 if form.is_submitted() and entry is None else 200
    return render_template(
        "eligibility/verify.html", form=form, columns=columns, entry=entry, blocked=None
    ), status
