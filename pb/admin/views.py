"""The administrator's area: users and role grants, wards, the postcode list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.accounts import recovery
from pb.accounts import services as accounts
from pb.accounts.models import Role
from pb.admin.forms import (
    ActiveForm,
    PostcodeConfirmForm,
    PostcodeUploadForm,
    StaffInviteForm,
    UserForm,
    WardForm,
)
from pb.db import reads_only
from pb.errors import DomainError
from pb.forms import accepts_files, apply_error, form_status, options
from pb.wards import services as wards

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
def index():  # type: ignore[no-untyped-def]
    """Administration overview."""
    return render_template(
        "admin/index.html", counts=accounts.count_users_by_role(), wards=wards.all_wards()
    )


@bp.get("/users")
def users():  # type: ignore[no-untyped-def]
    """Find users by e-mail address or name, a page at a time."""
    return _users_page(_invite_form())


def _invite_form() -> StaffInviteForm:
    form = StaffInviteForm()
    form.wards.choices = options((w.id, w.name) for w in wards.all_wards())
    return form


def _users_page(form: StaffInviteForm, status: int = 200):  # type: ignore[no-untyped-def]
    query = request.args.get("q", "").strip()
    listing = accounts.users_page(query, request.args.get("page", 1, type=int) or 1)
    return render_template("admin/users.html", listing=listing, q=query, form=form), status


@bp.post("/users/new")
def user_create():  # type: ignore[no-untyped-def]
    """Create a staff account with an unusable password and e-mail its invitation link."""
    form = _invite_form()
    if form.validate_on_submit():
        try:
            created = accounts.create_invited_staff(
                form.email.data,
                form.display_name.data,
                Role(form.role.data),
                form.wards.data,
                actor=current_user,
            )
        except DomainError as error:
            apply_error(form, error)
        else:
            recovery.invite(created, actor=current_user)
            flash(_("Account created; the invitation is on its way."), "success")
            return redirect(url_for("admin.user", user_id=created.id))
    return _users_page(form, 422)


@bp.post("/users/<int:user_id>/active")
def user_active(user_id: int):  # type: ignore[no-untyped-def]
    """Enable or disable an account; disabling signs it out everywhere at once."""
    target = accounts.get_user(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    accounts.set_active(target, form.active.data == "1", actor=current_user)
    flash(_("Account enabled.") if target.active else _("Account disabled."), "success")
    return redirect(url_for("admin.user", user_id=target.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):  # type: ignore[no-untyped-def]
    """Grant a role and staff wards; the page also offers to enable or disable the account."""
    target = accounts.get_user(user_id)
    form = UserForm(data={"role": target.role.value, "wards": [w.id for w in target.wards]})
    form.wards.choices = options((w.id, w.name) for w in wards.all_wards())
    if form.validate_on_submit():
        if target.id == current_user.id and form.role.data != Role.ADMIN.value:
            form.form_errors.append(_("You cannot remove your own administrator access."))
        else:
            accounts.grant_role(target, Role(form.role.data), form.wards.data, actor=current_user)
            flash(_("Saved."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    status = form_status(form)
    toggle = ActiveForm(formdata=None, data={"active": "0" if target.active else "1"})
    return render_template("admin/user.html", form=form, target=target, toggle=toggle), status


@bp.route("/wards", methods=["GET", "POST"])
def wards_index():  # type: ignore[no-untyped-def]
    """All wards, and a form to add one."""
    form = WardForm()
    if form.validate_on_submit():
        try:
            wards.save_ward(None, form.code.data, form.name.data, actor=current_user)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Ward added."), "success")
            return redirect(url_for("admin.wards_index"))
    status = form_status(form)
    return render_template("admin/wards.html", form=form, wards=wards.all_wards()), status


@bp.route("/wards/<int:ward_id>", methods=["GET", "POST"])
def ward_edit(ward_id: int):  # type: ignore[no-untyped-def]
    """Rename a ward or change its code."""
    ward = wards.get_ward(ward_id)
    form = WardForm(data={"code": ward.code, "name": ward.name})
    if form.validate_on_submit():
        try:
            wards.save_ward(ward, form.code.data, form.name.data, actor=current_user)
        except DomainError as error:
            apply_error(form, error)
        else:
            flash(_("Ward saved."), "success")
            return redirect(url_for("admin.wards_index"))
    status = form_status(form)
    return render_template("admin/ward.html", form=form, ward=ward), status


@bp.route("/postcodes", methods=["GET", "POST"])
@reads_only  # the POST only previews: postcodes_apply writes
@accepts_files("file")
def postcodes():  # type: ignore[no-untyped-def]
    """Upload the postcode → ward list residents are placed with; shows what would change."""
    form = PostcodeUploadForm()
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
            changes = wards.preview_postcodes(text)
        except UnicodeDecodeError:
            form.file.errors = [*form.file.errors, _("The file must be UTF-8 text.")]
        except DomainError as error:
            apply_error(form, error)
        else:
            confirm = PostcodeConfirmForm(
                formdata=None, data={"postcodes": changes.as_csv(), "base": changes.base}
            )
            return render_template(
                "admin/postcodes_preview.html",
                changes=changes,
                form=confirm,
                sample=wards.PREVIEW_SAMPLE,
            )
    status = form_status(form)
    return render_template("admin/postcodes.html", form=form), status


@bp.post("/postcodes/apply")
def postcodes_apply():  # type: ignore[no-untyped-def]
    """Apply a previewed postcode list, unless the list changed since the preview."""
    form = PostcodeConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    changes = wards.import_postcodes(
        form.postcodes.data, actor=current_user, expected_base=form.base.data
    )
    flash(_("%(count)d postcodes imported.", count=len(changes.rows)), "success")
    return redirect(url_for("admin.postcodes"))
