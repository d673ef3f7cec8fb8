"""The councillor's form for an official tie decision (see `pb.results.ties`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from pb.results.ties import REASON_MAX


class TieDecisionForm(FlaskForm):
    order = StringField(
        _l("Project numbers, in the order the council decided (e.g. 12, 7)"),
        validators=[DataRequired(), Length(max=200)],
    )
    reason = TextAreaField(
        _l("Reason for the decision"), validators=[DataRequired(), Length(max=REASON_MAX)]
    )
    submit = SubmitField(_l("Record the tie decision and count again"))
