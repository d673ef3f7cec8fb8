"""Paper ballots: register marks at the station, batches keyed twice after the close, the
reconciliation queue, and completion (which lifts the count's hold).

A round with paper register marks (participations with channel "paper") is not counted when
voting closes: `results.COUNT_HOLDS` holds it until an officer completes paper entry, which
needs every batch confirmed; completing counts the round (`results.tally`). Publication refuses
meanwhile. Services flush; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb import access, clock
from pb.accounts.models import User
from pb.audit import services as audit
from pb.db import added_once, utcnow
from pb.errors import Conflict, Forbidden, InvalidInput, NotFound
from pb.extensions import db
from pb.paper import sheets
from pb.paper.models import (
    MAX_BATCH_SIZE,
    BatchStatus,
    PaperBatch,
    PaperCompletion,
    PaperDiscrepancy,
    PaperReading,
)
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import seal
from pb.voting import services as voting
from pb.voting.formats import get_format
from pb.voting.models import Participation


def mark_issued(
    round_: Round, voter_key: str, ward_id: int | None, now: datetime | None = None
) -> Participation:
    """Mark a person in the paper register as handed a ballot paper (the station's clerk).

    The mark is their participation under their census key: the unique key refuses a mark for
    someone who voted online (or by code or kiosk), and an online ballot after the mark."""
    if not rounds.accepting_ballots(round_, now):
        raise Conflict(_("Ballot papers are handed out only while voting is open."))
    if get_format(round_.ballot_format).vote_type == "pairwise":
        raise Conflict(_("Paper ballots are not available for pairwise rounds."))
    if ward_id is not None and ward_id not in round_.ward_ids:
        raise InvalidInput(_("This ward is not in the round."), field="ward_id")
    mark = Participation(
        round_id=round_.id,
        voter_key=voter_key,
        user_id=None,
        ward_id=ward_id,
        channel=voting.PAPER,
        voted_on=(now or clock.now()).date(),
    )
    if not added_once(mark):
        raise Conflict(_("This person has already voted in this round."))
    return mark


def paper_marks(round_: Round) -> int:
    query = select(func.count(Participation.id)).where(
        Participation.round_id == round_.id, Participation.channel == voting.PAPER
    )
    return db.session.scalar(query) or 0


def is_complete(round_: Round) -> bool:
    return db.session.get(PaperCompletion, round_.id) is not None


def _count_hold(round_: Round) -> str | None:
    if paper_marks(round_) and not is_complete(round_):
        return _(
            "Paper ballots are still being entered: the round is counted once every batch is "
            "reconciled and paper entry is complete."
        )
    return None


results.COUNT_HOLDS.append(_count_hold)


def may_enter(user: User, round_: Round) -> bool:
    """Officers of one of the round's wards key and reconcile its paper ballots."""
    return user.role in access.PAPER_CLERKS and bool(round_.ward_ids & {w.id for w in user.wards})


def entry_round(user: User, round_id: int) -> Round:
    round_ = rounds.get_round(round_id)
    if not may_enter(user, round_):
        raise Forbidden(_("You are not an officer of this round's wards."))
    return round_


def rounds_of(user: User) -> list[tuple[Round, int]]:
    """The rounds of the officer's wards that have closed, with their paper register marks."""
    closed = (Phase.CLOSED, Phase.PUBLISHED)
    query = select(Round).where(Round.phase.in_(closed)).order_by(Round.voting_close_at.desc())
    return [(r, paper_marks(r)) for r in db.session.scalars(query) if may_enter(user, r)]


def get_batch(round_: Round, batch_id: int) -> PaperBatch:
    batch = db.session.get(PaperBatch, batch_id)
    if batch is None or batch.round_id != round_.id:
        raise NotFound(_("No such batch."))
    return batch


def batches(round_: Round) -> list[PaperBatch]:
    query = select(PaperBatch).where(PaperBatch.round_id == round_.id).order_by(PaperBatch.id)
    return list(db.session.scalars(query))


def entry_problem(round_: Round) -> str | None:
    """Why paper ballots cannot be keyed in this round now, or None."""
    if round_.phase is not Phase.CLOSED:
        return _("Paper ballots are keyed after voting closes, before the results are published.")
    if get_format(round_.ballot_format).vote_type == "pairwise":
        return _("Paper ballots are not available for pairwise rounds.")
    if not paper_marks(round_):
        return _("Nobody was handed a ballot paper in this round: there is nothing to key.")
    if is_complete(round_):
        return _("Paper entry for this round is complete.")
    if not seal.is_sealed(round_):
        return _("This round's ballots are being sealed. Try again in a few minutes.")
    return None


def _check_open(round_: Round) -> None:
    """Refuse unless paper entry is open; first take the round's row lock, so that on
    PostgreSQL two officers' writes to one round's paper entry run one after the other (the
    sheet count against the marks, the last reconciliation, completion) and each sees the
    other's (SQLite writes one transaction at a time anyway)."""
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    db.session.expire_all()  # read batches, readings and decisions as they are now
    problem = entry_problem(round_)
    if problem:
        raise Conflict(problem)


def open_batch(round_: Round, ward_id: int, label: str, size: int, *, actor: User) -> PaperBatch:
    """Start a batch of `size` sheets from one ward's box (counted by hand)."""
    _check_open(round_)
    label = label.strip()
    if not label or len(label) > 40:
        raise InvalidInput(_("Give the batch a short name (up to 40 characters)."), field="label")
    if ward_id not in round_.ward_ids or ward_id not in {w.id for w in actor.wards}:
        raise InvalidInput(_("Choose one of your wards in this round."), field="ward_id")
    if not 0 < size <= MAX_BATCH_SIZE:
        raise InvalidInput(
            _("A batch holds from 1 to %(most)d sheets.", most=MAX_BATCH_SIZE), field="size"
        )
    planned = sum(batch.size for batch in batches(round_))
    marks = paper_marks(round_)
    if planned + size > marks:
        raise InvalidInput(
            _(
                "More paper ballots than the paper register's marks: %(marks)d people were "
                "handed a ballot paper and batches already hold %(planned)d sheets.",
                marks=marks,
                planned=planned,
            ),
            field="size",
        )
    batch = PaperBatch(
        round_id=round_.id, ward_id=ward_id, label=label, size=size, opened_by_id=actor.id
    )
    if not added_once(batch):
        raise InvalidInput(_("This round already has a batch of that name."), field="label")
    audit.record("paper.batch_opened", round_, {"batch": label, "sheets": size}, actor=actor)
    return batch


def enter_reading(round_: Round, batch: PaperBatch, text: str, *, actor: User) -> PaperReading:
    """One person's keying of the whole batch; the second reading is compared with the first."""
    _check_open(round_)
    if batch.status is not BatchStatus.ENTERING or len(batch.readings) >= 2:
        raise Conflict(_("This batch has been keyed twice already."))
    if any(reading.user_id == actor.id for reading in batch.readings):
        raise Conflict(
            _("You keyed this batch already: a second person keys it again, independently.")
        )
    keyed = sheets.parse_sheets(
        text,
        batch.size,
        round_.ballot_format,
        voting.ballot_items(round_),
        round_.ballot_params,
        round_.budget,
    )
    reading = PaperReading(
        batch_id=batch.id, reading=len(batch.readings) + 1, user_id=actor.id, ballots=keyed
    )
    if not added_once(reading):  # someone else's reading landed at the same moment
        raise Conflict(_("This batch was keyed at the same moment. Reload the page."))
    db.session.refresh(batch)
    data = {"batch": batch.label, "reading": reading.reading, "sheets": batch.size}
    audit.record("paper.batch_entered", round_, data, actor=actor)
    if reading.reading == 2:
        _compare(round_, batch, actor)
    return reading


def _compare(round_: Round, batch: PaperBatch, actor: User) -> None:
    first, second = (reading.ballots for reading in batch.readings)
    differ = [n for n, (a, b) in enumerate(zip(first, second, strict=True), start=1) if a != b]
    if not differ:
        _confirm(round_, batch, actor)
        return
    for position in differ:
        db.session.add(PaperDiscrepancy(batch_id=batch.id, position=position))
    batch.status = BatchStatus.RECONCILING
    db.session.flush()
    data = {"batch": batch.label, "mismatches": len(differ)}
    audit.record("paper.batch_mismatched", round_, data, actor=actor)


def resolve(
    round_: Round, batch: PaperBatch, position: int, chosen: int, *, actor: User
) -> PaperDiscrepancy:
    """An officer checked the sheet and picks the right reading (1 or 2)."""
    _check_open(round_)
    found = next((d for d in batch.discrepancies if d.position == position), None)
    if found is None:
        raise NotFound(_("The two readings agree on this sheet."))
    if found.chosen is not None:
        raise Conflict(_("This sheet has been reconciled already."))
    if chosen not in (1, 2):
        raise InvalidInput(_("Choose the first or the second reading."), field="chosen")
    found.chosen, found.resolved_by_id, found.resolved_at = chosen, actor.id, utcnow()
    db.session.flush()
    data = {"batch": batch.label, "sheet": position, "chosen": chosen}
    audit.record("paper.discrepancy_resolved", round_, data, actor=actor)
    if all(d.chosen is not None for d in batch.discrepancies):
        _confirm(round_, batch, actor)
    return found


def final_sheets(batch: PaperBatch) -> list[sheets.Sheet]:
    """The batch's sheets as counted: where the readings differ, the one an officer chose."""
    first, second = (reading.ballots for reading in batch.readings)
    chosen = {d.position: d.chosen for d in batch.discrepancies}
    return [
        b if chosen.get(n) == 2 else a
        for n, (a, b) in enumerate(zip(first, second, strict=True), start=1)
    ]


def _confirm(round_: Round, batch: PaperBatch, actor: User) -> None:
    keyed = final_sheets(batch)
    if voting.paper_ballot_count(round_) + len(keyed) > paper_marks(round_):
        raise Conflict(_("More paper ballots than the paper register's marks."))
    voting.add_paper_ballots(round_, [sheets.as_choices(sheet) for sheet in keyed])
    batch.status, batch.confirmed_at = BatchStatus.CONFIRMED, utcnow()
    db.session.flush()
    data = {"batch": batch.label, "ballots": len(keyed), "reconciled": len(batch.discrepancies)}
    audit.record("paper.batch_confirmed", round_, data, actor=actor)


def complete(round_: Round, *, actor: User) -> None:
    """Paper entry is over: every batch confirmed. The round is counted now."""
    _check_open(round_)
    waiting = [b.label for b in batches(round_) if b.status is not BatchStatus.CONFIRMED]
    if waiting:
        raise Conflict(
            _("Batch %(label)s is not keyed twice and reconciled yet.", label=waiting[0])
        )
    counted = voting.paper_ballot_count(round_)
    db.session.add(PaperCompletion(round_id=round_.id, ballots=counted, completed_by_id=actor.id))
    db.session.flush()
    data = {"batches": len(batches(round_)), "ballots": counted, "marks": paper_marks(round_)}
    audit.record("paper.entry_completed", round_, data, actor=actor)
    results.tally(round_, actor)


@dataclass(frozen=True)
class Progress:
    marks: int
    planned: int
    keyed: int
    complete: bool


def progress(round_: Round) -> Progress:
    return Progress(
        marks=paper_marks(round_),
        planned=sum(batch.size for batch in batches(round_)),
        keyed=voting.paper_ballot_count(round_),
        complete=is_complete(round_),
    )
