"""Skills, a task, a pledge, and the officer's confirmations."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from pb.forms import SmallIntegerField
from pb.volunteering.models import MAX_VOLUNTEERS

# "2", "2.5", "2,25", "0.75": hours, in quarter hours (a time bank's usual step)
HOURS = re.compile(r"^([0-9]{1,3})(?:[.,]([0-9]{1,2}))?$")


class HoursField(StringField):
    """Hours typed as a number, kept as whole minutes in `minutes` (quarter hours only)."""

    minutes: int | None = None

    def pre_validate(self, form: Any) -> None:
        self.minutes = None
        match = HOURS.match((self.data or "").strip())
        if not match:
            raise ValidationError(_l("Type the hours as a number, e.g. 2 or 1.5."))
        whole, part = int(match.group(1)), match.group(2) or "0"
        fraction_minutes = int(part.ljust(2, "0")) * 60
        if fraction_minutes % 100 or (fraction_minutes // 100) % 15:
            raise ValidationError(_l("Use quarter hours: .25, .5 or .75."))
        minutes = whole * 60 + fraction_minutes // 100
        if not 0 < minutes <= 200 * 60:
            raise ValidationError(_l("Between a quarter of an hour and 200 hours."))
        self.minutes = minutes


class SkillsForm(FlaskForm):
    skills = TextAreaField(
        _l("Your skills, one per line"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("For example: gardening, carpentry, first aid, translation."),
    )
    availability = StringField(
        _l("When you are usually free"),
        validators=[Optional(), Length(max=300)],
        description=_l("For example: weekday evenings, Saturday mornings."),
    )
    consent = BooleanField(
        _l(
            "I agree that officers of my ward may see my skills and availability to ask me "
            "to help. I can withdraw this at any time, which deletes them."
        ),
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save my skills"))


class WithdrawForm(FlaskForm):
    submit = SubmitField(_l("Withdraw consent and delete my skills"))


class TaskForm(FlaskForm):
    title = StringField(_l("What needs doing"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=4000)])
    skill = StringField(_l("Skill needed"), validators=[DataRequired(), Length(max=60)])
    hours = HoursField(_l("Hours asked of each volunteer"))
    volunteers_needed = SmallIntegerField(
        _l("Volunteers needed"), validators=[DataRequired(), NumberRange(1, MAX_VOLUNTEERS)]
    )
    starts_on = DateField(_l("Date"), validators=[DataRequired()])
    when_text = StringField(
        _l("Times"),
        validators=[Optional(), Length(max=120)],
        description=_l("For example: 10:00 to 13:00."),
    )
    safeguarding_required = BooleanField(
        _l("A safeguarding check is required (for example, work with children)")
    )
    submit = SubmitField(_l("Post the task"))


class PledgeForm(FlaskForm):
    submit = SubmitField(_l("Pledge my time"))


class PledgeActionForm(FlaskForm):
    pledge = SmallIntegerField(validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
    submit = SubmitField(_l("Confirm the check"))


class HoursForm(FlaskForm):
    pledge = SmallIntegerField(validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
    hours = HoursField(_l("Hours given"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Confirm the hours"))


class ReverseForm(FlaskForm):
    entry = SmallIntegerField(validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
    note = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Reverse this entry"))
