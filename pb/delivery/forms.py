from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from pb.delivery.labels import STATUS_LABELS
from pb.forms import MoneyField, SmallIntegerField, options
from pb.media.forms import alt_text_field, photo_field


class StatusForm(FlaskForm):
    status = SelectField(
        _l("New status"),
        choices=options([(status.value, label) for status, label in STATUS_LABELS.items()]),
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reason (shown publicly, required)"), validators=[InputRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("Change the status"))


class ProgressForm(FlaskForm):
    progress = SmallIntegerField(
        _l("Progress (percent, 0 to 100)"), validators=[InputRequired(), NumberRange(0, 100)]
    )
    spent = MoneyField(
        _l("Spent so far"),
        validators=[Optional()],
        description=_l("Leave empty when nothing has been spent yet."),
    )
    submit = SubmitField(_l("Save progress"))


class MilestoneForm(FlaskForm):
    title = StringField(_l("Milestone"), validators=[InputRequired(), Length(max=200)])
    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    submit = SubmitField(_l("Add the milestone"))


class MilestoneDoneForm(FlaskForm):
    milestone = HiddenField(validators=[InputRequired()])
    done_on = DateField(_l("Reached on"), validators=[InputRequired()])
    submit = SubmitField(_l("Mark as reached"))


class UpdateForm(FlaskForm):
    happened_on = DateField(_l("Date of the update"), validators=[InputRequired()])
    body = TextAreaField(
        _l("What happened (shown publicly)"), validators=[InputRequired(), Length(max=5000)]
    )
    photo = photo_field()
    photo_alt = alt_text_field()
    submit = SubmitField(_l("Publish the update"))
