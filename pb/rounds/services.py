"""Rounds: configuration by a councillor, the phase machine, and freezing the configuration.

Tie-break and rule names are the allocation engine's registry keys; ballot formats are
`pb.voting.formats` registry keys. Services flush; the request commits.
"""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, bindparam, event, inspect, select, true, update
from sqlalchemy.orm import Session

from pb import clock
from pb.accounts.models import Role, User
from pb.audit import services as audit
from pb.audit.chain import canonical_json, format_time, sha256_hex
from pb.db import utcnow
from pb.errors import Conflict, Forbidden, NotFound
from pb.extensions import db
from pb.process_cache import kept
from pb.proposals.conflicts import frozen_groups
from pb.proposals.models import Proposal, ProposalStatus

# Re-exported (`X as X`): forms, views, demos and tests use them as rounds.services.<name>.
from pb.rounds.dashboard import Dashboard as Dashboard
from pb.rounds.dashboard import dashboard as dashboard
from pb.rounds.models import PHASE_ORDER, Phase, Round, round_wards
from pb.rounds.settings import DEFAULT_CATEGORIES as DEFAULT_CATEGORIES
from pb.rounds.settings import RoundSettings, apply_settings
from pb.rounds.settings import check_settings as check_settings
from pb.voting.formats import BallotItem
from pb.wards.models import Ward

CONFIG_FORMAT = "pb-round-config-2"
PhaseHook = Callable[[Round, User], None]
PHASE_HOOKS: dict[Phase, list[PhaseHook]] = defaultdict(list)


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
    apply_settings(round_, settings, actor)
    db.session.add(round_)
    db.session.flush()
    audit.record("round.created", round_, _settings_data(round_), actor=actor)
    return round_


def update_round(round_: Round, settings: RoundSettings, *, actor: User) -> None:
    if round_.is_frozen:
        raise Conflict(_("Voting has opened: this round's configuration is frozen."))
    apply_settings(round_, settings, actor)
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


# Built once: every ballot page runs it.
_BALLOT_PROJECTS = (
    select(Proposal)
    .where(Proposal.round_id == bindparam("round_id"), Proposal.status == ProposalStatus.FEASIBLE)
    .order_by(Proposal.id)
)


def ballot_projects(round_: Round) -> list[Proposal]:
    """The projects on the ballot: every proposal an officer found feasible."""
    return list(db.session.scalars(_BALLOT_PROJECTS, {"round_id": round_.id}))


# What a ballot needs from a frozen configuration, by its hash. A frozen configuration never
# changes (the hash names it), so this is read once per process instead of on every request.
_FROZEN_BALLOT_ITEMS: dict[str, tuple[BallotItem, ...]] = {}
_FROZEN_CACHE_SIZE = 256


# A frozen round's wards, by round and config hash: they are part of the frozen configuration
# (its "wards"), and `update_round` refuses any change once it is frozen.
_FROZEN_WARD_IDS: dict[tuple[int, str], frozenset[int]] = {}
_ROUND_WARD_IDS = select(round_wards.c.ward_id).where(round_wards.c.round_id == bindparam("id"))


def keep_frozen_wards(round_: Round) -> None:
    """Let a frozen round answer `ward_ids` without loading its wards (an unfrozen one's are
    read as before): every step of the ballot asks whether the voter's ward is among them."""
    if round_.config_hash is not None:
        round_.keep_ward_ids(frozen_ward_ids(round_.id, round_.config_hash))


def frozen_ward_ids(round_id: int, config_hash: str) -> frozenset[int]:
    """The wards of the round frozen under `config_hash`, read once per process."""
    return kept(
        _FROZEN_WARD_IDS,
        (round_id, config_hash),
        lambda: frozenset(db.session.scalars(_ROUND_WARD_IDS, {"id": round_id})),
        _FROZEN_CACHE_SIZE,
    )


# Built once: a hot path's (the ballot's steps, kept public pages) round as its table row.
_rounds = Round.__table__
_ROUND_ROW = select(_rounds).where(_rounds.c.id == bindparam("round_id"))


def round_row(round_id: int) -> Row[Any] | None:
    """The round's row (every column, their Python values, as on `Round`), no ORM object:
    loading the object cost about twice the processor time of reading the row."""
    return db.session.connection().execute(_ROUND_ROW, {"round_id": round_id}).one_or_none()


