"""Proposal and review forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from pb.forms import MoneyField, options
from pb.i18n import localised_category
from pb.media.forms import alt_text_field, photo_field
from pb.rounds.forms import MultiCheckboxField


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=200)])
    description = TextAreaField(
        _l("What should be done, where, and who will benefit?"),
        validators=[DataRequired(), Length(min=20, max=5000)],
    )
    estimated_cost = MoneyField(
        _l("Estimated cost"),
        validators=[InputRequired()],
        description=_l("Your best guess; council officers will check it."),
    )
    ward = SelectField(_l("Ward"), coerce=int, validators=[InputRequired()])
    category = SelectField(_l("Category"), validators=[InputRequired()])
    location = StringField(
        _l("Location (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l("A postcode or a street, so neighbours can see where it would be."),
    )
    image = photo_field()
    image_alt = alt_text_field()
    submit = SubmitField(_l("Submit proposal"))

    def configure(self, round_) -> None:  # type: ignore[no-untyped-def]
        self.ward.choices = options((ward.id, ward.name) for ward in round_.wards)
        self.category.choices = options(
            (c, localised_category(round_, c)) for c in round_.categories
        )
        self.estimated_cost.currency = round_.currency


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=options(
            [
                ("feasible", _l("Feasible: put it on the ballot")),
                ("infeasible", _l("Not feasible")),
            ]
        ),
        validators=[InputRequired()],
    )
    final_cost = MoneyField(
        _l("Final cost"),
        validators=[Optional()],
        description=_l("Required when feasible: the cost the ballot will show."),
    )
    # Required only for "not feasible" (the service says so): a feasible project needs no excuse.
    reason = TextAreaField(
        _l("Reason (shown publicly)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Required when not feasible; optional when feasible."),
    )
    submit = SubmitField(_l("Save review"))


class ConflictForm(FlaskForm):
    projects = MultiCheckboxField(_l("Proposals that cannot be built together"), coerce=int)
    reason = TextAreaField(
        _l("Reason (shown publicly)"), validators=[DataRequired(), Length(max=2000)]
    )
    submit = SubmitField(_l("Declare the conflict"))


class WithdrawConflictForm(FlaskForm):
    group = StringField(validators=[DataRequired(), Length(max=400)])
    submit = SubmitField(_l("Withdraw"))


class InternalNoteForm(FlaskForm):
    note = TextAreaField(
        _l("Internal note (officers of this ward only)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Never shown to residents or published."),
    )
    submit = SubmitField(_l("Save note"))
