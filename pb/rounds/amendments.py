"""Amending a frozen round: extending voting, or ending it early, with a public reason.

Allowed only before the count, which means while the round is in the VOTING phase. Closing
voting (entering CLOSED) seals the ballots and tallies them in the same transaction (the
`on_entering(Phase.CLOSED)` hooks), so no round is ever closed but uncounted. A round whose
closing date has passed but which nobody has moved on yet is still in VOTING: ballots are
refused (`accepting_ballots`), and it may still be extended, e.g. after an outage.

An amendment changes one field of the frozen configuration (`voting_close_at`) and nothing
else: the stored configuration is edited in place, so its new SHA-256 differs from the old one
only by that field, and the `round.amended` entry names both hashes, the field, both values
and the reason. Ballots already cast keep the hash they were cast under; the audit bundle
carries every version (docs/verification.md). Services flush; the request commits.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from pb import clock
from pb.accounts.models import User
from pb.audit import services as audit
from pb.audit.chain import canonical_json, format_time, sha256_hex
from pb.errors import Conflict, InvalidInput
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import AmendmentKind, Phase, Round, RoundAmendment

AMENDED = "round.amended"
FIELD = "voting_close_at"
MAX_REASON = 1000


def extend_voting(
    round_: Round, new_close_at: datetime, reason: str, *, actor: User, now: datetime | None = None
) -> RoundAmendment:
    """Move the closing date later. The new date must be in the future and later than the
    current one (a round past its closing date but not yet closed may be extended)."""
    now = now or clock.now()
    _lock(round_)
    check_amendable(round_)
    reason = _checked_reason(reason)
    if new_close_at <= now:
        raise InvalidInput(_("The new closing date must be in the future."), field="close_at")
    if new_close_at <= round_.voting_close_at:
        raise InvalidInput(
            _("An extension must close later than the current closing date."), field="close_at"
        )
    return _amend(round_, AmendmentKind.EXTENDED, new_close_at, reason, actor)


def end_voting_early(
    round_: Round, reason: str, *, actor: User, now: datetime | None = None
) -> RoundAmendment:
    """Close voting now, before its closing date: the closing date becomes now, then the round
    moves to CLOSED (its ballots are sealed and counted in this transaction)."""
    now = now or clock.now()
    _lock(round_)
    check_amendable(round_)
    reason = _checked_reason(reason)
    if now <= round_.voting_open_at:
        raise Conflict(_("Voting has not opened yet, so it cannot end early."))
    if now >= round_.voting_close_at:
        raise Conflict(
            _("Voting has already reached its closing date: close it with the next step button.")
        )
    amendment = _amend(round_, AmendmentKind.ENDED_EARLY, now, reason, actor)
    rounds.advance_phase(round_, actor=actor, now=now)
    return amendment


def amendments_of(round_: Round) -> list[RoundAmendment]:
    """A round's amendments, oldest first (shown on its public, councillor and results pages)."""
    query = select(RoundAmendment).where(RoundAmendment.round_id == round_.id)
    return list(db.session.scalars(query.order_by(RoundAmendment.id)))


def config_versions(round_: Round) -> list[str]:
    """Every version of the frozen configuration, oldest first, the current one last."""
    if round_.config_json is None:
        return []
    earlier = [amendment.previous_config_json for amendment in amendments_of(round_)]
    return [*earlier, round_.config_json]


def check_amendable(round_: Round) -> None:
    """Refuse (409) unless the round is in voting, i.e. not yet counted."""
    if round_.phase is not Phase.VOTING or not round_.is_frozen:
        raise Conflict(
            _("Voting can only be extended or ended early while the round is in its voting phase.")
        )


def _lock(round_: Round) -> None:
    """Take the round's row lock and re-read it, so two amendments at once chain one after the
    other (each names the hash the other left) instead of both amending the same version.
    PostgreSQL: SELECT ... FOR UPDATE; SQLite: the writing request already holds the lock."""
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    db.session.refresh(round_)


def _checked_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Give the public reason for the change."), field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            _("The reason may be at most %(count)d characters.", count=MAX_REASON), field="reason"
        )
    return reason


def _amend(
    round_: Round, kind: AmendmentKind, close_at: datetime, reason: str, actor: User
) -> RoundAmendment:
    """Change `voting_close_at` in the frozen configuration and record both versions."""
    previous_json, previous_hash = round_.config_json or "", round_.config_hash or ""
    config = json.loads(previous_json)
    old_value, new_value = config[FIELD], format_time(close_at)
    config[FIELD] = new_value
    round_.voting_close_at = close_at
    round_.config_json = canonical_json(config)
    round_.config_hash = sha256_hex(round_.config_json)
    amendment = RoundAmendment(
        round_id=round_.id,
        kind=kind,
        field=FIELD,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        previous_config_json=previous_json,
        previous_config_hash=previous_hash,
        config_hash=round_.config_hash,
        created_by_id=actor.id,
    )
    db.session.add(amendment)
    db.session.flush()
    audit.record(
        AMENDED,
        round_,
        {
            "kind": kind.value,
            "field": FIELD,
            "old_value": old_value,
            "new_value": new_value,
            "reason": reason,
            "previous_config_hash": previous_hash,
            "config_hash": round_.config_hash,
        },
        actor=actor,
    )
    return amendment