def ballot_items(round_: Round) -> tuple[BallotItem, ...]:
    """Every project on the ballot with its cost, in ballot order. A frozen round's come from its
    frozen configuration (the ballot it opened with), cached by config hash; before freezing,
    from the proposals found feasible."""
    if round_.config_hash is None or not round_.config_json:
        return tuple(BallotItem(id=p.id, cost=p.cost) for p in ballot_projects(round_))
    config_json = round_.config_json

    def frozen_items() -> tuple[BallotItem, ...]:
        projects = json.loads(config_json)["projects"]
        return tuple(BallotItem(id=p["id"], cost=p["cost"]) for p in projects)

    return kept(_FROZEN_BALLOT_ITEMS, round_.config_hash, frozen_items, _FROZEN_CACHE_SIZE)


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


def _settings_data(round_: Round) -> dict[str, Any]:
    data = canonical_config(round_)
    data.pop("projects")
    return data


# What a ballot card shows of a proposal (pb/voting/cards.py `_BALLOT_PROJECTS`) and of its ward.
_CARD_FIELDS = (
    *("title", "description", "translations", "category", "status"),
    *("final_cost", "estimated_cost", "ward_id", "ward", "round_id"),
)
_WARD_FIELDS = ("code", "name")
_RAISED = "pb_ballot_texts_raised"


@event.listens_for(Session, "after_flush")
def _raise_ballot_texts_version(session: Session, _context: object) -> None:
    """Raise the texts version of every frozen round whose ballot cards this flush changed, in
    its transaction: a worker that reads the new version then reads the new texts. A flush hook
    rather than a call in each service: amendments, merging, assessment, translations and ward
    edits all reach a card, and a future path cannot forget it."""
    round_ids, ward_ids, unknown = _changed_cards(session)
    if not round_ids and not ward_ids and not unknown:
        return
    proposals = Proposal.__table__
    of_wards = select(proposals.c.round_id).where(proposals.c.ward_id.in_(ward_ids))
    touched = _rounds.c.id.in_(round_ids) | _rounds.c.id.in_(of_wards)
    session.connection().execute(
        update(_rounds)
        .where(true() if unknown else touched, _rounds.c.config_hash.is_not(None))
        .values(ballot_texts_version=_rounds.c.ballot_texts_version + 1)
    )
    session.info[_RAISED] = True


@event.listens_for(Session, "after_flush_postexec")
def _expire_ballot_texts_version(session: Session, _context: object) -> None:
    """Loaded rounds reread their version (a page rendered after the edit, in the same request,
    keys its rows by the new one)."""
    if not session.info.pop(_RAISED, False):
        return
    for instance in session.identity_map.values():
        if isinstance(instance, Round):
            session.expire(instance, ["ballot_texts_version"])


def _changed_cards(session: Session) -> tuple[set[int], set[int], bool]:
    """The rounds of the proposals on a ballot (before or after this flush) that were added,
    deleted or had a card field changed; the wards whose code or name changed; and whether such
    a proposal's round is not known (its round id not loaded: every frozen round is raised)."""
    round_ids: set[int] = set()
    ward_ids: set[int] = set()
    unknown = False
    added_or_deleted = {*session.new, *session.deleted}
    for instance in (*added_or_deleted, *session.dirty):
        state = inspect(instance)
        if isinstance(instance, Proposal) and _on_a_ballot(state):
            if instance in added_or_deleted or _changed(state, _CARD_FIELDS):
                found = _values(state, "round_id") - {None}
                round_ids |= found
                unknown = unknown or not found
        elif isinstance(instance, Ward) and _renamed(instance, state, session):
            ward_ids.add(instance.id)
    return round_ids, ward_ids, unknown


def _renamed(ward: Ward, state: Any, session: Session) -> bool:
    """A ward's code or name changed (a new ward is on no card yet)."""
    return ward not in session.new and _changed(state, _WARD_FIELDS)


def _on_a_ballot(state: Any) -> bool:
    """Whether the proposal is or was feasible (a status not loaded may be)."""
    return "status" not in state.dict or ProposalStatus.FEASIBLE in _values(state, "status")


def _changed(state: Any, names: tuple[str, ...]) -> bool:
    return any(state.attrs[name].history.has_changes() for name in names)


def _values(state: Any, name: str) -> set[Any]:
    """The attribute's loaded values, now and before this flush."""
    history = state.attrs[name].history
    return {*history.added, *history.unchanged, *history.deleted}
