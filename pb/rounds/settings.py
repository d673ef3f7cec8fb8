"""A round's settings: what a councillor sets, as plain values; the check that the tally could
run them, naming the field at fault; and their application to a round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import User
from pb.eligibility import methods as verification
from pb.errors import Forbidden, InvalidInput
from pb.extensions import db
from pb.i18n import BUILT_IN_CATEGORIES
from pb.results import engine
from pb.rounds.models import Round
from pb.voting.formats import BALLOT_FORMATS, param_field_name
from pb.wards.models import Ward

DEFAULT_CATEGORIES = tuple(BUILT_IN_CATEGORIES)


@dataclass
class RoundSettings:
    """Everything a councillor sets on a round, as plain values (no form objects)."""

    title: str
    description: str
    ward_ids: Sequence[int]
    budget: int
    currency: str
    proposals_open_at: datetime
    proposals_close_at: datetime
    voting_open_at: datetime
    voting_close_at: datetime
    categories: Sequence[str]
    ballot_format: str
    ballot_params: dict[str, Any]
    rule: str
    satisfaction: str | None
    tie_break: str
    tie_break_seed: str | None = None
    deliberation_close_at: datetime | None = None  # None: no deliberation phase
    support_threshold: int | None = None  # None: every proposal goes forward to review
    min_project_score: int | None = None  # threshold rules: the least score a project needs
    verification_methods: Sequence[str] = verification.DEFAULT_METHODS


def check_settings(settings: RoundSettings) -> None:
    """Refuse a configuration the tally could not run, naming the field at fault."""
    if settings.budget <= 0:
        raise InvalidInput(_("The budget must be more than zero."), field="budget")
    if not settings.proposals_open_at < settings.proposals_close_at:
        raise InvalidInput(_("Proposals must close after they open."), field="proposals_close_at")
    if settings.voting_open_at < settings.proposals_close_at:
        raise InvalidInput(_("Voting cannot open before proposals close."), field="voting_open_at")
    if not settings.voting_open_at < settings.voting_close_at:
        raise InvalidInput(_("Voting must close after it opens."), field="voting_close_at")
    deliberation_closes = settings.deliberation_close_at
    if deliberation_closes is not None and not (
        settings.proposals_close_at < deliberation_closes <= settings.voting_open_at
    ):
        raise InvalidInput(
            _("Deliberation must close after proposals close and no later than voting opens."),
            field="deliberation_close_at",
        )
    if settings.support_threshold is not None and settings.support_threshold < 1:
        raise InvalidInput(
            _("The support threshold must be at least 1."), field="support_threshold"
        )
    if not verification.known(tuple(settings.verification_methods)):
        raise InvalidInput(
            _("Choose at least one way residents are verified."), field="verification_methods"
        )
    ballot_format = BALLOT_FORMATS.get(settings.ballot_format)
    if ballot_format is None:
        raise InvalidInput(_("Unknown ballot format."), field="ballot_format")
    param_errors = ballot_format.check_params(settings.ballot_params, settings.budget)
    if param_errors:
        name, message = next(iter(param_errors.items()))
        raise InvalidInput(message, field=param_field_name(ballot_format.name, name))
    problem = engine.configuration_problem(
        settings.rule,
        ballot_format.vote_type,
        settings.satisfaction,
        settings.tie_break,
        settings.min_project_score,
    )
    if problem:
        field, message = problem
        raise InvalidInput(message, field=field)


def apply_settings(round_: Round, settings: RoundSettings, actor: User) -> None:
    """Set a round's fields from its settings, once they pass check_settings."""
    allowed = {ward.id for ward in actor.wards}
    if not settings.ward_ids or not set(settings.ward_ids) <= allowed:
        raise Forbidden(_("Choose only wards you are a councillor for."))
    check_settings(settings)
    wards = list(db.session.scalars(select(Ward).where(Ward.id.in_(settings.ward_ids))))
    round_.title = settings.title.strip()
    round_.description = settings.description.strip()
    round_.wards = wards
    round_.budget = settings.budget
    round_.currency = settings.currency
    round_.proposals_open_at = settings.proposals_open_at
    round_.proposals_close_at = settings.proposals_close_at
    round_.voting_open_at = settings.voting_open_at
    round_.voting_close_at = settings.voting_close_at
    round_.deliberation_close_at = settings.deliberation_close_at
    round_.support_threshold = settings.support_threshold
    round_.min_project_score = settings.min_project_score
    round_.categories = [c.strip() for c in settings.categories if c.strip()]
    round_.ballot_format = settings.ballot_format
    round_.ballot_params = dict(settings.ballot_params)
    round_.rule = settings.rule
    round_.satisfaction = settings.satisfaction or None
    round_.tie_break = settings.tie_break
    round_.tie_break_seed = settings.tie_break_seed or None
    round_.verification_methods = sorted(set(settings.verification_methods))
