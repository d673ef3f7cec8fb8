"""Forms of co-assessment: the round's settings and questions, a rating (one 1-5 choice per
question), assigning an inspector, the inspection report, the officer's answer, hiding a comment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from pb.assessment.inspections import ANSWERS, CHECKLIST, MAX_TEXT
from pb.assessment.services import LIMITS, MAX_COMMENT, MAX_CRITERIA, MAX_CRITERION
from pb.forms import SmallIntegerField, options

MARKS = options((str(n), str(n)) for n in range(1, 6))


def _number(label, name: str, hint) -> SmallIntegerField:  # type: ignore[no-untyped-def]
    low, high = LIMITS[name]
    return SmallIntegerField(
        label, validators=[InputRequired(), NumberRange(low, high)], description=hint
    )


class SettingsForm(FlaskForm):
    min_raters = _number(
        _l("Fewest raters before figures are published (k)"),
        "min_raters",
        _l("Below this number nothing is shown, so no single resident's marks can be guessed."),
    )
    window_days = _number(_l("Rating window (days)"), "window_days", _l("From the day it is done."))
    email_delay_days = _number(
        _l("E-mail invitations after (days)"),
        "email_delay_days",
        _l("Residents see the invitation on the site at once; the e-mail follows."),
    )
    submit = SubmitField(_l("Save"))

    @classmethod
    def build(cls) -> SettingsForm:
        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        for index in range(MAX_CRITERIA):
            label = _l("Question %(number)d", number=index + 1)
            setattr(
                Form,
                f"criterion_{index}",
                StringField(label, validators=[Length(max=MAX_CRITERION)]),
            )
        return Form()

    def criterion_fields(self) -> list[StringField]:
        return [getattr(self, f"criterion_{index}") for index in range(MAX_CRITERIA)]


class RatingForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Length(max=MAX_COMMENT)],
        description=_l("Shown without your name. Simple formatting: *emphasis*, lists, links."),
    )
    submit = SubmitField(_l("Save my rating"))

    @classmethod
    def build(cls, criteria: list[tuple[int, str]]) -> RatingForm:
        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        for criterion_id, label in criteria:
            setattr(
                Form,
                f"mark_{criterion_id}",
                RadioField(label, choices=MARKS, validators=[InputRequired()]),
            )
        form = Form()
        form.criterion_ids = [criterion_id for criterion_id, _label in criteria]
        return form

    def mark_fields(self) -> list[RadioField]:
        return [getattr(self, f"mark_{cid}") for cid in self.criterion_ids]

    def values(self) -> dict[int, int]:
        return {cid: int(getattr(self, f"mark_{cid}").data) for cid in self.criterion_ids}


class AssignForm(FlaskForm):
    email = EmailField(
        _l("Resident's e-mail address"), validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField(_l("Assign as inspector"))


class InspectionForm(FlaskForm):
    findings = TextAreaField(
        _l("What you found"), validators=[DataRequired(), Length(max=MAX_TEXT)]
    )
    submit = SubmitField(_l("File the report"))

    @classmethod
    def build(cls) -> InspectionForm:
        class Form(cls):  # type: ignore[valid-type,misc]
            pass

        choices = options(ANSWERS.items())
        for key, label in CHECKLIST.items():
            setattr(
                Form,
                f"item_{key}",
                RadioField(label, choices=choices, validators=[InputRequired()]),
            )
        return Form()

    def item_fields(self) -> list[RadioField]:
        return [getattr(self, f"item_{key}") for key in CHECKLIST]

    def answers(self) -> dict[str, str]:
        return {key: getattr(self, f"item_{key}").data for key in CHECKLIST}


class ResponseForm(FlaskForm):
    response = TextAreaField(
        _l("The council's answer"), validators=[DataRequired(), Length(max=MAX_TEXT)]
    )
    submit = SubmitField(_l("Publish the answer"))


class HideCommentForm(FlaskForm):
    reason = StringField(_l("Public reason"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Hide the comment"))
