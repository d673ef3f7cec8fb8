"""Forms of the deliberation pages. Limits mirror the services, which check them again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from pb.forms import MoneyField, options

FORMAT_HINT = _l(
    "Plain text. *emphasis*, **strong**, lists starting with “- ” and links are kept; "
    "anything else is shown as typed."
)


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(), Length(max=5000)],
        description=FORMAT_HINT,
    )
    parent_id = HiddenField()
    submit = SubmitField(_l("Post comment"))

    def parent(self) -> int | None:
        raw = (self.parent_id.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


class EditCommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"), validators=[DataRequired(), Length(max=5000)], description=FORMAT_HINT
    )
    submit = SubmitField(_l("Save changes"))


class AmendmentForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=200)])
    description = TextAreaField(
        _l("Description"), validators=[DataRequired(), Length(min=20, max=5000)]
    )
    estimated_cost = MoneyField(_l("Estimated cost"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Why this change? (shown publicly)"),
        validators=[DataRequired(), Length(max=2000)],
    )
    submit = SubmitField(_l("Propose this amendment"))


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=options([("accept", _l("Accept: change my proposal")), ("reject", _l("Reject"))]),
        validators=[InputRequired()],
    )
    reason = TextAreaField(
        _l("Reason (shown publicly; required when rejecting)"),
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField(_l("Save decision"))


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with it?"), validators=[DataRequired(), Length(max=1000)]
    )
    submit = SubmitField(_l("Send report"))


class HideForm(FlaskForm):
    reason = StringField(
        _l("Public reason for hiding"), validators=[DataRequired(), Length(max=1000)]
    )
    submit = SubmitField(_l("Hide"))


class RestoreForm(FlaskForm):
    reason = StringField(_l("Reason for restoring"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Restore"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MergeForm(FlaskForm):
    target = SelectField(_l("Keep this proposal"), coerce=int, validators=[InputRequired()])
    sources = MultiCheckboxField(
        _l("Merge these proposals into it"), coerce=int, validators=[DataRequired()]
    )
    title = StringField(
        _l("Title of the merged proposal"), validators=[Optional(), Length(min=5, max=200)]
    )
    description = TextAreaField(
        _l("Description of the merged proposal"),
        validators=[Optional(), Length(min=20, max=5000)],
    )
    reason = TextAreaField(
        _l("Why merge them? (shown publicly)"), validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("Merge proposals"))
