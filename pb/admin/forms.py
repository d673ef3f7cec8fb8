"""Administration forms: role grants, wards, the postcode list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Regexp

from pb.accounts.models import Role
from pb.forms import options
from pb.labels import ROLE_LABELS
from pb.rounds.forms import MultiCheckboxField


class UserForm(FlaskForm):
    role = SelectField(
        _l("Role"), choices=options((role.value, ROLE_LABELS[role]) for role in Role)
    )
    wards = MultiCheckboxField(_l("Wards (for councillors, officers and poll clerks)"), coerce=int)
    submit = SubmitField(_l("Save"))


class StaffInviteForm(FlaskForm):
    """A new staff account; the person sets their own password from the mailed invitation."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    role = RadioField(
        _l("Role"),
        choices=options(
            (role.value, ROLE_LABELS[role]) for role in Role if role is not Role.CITIZEN
        ),
        validators=[DataRequired()],
    )
    wards = MultiCheckboxField(_l("Wards (for councillors, officers and poll clerks)"), coerce=int)
    submit = SubmitField(_l("Create and send the invitation"))


class ActiveForm(FlaskForm):
    """One button: enable ("1") or disable ("0") an account."""

    active = HiddenField(validators=[DataRequired(), AnyOf(["0", "1"])])


class WardForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            DataRequired(),
            Length(max=20),
            Regexp(r"^[A-Za-z0-9_-]+$", message=_l("Letters, digits, - and _ only.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Save ward"))


class PostcodeUploadForm(FlaskForm):
    file = FileField(
        _l("Postcode list (CSV: postcode,ward_code)"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )
    submit = SubmitField(_l("Preview the changes"))


class PostcodeConfirmForm(FlaskForm):
    """The previewed list, sent back to be applied (re-checked: it came through the browser)."""

    postcodes = HiddenField(validators=[DataRequired()])
    # Digest of the list the preview compared with: applying refuses if it changed since.
    base = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    submit = SubmitField(_l("Replace the postcode list"))
