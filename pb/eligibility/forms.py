"""The census upload form, the resident's verification form (fields from CENSUS_COLUMNS), and the
access-code forms (typing a code; issuing and revoking codes); the polling station's and kiosk's
forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from pb.forms import SmallIntegerField

# Labels of the usual columns; any other configured column is labelled with its own name.
COLUMN_LABELS = {
    "reference": (_l("Reference number"), _l("As printed on the letter from the council.")),
    "date_of_birth": (_l("Date of birth"), _l("Year, month and day, e.g. 1984-03-27.")),
    "postcode": (_l("Postcode"), _l("The postcode of your home address.")),
}


class CensusUploadForm(FlaskForm):
    file = FileField(
        _l("Register (CSV with a header line)"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
    )
    submit = SubmitField(_l("Upload the register"))


class CensusVerifyForm(FlaskForm):
    submit = SubmitField(_l("Verify my account"))

    @classmethod
    def for_columns(cls, columns: tuple[str, ...]) -> CensusVerifyForm:
        """A form class with one text field per configured column, then an instance of it."""

        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        for name in columns:
            label, hint = COLUMN_LABELS.get(name, (name.replace("_", " ").capitalize(), ""))
            field = StringField(
                label, validators=[DataRequired(), Length(max=100)], description=hint
            )
            setattr(Form, f"col_{name}", field)
        return Form()

    def values(self, columns: tuple[str, ...]) -> list[str]:
        return [getattr(self, f"col_{name}").data for name in columns]

    def column_fields(self, columns: tuple[str, ...]) -> list[StringField]:
        return [getattr(self, f"col_{name}") for name in columns]


class AccessCodeForm(FlaskForm):
    """The code from a letter (anyone; no account needed)."""

    code = StringField(
        _l("Your access code"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("As printed on your letter, e.g. 7K3M-Q9TZ-X2HD-5WVA-R."),
        # Latin letters and digits, left to right on an Urdu page too; not remembered or spelled
        render_kw={
            "dir": "ltr",
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
        },
    )
    submit = SubmitField(_l("Continue to the ballot"))


class IssueCodesForm(FlaskForm):
    """A batch of codes for one ward: a number of them, or one per census reference."""

    ward = SelectField(_l("Ward"), coerce=int, validators=[InputRequired()])
    count = SmallIntegerField(
        _l("Number of codes"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l("For a round without the census register: one code per letter."),
    )
    references = FileField(
        _l("Census references (CSV)"),
        validators=[Optional(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
        description=_l(
            "For a round that uses the census: the register's reference column, one per line"
            ' (a header line "reference" is allowed). Names and addresses stay with the council.'
        ),
    )
    submit = SubmitField(_l("Issue the codes"))


class RevokeCodeForm(FlaskForm):
    code = StringField(
        _l("The code, or the census reference it was issued to"),
        validators=[DataRequired(), Length(max=100)],
    )
    reissue = BooleanField(_l("Issue a new code for the same letter"))
    submit = SubmitField(_l("Revoke the code"))


class StationForm(CensusVerifyForm):
    """A poll clerk's look-up: the person's register details, and where they vote."""

    where = RadioField(_l("Where the person votes"), validators=[InputRequired()], choices=[])
    submit = SubmitField(_l("Mark on the register"))

    def set_places(self, kiosk_ids: list[int]) -> None:
        self.where.choices = [
            *(
                (f"kiosk-{number}", _l("At kiosk %(number)d", number=number))
                for number in kiosk_ids
            ),
            ("paper", _l("Issue a paper ballot")),
        ]

    def place(self) -> tuple[str, int | None]:
        """("kiosk", its id) or ("paper", None)."""
        value = self.where.data or ""
        if value.startswith("kiosk-"):
            return "kiosk", int(value.removeprefix("kiosk-"))
        return "paper", None


class ReleaseKioskForm(FlaskForm):
    kiosk = SmallIntegerField(validators=[InputRequired(), NumberRange(min=1, max=2**31 - 1)])
    submit = SubmitField(_l("Take back the ballot"))


class OpenKioskForm(FlaskForm):
    submit = SubmitField(_l("Turn this browser into a kiosk"))


class DeclineForm(FlaskForm):
    submit = SubmitField(_l("I do not want to vote: end"))


class LeaveKioskForm(FlaskForm):
    password = PasswordField(_l("Clerk's password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Leave kiosk mode"))
