"""Official tie decisions: a councillor's recorded order for projects the rule found tied.

Between counting (phase CLOSED) and publication, a councillor of the round may record that, at
a tie between projects, the council chose a given order, with a reason. The engine checks that
the projects really are tied at a step where their order matters (`pb.allocation.tie_decisions`)
and refuses anything else: this is not a general override. The round is re-tallied with every
decision so far; each decision is an audit entry on the round (`round.tie_decided`), which is
where it is stored, so it is in the round's public bundle and `pb verify` replays it.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import select

from pb.accounts.models import User
from pb.allocation import AllocationError
from pb.audit import recount
from pb.audit import services as audit
from pb.audit.chain import canonical_json
from pb.audit.models import AuditEntry
from pb.errors import Conflict, InvalidInput
from pb.extensions import db
from pb.results import engine
from pb.results.models import Result
from pb.results.services import result_lines
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import services as voting

TIE_DECIDED = recount.TIE_DECIDED
REASON_MAX = 500


def decision_entries(round_: Round) -> list[dict]:
    """The round's tie decisions, oldest first: `{"order": [ids], "reason": text}`."""
    rows = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == TIE_DECIDED,
            AuditEntry.object_type == "round",
            AuditEntry.object_id == str(round_.id),
        )
        .order_by(AuditEntry.seq)
    )
    return [json.loads(row.data) for row in rows]


def decided_ties(round_: Round) -> list[list[str]]:
    return [[str(pid) for pid in entry["order"]] for entry in decision_entries(round_)]


def may_decide(round_: Round, user: User | None) -> bool:
    """Whether the results page offers `user` the tie-decision form."""
    if round_.phase is not Phase.CLOSED or user is None or not user.is_authenticated:
        return False
    return rounds.can_manage(user, round_)


def parse_order(text: str) -> list[int]:
    """'12, 7' -> [12, 7]; a clear 422 for anything else."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) < 2 or not all(part.isdigit() for part in parts):
        raise InvalidInput(
            _("Give two or more project numbers separated by commas, in the order decided.")
        )
    return [int(part) for part in parts]


def decide(round_: Round, order: list[int], reason: str, actor: User) -> Result:
    """Re-tally the round with this decision added; refuse it (4xx, nothing written) unless
    the round is counted and unpublished and the projects are tied where their order matters."""
    # one decision (or publication, which also writes the log) at a time: each re-tally
    # includes every decision before it, and none lands after publication
    audit.lock_head()
    db.session.refresh(round_)
    result = db.session.get(Result, round_.id)
    if round_.phase is not Phase.CLOSED or result is None:
        raise Conflict(_("A tie decision is recorded after counting and before publication."))
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(_("Give the reason for the decision (at most 500 characters)."))
    known = {project.id for project in rounds.ballot_projects(round_)}
    if len(set(order)) != len(order) or not set(order) <= known:
        raise InvalidInput(_("Name different projects of this round's ballot."))
    decisions = [*decided_ties(round_), [str(pid) for pid in order]]
    ballots = voting.counted_ballots(round_)
    try:
        outcome = engine.run(round_, [voting.choices_of(b) for b in ballots], decisions)
    except AllocationError:
        raise InvalidInput(
            _(
                "These projects are not tied at any step where their order matters, so a "
                "decision cannot change the result."
            )
        ) from None
    result.total_cost = outcome.total_cost
    result.outcome_json = canonical_json(outcome.to_json())
    result.projects = result_lines(round_, outcome, ballots)
    db.session.flush()
    audit.record(
        TIE_DECIDED,
        round_,
        {
            "order": order,
            "reason": reason,
            "selected": [int(pid) for pid in outcome.selected],
            "total_cost": outcome.total_cost,
        },
        actor=actor,
    )
    return result
