"""Rounds: configuration by a councillor, the phase machine, and freezing the configuration.

Tie-break and rule names are the allocation engine's registry keys; ballot formats are
`pb.voting.formats` registry keys. Services flush; the request commits.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb import clock
from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.audit.chain import canonical_json, format_time, sha256_hex
from pb.db import utcnow
from pb.eligibility import methods as verification
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.i18n import BUILT_IN_CATEGORIES
from pb.proposals.conflicts import frozen_groups
from pb.proposals.models import Proposal, ProposalStatus
from pb.results import engine
from pb.rounds.models import PHASE_ORDER, Phase, Round
from pb.voting.formats import BALLOT_FORMATS, BallotItem, param_field_name
from pb.voting.models import Ballot, Participation
from pb.wards.models import Ward

CONFIG_FORMAT = "pb-round-config-2"
PhaseHook = Callable[[Round, User], None]
PHASE_HOOKS: dict[Phase, list[PhaseHook]] = defaultdict(list)
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


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise NotFound(_("No such round."))
    return round_


def can_manage(user: User, round_: Round) -> bool:
    """A councillor manages a round when assigned to every ward it spends money in."""
    return user.role is Role.COUNCILLOR and round_.ward_ids <= {w.id for w in user.wards}


def get_managed_round(user: User, round_id: int) -> Round:
    round_ = get_round(round_id)
    if not can_manage(user, round_):
        raise Forbidden(_("You are not a councillor for this round's wards."))
    return round_


def managed_rounds(user: User) -> list[Round]:
    rounds = db.session.scalars(select(Round).order_by(Round.voting_open_at.desc()))
    return [round_ for round_ in rounds if can_manage(user, round_)]


def public_rounds() -> list[Round]:
    """Rounds citizens can see: everything past its draft."""
    query = select(Round).where(Round.phase != Phase.DRAFT).order_by(Round.voting_open_at.desc())
    return list(db.session.scalars(query))


def create_round(settings: RoundSettings, *, actor: User) -> Round:
    round_ = Round(phase=Phase.DRAFT, created_by_id=actor.id)
    _apply(round_, settings, actor)
    db.session.add(round_)
    db.session.flush()
    audit.record("round.created", round_, _settings_data(round_), actor=actor)
    return round_


def update_round(round_: Round, settings: RoundSettings, *, actor: User) -> None:
    if round_.is_frozen:
        raise Conflict(_("Voting has opened: this round's configuration is frozen."))
    _apply(round_, settings, actor)
    db.session.flush()
    audit.record("round.edited", round_, _settings_data(round_), actor=actor)


def next_phase(round_: Round) -> Phase | None:
    index = PHASE_ORDER.index(round_.phase)
    following = PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None
    if following is Phase.DELIBERATION and round_.deliberation_close_at is None:
        return Phase.REVIEW  # deliberation is optional
    return following


def advance_phase(round_: Round, *, actor: User, now: datetime | None = None) -> Phase:
    """Move the round one phase forward, checking what that step needs (dates, reviews, ...)."""
    now = now or clock.now()
    target = next_phase(round_)
    if target is None:
        raise Conflict(_("This round has finished."))
    _check_can_enter(round_, target, now)
    if target is Phase.VOTING:
        freeze(round_, actor=actor)
    previous = round_.phase
    round_.phase = target
    db.session.flush()
    audit.record(
        "round.phase_changed", round_, {"from": previous.value, "to": target.value}, actor=actor
    )
    for hook in PHASE_HOOKS[target]:
        hook(round_, actor)
    return target


def on_entering(phase: Phase, *, first: bool = False) -> Callable[[PhaseHook], PhaseHook]:
    """Register work that must happen, in the same transaction, when a round enters `phase`.

    Other domains plug in here (the tally on closing, publication, checkpoints, notifications)
    so the phase machine does not import them. `first`: run before the hooks registered so far
    (the ballot seal, which the tally and the closing checkpoint must follow).
    """

    def register(hook: PhaseHook) -> PhaseHook:
        if first:
            PHASE_HOOKS[phase].insert(0, hook)
        else:
            PHASE_HOOKS[phase].append(hook)
        return hook

    return register


def ballot_projects(round_: Round) -> list[Proposal]:
    """The projects on the ballot: every proposal an officer found feasible."""
    query = (
        select(Proposal)
        .where(Proposal.round_id == round_.id, Proposal.status == ProposalStatus.FEASIBLE)
        .order_by(Proposal.id)
    )
    return list(db.session.scalars(query))


# What a ballot needs from a frozen configuration, by its hash. A frozen configuration never
# changes (the hash names it), so this is read once per process instead of on every request.
_FROZEN_BALLOT_ITEMS: dict[str, tuple[BallotItem, ...]] = {}
_FROZEN_CACHE_SIZE = 256


def ballot_items(round_: Round) -> tuple[BallotItem, ...]:
    """Every project on the ballot with its cost, in ballot order. A frozen round's come from its
    frozen configuration (the ballot it opened with), cached by config hash; before freezing,
    from the proposals found feasible."""
    if round_.config_hash is None or not round_.config_json:
        return tuple(BallotItem(id=p.id, cost=p.cost) for p in ballot_projects(round_))
    items = _FROZEN_BALLOT_ITEMS.get(round_.config_hash)
    if items is None:
        projects = json.loads(round_.config_json)["projects"]
        items = tuple(BallotItem(id=p["id"], cost=p["cost"]) for p in projects)
        if len(_FROZEN_BALLOT_ITEMS) >= _FROZEN_CACHE_SIZE:
            _FROZEN_BALLOT_ITEMS.clear()
        _FROZEN_BALLOT_ITEMS[round_.config_hash] = items
    return items


def freeze(round_: Round, *, actor: User) -> None:
    """Store the canonical configuration (ballot projects included) and its SHA-256."""
    if round_.tie_break == "lottery" and not round_.tie_break_seed:
        round_.tie_break_seed = secrets.token_hex(16)  # published in the frozen config
    config = canonical_config(round_)
    groups = frozen_groups(round_, [project["id"] for project in config["projects"]])
    if groups:  # absent when none, so configurations without conflicts keep their form
        config["conflicts"] = groups
    round_.config_json = canonical_json(config)
    round_.config_hash = sha256_hex(round_.config_json)
    round_.frozen_at = utcnow()
    db.session.flush()
    audit.record("round.frozen", round_, {"config_hash": round_.config_hash}, actor=actor)


def canonical_config(round_: Round) -> dict[str, Any]:
    return {
        "format": CONFIG_FORMAT,
        "round_id": round_.id,
        "title": round_.title,
        "description": round_.description,
        "wards": sorted(ward.code for ward in round_.wards),
        "budget": round_.budget,
        "currency": round_.currency,
        "proposals_open_at": format_time(round_.proposals_open_at),
        "proposals_close_at": format_time(round_.proposals_close_at),
        "voting_open_at": format_time(round_.voting_open_at),
        "voting_close_at": format_time(round_.voting_close_at),
        "ballot_format": round_.ballot_format,
        "ballot_params": dict(round_.ballot_params),
        "rule": round_.rule,
        "satisfaction": round_.satisfaction,
        "tie_break": round_.tie_break,
        "tie_break_seed": round_.tie_break_seed,
        "min_project_score": round_.min_project_score,
        "deliberation_close_at": (
            format_time(round_.deliberation_close_at) if round_.deliberation_close_at else None
        ),
        "support_threshold": round_.support_threshold,
        "verification_methods": sorted(round_.verification_methods or ["email"]),
        "projects": [
            {
                "id": project.id,
                "title": project.title,
                "cost": project.cost,
                "ward": project.ward.code,
                "category": project.category,
            }
            for project in ballot_projects(round_)
        ],
    }


def accepting_proposals(round_: Round, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return (
        round_.phase is Phase.PROPOSALS
        and round_.proposals_open_at <= now < round_.proposals_close_at
    )


def accepting_ballots(round_: Round, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return round_.phase is Phase.VOTING and round_.voting_open_at <= now < round_.voting_close_at


def available_from(round_: Round, target: Phase) -> datetime | None:
    """The moment from which the dates allow entering `target` (None: dates never stop it).
    The dashboard shows it on a disabled button; `_check_can_enter` refuses before it."""
    if target is Phase.DELIBERATION:
        return round_.proposals_close_at
    if target is Phase.REVIEW:
        return round_.deliberation_close_at or round_.proposals_close_at
    if target is Phase.CLOSED:
        return round_.voting_close_at
    return None


def _check_can_enter(round_: Round, target: Phase, now: datetime) -> None:
    opens = available_from(round_, target)
    if opens is not None and now < opens:
        if target is Phase.CLOSED:
            raise Conflict(_("Voting stays open until its closing date."))
        if target is Phase.REVIEW and now >= round_.proposals_close_at:
            raise Conflict(
                _("Deliberation stays open until its closing date; review starts after it.")
            )
        raise Conflict(_("Proposals stay open until their closing date; review starts after it."))
    if target is Phase.VOTING:
        pending = db.session.scalar(
            select(Proposal.id).where(
                Proposal.round_id == round_.id, Proposal.status == ProposalStatus.SUBMITTED
            )
        )
        if pending is not None:
            raise Conflict(_("Every proposal must be reviewed before voting opens."))
        if not ballot_projects(round_):
            raise Conflict(_("At least one feasible project is needed on the ballot."))
        if now >= round_.voting_close_at:
            raise Conflict(_("The voting closing date has passed. Edit the dates first."))


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


def _apply(round_: Round, settings: RoundSettings, actor: User) -> None:
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


def _settings_data(round_: Round) -> dict[str, Any]:
    data = canonical_config(round_)
    data.pop("projects")
    return data


@dataclass(frozen=True)
class Dashboard:
    proposals: int
    awaiting_review: int
    on_ballot: int
    participants: int
    ballots: int


def dashboard(round_: Round) -> Dashboard:
    """Counts a councillor sees; during voting only turnout, never how anyone voted."""
    statuses = list(
        db.session.scalars(select(Proposal.status).where(Proposal.round_id == round_.id))
    )
    return Dashboard(
        proposals=len(statuses),
        awaiting_review=statuses.count(ProposalStatus.SUBMITTED),
        on_ballot=statuses.count(ProposalStatus.FEASIBLE),
        participants=_count_rows(Participation, round_),
        ballots=_count_rows(Ballot, round_),
    )


def _count_rows(model: type[Participation] | type[Ballot], round_: Round) -> int:
    query = select(func.count()).select_from(model).where(model.round_id == round_.id)
    return db.session.scalar(query) or 0
