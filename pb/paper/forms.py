"""Forms for paper entry: opening a batch, keying it, reconciling a sheet, completing entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from pb.forms import SmallIntegerField, options
from pb.paper.models import MAX_BATCH_SIZE
from pb.paper.sheets import MAX_LINE


class BatchForm(FlaskForm):
    ward_id = SelectField(_l("Ward"), coerce=int, validators=[InputRequired()])
    label = StringField(
        _l("Batch name"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("As written on the bundle, e.g. the station and box number."),
    )
    size = SmallIntegerField(
        _l("Sheets in the batch"),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_BATCH_SIZE)],
        description=_l("Counted by hand. Set blank and spoilt sheets aside: they are not keyed."),
    )
    submit = SubmitField(_l("Open the batch"))


class ReadingForm(FlaskForm):
    sheets = TextAreaField(
        _l("Sheets, one line each, in the order of the bundle"),
        validators=[DataRequired(), Length(max=MAX_BATCH_SIZE * (MAX_LINE + 2))],
    )
    submit = SubmitField(_l("Save my reading"))


class ResolveForm(FlaskForm):
    chosen = RadioField(
        _l("Which reading is what the sheet says?"),
        choices=options([("1", _l("The first reading")), ("2", _l("The second reading"))]),
        validators=[InputRequired()],
    )
    submit = SubmitField(_l("Record the decision"))


class CompleteForm(FlaskForm):
    submit = SubmitField(_l("Complete paper entry and count the round"))
