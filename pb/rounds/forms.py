"""The councillor's round configuration form, built from the ballot-format and rule registries."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from pb.eligibility.methods import DEFAULT_METHODS, METHODS
from pb.forms import MoneyField, SmallIntegerField, options
from pb.results import engine
from pb.rounds.models import Round
from pb.rounds.services import DEFAULT_CATEGORIES, RoundSettings
from pb.voting.formats import BALLOT_FORMATS, param_field_name

CURRENCIES = ("GBP", "EUR", "PLN", "USD", "PKR")
DATE_FORMAT = "%Y-%m-%dT%H:%M"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RoundForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(min=5, max=200)])
    description = TextAreaField(
        _l("What is being decided (shown to residents)"),
        validators=[DataRequired(), Length(max=10000)],
    )
    wards = MultiCheckboxField(_l("Wards"), coerce=int, validators=[DataRequired()])
    budget = MoneyField(_l("Total budget"), validators=[InputRequired()])
    currency = SelectField(_l("Currency"), choices=options((c, c) for c in CURRENCIES))
    proposals_open_at = DateTimeLocalField(
        _l("Proposals open (UTC)"), format=DATE_FORMAT, validators=[InputRequired()]
    )
    proposals_close_at = DateTimeLocalField(
        _l("Proposals close (UTC)"), format=DATE_FORMAT, validators=[InputRequired()]
    )
    deliberation_close_at = DateTimeLocalField(
        _l("Deliberation closes (UTC)"),
        format=DATE_FORMAT,
        validators=[Optional()],
        description=_l(
            "Optional: residents keep discussing, supporting and amending proposals after "
            "proposals close, until this date. Leave empty for no deliberation phase."
        ),
    )
    support_threshold = SmallIntegerField(
        _l("Supports needed to go forward to review"),
        validators=[Optional(), NumberRange(min=1, max=1_000_000)],
        description=_l("Optional: leave empty to send every proposal to review."),
    )
    voting_open_at = DateTimeLocalField(
        _l("Voting opens (UTC)"), format=DATE_FORMAT, validators=[InputRequired()]
    )
    voting_close_at = DateTimeLocalField(
        _l("Voting closes (UTC)"), format=DATE_FORMAT, validators=[InputRequired()]
    )
    categories = TextAreaField(
        _l("Project categories, one per line"),
        default="\n".join(DEFAULT_CATEGORIES),
        validators=[DataRequired(), Length(max=2000)],
    )
    ballot_format = RadioField(
        _l("Ballot format"),
        choices=options((fmt.name, fmt.label) for fmt in BALLOT_FORMATS.values()),
        default="approval",
        validators=[InputRequired()],
    )
    verification_methods = MultiCheckboxField(
        _l("How residents are verified"),
        choices=options((method.name, method.label) for method in METHODS.values()),
        default=list(DEFAULT_METHODS),
        validators=[DataRequired(_l("Choose at least one way residents are verified."))],
        description=_l(
            "Only a round whose every method is backed by the census guarantees one ballot per"
            " person. Rounds open to self-declared residents are labelled so with their results."
        ),
    )
    rule = RadioField(_l("Allocation rule"), validators=[InputRequired()], default="greedy")
    satisfaction = SelectField(_l("How satisfaction is measured"), validators=[Optional()])
    min_project_score = SmallIntegerField(
        _l("Minimum votes (or points) a project needs to be funded"),
        validators=[Optional(), NumberRange(min=1)],
        description=_l("Only for rules with a threshold, such as greedy with a threshold."),
    )
    tie_break = SelectField(
        _l("Tie-breaking rule"), default=engine.DEFAULT_TIE_BREAK, validators=[InputRequired()]
    )
    tie_break_seed = StringField(
        _l("Lottery seed (optional; generated and published when voting opens)"),
        validators=[Optional(), Length(max=64)],
    )
    submit = SubmitField(_l("Save round"))

    def configure(self, ward_choices: list[tuple[int, str]]) -> None:
        self.wards.choices = options(ward_choices)
        self.rule.choices = options(engine.rule_choices())  # the page hides incompatible ones
        default = ("", _l("The rule's default for the ballot"))
        self.satisfaction.choices = options([default, *engine.satisfaction_choices()])
        self.tie_break.choices = options(engine.tie_break_choices())
        self.budget.currency = self.currency.data or "GBP"

    def param_fields(self, format_name: str) -> list[IntegerField]:
        fmt = BALLOT_FORMATS[format_name]
        return [getattr(self, param_field_name(fmt.name, p.name)) for p in fmt.params]

    def settings(self) -> RoundSettings:
        fmt = BALLOT_FORMATS[self.ballot_format.data]
        params = {
            p.name: getattr(self, param_field_name(fmt.name, p.name)).data for p in fmt.params
        }
        return RoundSettings(
            title=self.title.data,
            description=self.description.data,
            ward_ids=self.wards.data,
            budget=self.budget.data,
            currency=self.currency.data,
            proposals_open_at=_utc(self.proposals_open_at.data),
            proposals_close_at=_utc(self.proposals_close_at.data),
            voting_open_at=_utc(self.voting_open_at.data),
            voting_close_at=_utc(self.voting_close_at.data),
            deliberation_close_at=(
                _utc(self.deliberation_close_at.data) if self.deliberation_close_at.data else None
            ),
            support_threshold=self.support_threshold.data,
            min_project_score=self.min_project_score.data,
            categories=self.categories.data.splitlines(),
            ballot_format=fmt.name,
            ballot_params=params,
            rule=self.rule.data,
            satisfaction=self.satisfaction.data or None,
            tie_break=self.tie_break.data,
            tie_break_seed=self.tie_break_seed.data or None,
            verification_methods=list(self.verification_methods.data or []),
        )

    @staticmethod
    def data_from(round_: Round) -> dict[str, object]:
        data: dict[str, object] = {
            "title": round_.title,
            "description": round_.description,
            "wards": [ward.id for ward in round_.wards],
            "budget": round_.budget,
            "currency": round_.currency,
            "categories": "\n".join(round_.categories),
            "ballot_format": round_.ballot_format,
            "rule": round_.rule,
            "satisfaction": round_.satisfaction or "",
            "tie_break": round_.tie_break,
            "tie_break_seed": round_.tie_break_seed or "",
            "support_threshold": round_.support_threshold,
            "min_project_score": round_.min_project_score,
            "verification_methods": list(round_.verification_methods or DEFAULT_METHODS),
        }
        if round_.deliberation_close_at is not None:
            data["deliberation_close_at"] = round_.deliberation_close_at.replace(tzinfo=None)
        for name in (
            "proposals_open_at",
            "proposals_close_at",
            "voting_open_at",
            "voting_close_at",
        ):
            data[name] = getattr(round_, name).astimezone(UTC).replace(tzinfo=None)
        for key, value in round_.ballot_params.items():
            data[param_field_name(round_.ballot_format, key)] = value
        return data


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


# One integer field per ballot-format parameter, named `<format>_<param>`.
for _format in BALLOT_FORMATS.values():
    for _param in _format.params:
        setattr(
            RoundForm,
            param_field_name(_format.name, _param.name),
            SmallIntegerField(
                _param.label,
                default=_param.default,
                validators=[Optional(), NumberRange(min=_param.minimum, max=_param.maximum)],
            ),
        )


class AdvanceForm(FlaskForm):
    """Move a round one phase on; `from_phase` stops a double click advancing it twice."""

    from_phase = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Move to the next phase"))


class ExtendVotingForm(FlaskForm):
    """Move the closing date of voting later, with a reason residents will read."""

    close_at = DateTimeLocalField(
        _l("New closing date (UTC)"), format=DATE_FORMAT, validators=[InputRequired()]
    )
    reason = TextAreaField(
        _l("Public reason"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Shown on the round's page and its results, and kept in the audit log."),
    )
    submit = SubmitField(_l("Extend voting"))

    def close_at_utc(self) -> datetime:
        return _utc(self.close_at.data)


class EndVotingForm(FlaskForm):
    """Close voting now and count the votes, with a reason residents will read."""

    reason = TextAreaField(
        _l("Public reason"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Shown on the round's page and its results, and kept in the audit log."),
    )
    submit = SubmitField(_l("End voting now and count the votes"))
