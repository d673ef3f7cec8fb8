"""Suggesting a register entry, deciding one, and the ward focus."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from pb.forms import SmallIntegerField


class SuggestForm(FlaskForm):
    name = StringField(
        _l("Name of the group or scheme"), validators=[DataRequired(), Length(max=120)]
    )
    activity = TextAreaField(_l("What they do"), validators=[DataRequired(), Length(max=2000)])
    services = StringField(
        _l("Council services they touch"),
        validators=[Optional(), Length(max=300)],
        description=_l("For example: parks, libraries, adult social care."),
    )
    contact = StringField(
        _l("Contact (e-mail, telephone or website)"), validators=[Optional(), Length(max=200)]
    )
    contact_public = BooleanField(_l("The group agrees that this contact is published"))
    submit = SubmitField(_l("Suggest this entry"))


class DecideForm(FlaskForm):
    entry = SmallIntegerField(validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class FocusForm(FlaskForm):
    areas = TextAreaField(
        _l("Service areas, most important first, one per line"),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField(_l("Save the focus"))
