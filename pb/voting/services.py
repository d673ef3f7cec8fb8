"""Casting and replacing ballots.

Casting is one transaction: the participation row (who) and the anonymous ballot (what) are
inserted together; the unique constraint on participation makes a second ballot by the same voter
fail at the database, whatever the timing. Replacing needs the revote secret the voter was shown
once; only its hash is stored on the ballot, so the database never links a ballot to a voter.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from pb import clock
from pb.accounts.models import User
from pb.audit import pairwise
from pb.audit.chain import canonical_json, sha256_hex
from pb.db import inserted_once, start_writing
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.ops import metrics
from pb.proposals.models import Proposal
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import cards, eligibility, seal
from pb.voting.formats import BallotItem, Choices, get_format
from pb.voting.models import Ballot, BallotChoice, Participation


def already_voted_message() -> str:
    return _("You have already voted in this round. Use your ballot key to change your vote.")


@dataclass(frozen=True)
class CastReceipt:
    receipt: str
    revote_secret: str | None  # shown once; None when a ballot was replaced (secret unchanged)

    @property
    def short_code(self) -> str:
        return short_code(self.receipt)


def short_code(receipt: str) -> str:
    return "-".join(receipt[i : i + 4] for i in range(0, 12, 4)).upper()


def ballot_items(round_: Round) -> list[BallotItem]:
    return list(rounds.ballot_items(round_))  # from the frozen config, read once per process


@dataclass(frozen=True, eq=False)
class ChosenProject:
    """What a review or a receipt shows of a chosen project: its title and its cost."""

    id: int
    title: str
    translations: dict[str, dict[str, str]] | None
    cost: int  # as `Proposal.cost`: the officer's final cost once reviewed


# The hot path's statements, built once (building one cost more CPU than running it), on the
# tables (Core), where no ORM object is wanted: the ORM's statement path cost two to three times
# the CPU of these statements.
_proposals = Proposal.__table__
_CHOSEN_PROJECTS = select(
    *(_proposals.c[name] for name in ("id", "title", "translations")),
    *(_proposals.c[name] for name in ("final_cost", "estimated_cost")),
).where(
    _proposals.c.round_id == bindparam("round_id"),
    _proposals.c.id.in_(bindparam("ids", expanding=True)),
)
_INSERT_BALLOT = insert(Ballot.__table__)
_INSERT_CHOICE = insert(BallotChoice.__table__)


def chosen_projects(round_: Round, ids: Iterable[int]) -> dict[int, ChosenProject]:
    """The round's projects among `ids`, by id: a review or a receipt shows only the chosen ones
    (what the ballot offers, and their costs, come from the frozen configuration)."""
    wanted = list(ids)
    if not wanted:
        return {}
    kept = _kept_projects(round_, wanted)
    if kept is not None:
        return kept
    # On the session's connection: plain rows, and the session's ORM execution path cost about
    # as much CPU as the statement (as pb/header.py's counts).
    params = {"round_id": round_.id, "ids": wanted}
    found = db.session.connection().execute(_CHOSEN_PROJECTS, params)
    return {
        row.id: ChosenProject(
            row.id,
            row.title,
            row.translations,
            row.final_cost if row.final_cost is not None else row.estimated_cost,
        )
        for row in found
    }


def _kept_projects(round_: Round, wanted: list[int]) -> dict[int, ChosenProject] | None:
    """A frozen round's chosen projects from its ballot rows kept per process (pb/voting/cards.py
    `frozen_rows_by_id`), when all of them are on it (else None: read them as before)."""
    rows = cards.frozen_rows_by_id(round_)
    if rows is None or not all(pid in rows for pid in wanted):
        return None
    projects = cards.records([rows[pid] for pid in wanted])
    return {p.id: ChosenProject(p.id, p.title, p.translations, p.cost) for p in projects}


def validate_choices(round_: Round, choices: Choices) -> list[str]:
    fmt = get_format(round_.ballot_format)
    return fmt.validate(choices, ballot_items(round_), round_.ballot_params, round_.budget)


def parse_choices(round_: Round, form: Mapping[str, str]) -> Choices:
    try:
        return get_format(round_.ballot_format).parse(form, ballot_items(round_))
    except ValueError as error:
        raise InvalidInput(str(error), field="ballot") from error


def has_voted(user: User, round_: Round) -> bool:
    """Whether a ballot is recorded under the user's participation key (False when they may not
    vote): one statement with the census entry on a census round."""
    return eligibility.participant_and_voted(user, round_)[1]


def voted_as(round_: Round, key: str | None) -> bool:
    """Whether a ballot is recorded under this participant's key (None: one who may not vote)."""
    return key is not None and eligibility.voted_under(round_, key)


def cast(round_: Round, voter: User, choices: Choices, now: datetime | None = None) -> CastReceipt:
    """Record a first ballot. Raises Conflict if this voter already voted in the round."""
    participant = _check_can_vote(round_, voter, choices, now)
    if not _took_part(round_, participant, now, user_id=voter.id):
        raise Conflict(already_voted_message())
    return _first_ballot(round_, choices)


def vote(
    round_: Round, voter: User, choices: Choices, secret: str, now: datetime | None = None
) -> CastReceipt:
    """The ballot page's cast: a first ballot, or, when this voter already took part, the
    replacement of their ballot with `secret` (their ballot key). One eligibility check, and the
    unique constraint on participation (not an earlier read) says whether they voted already."""
    participant = _check_can_vote(round_, voter, choices, now)
    if start_writing():  # SQLite: the write lock is held from here, for the writes only
        _recheck_open(round_, now)
    if _took_part(round_, participant, now, user_id=voter.id):
        return _first_ballot(round_, choices)
    return _replace(round_, secret, choices)


# Built once: the cast runs it under the write lock (a refresh of the round cost more CPU).
_ROUND_PHASE = select(Round.__table__.c.phase).where(Round.__table__.c.id == bindparam("round_id"))


def _recheck_open(round_: Round, now: datetime | None) -> None:
    """Under the write lock, the round's phase read again: a close that committed since the
    checks above wins (a ballot never lands in a round already closed and sealed)."""
    # On the session's connection (the write lock's transaction begins here): no ORM object.
    phase = db.session.connection().execute(_ROUND_PHASE, {"round_id": round_.id}).scalar()
    if phase is not Phase.VOTING or not rounds.accepting_ballots(round_, now):
        raise Conflict(_("Voting is not open for this round."))


def _took_part(
    round_: Round,
    participant: eligibility.Participant,
    now: datetime | None,
    *,
    user_id: int | None,
    channel: str = "web",
) -> bool:
    """Record the participation; False, with nothing written, when this key already took part
    (online or by another channel, whatever the timing: the unique constraint decides)."""
    return inserted_once(
        Participation,
        round_id=round_.id,
        voter_key=participant.key,  # a census entry's key: one ballot per person
        user_id=user_id,
        ward_id=participant.ward_id,
        channel=channel,
        voted_on=(now or clock.now()).date(),
    )


def _first_ballot(round_: Round, choices: Choices) -> CastReceipt:
    secret = new_revote_secret()
    receipt = _insert_ballot(round_, choices, revote_hash(secret))
    metrics.count_on_commit(db.session(), metrics.BALLOTS_CAST, kind="first")
    return CastReceipt(receipt=receipt, revote_secret=secret)


def cast_as(
    round_: Round,
    participant: eligibility.Participant,
    choices: Choices,
    *,
    channel: str,
    now: datetime | None = None,
) -> str:
    """Record one ballot under a participation key found without an account (an access code):
    the participation and the ballot in this transaction; a key that already took part
    (online, or by another channel) is refused by the unique constraint. Returns the receipt;
    no ballot key is issued (such a ballot cannot be replaced)."""
    _check_ballot(round_, choices, now)
    if not _took_part(round_, participant, now, user_id=None, channel=channel):
        raise Conflict(_("A ballot has already been cast for this person in this round."))
    receipt = _insert_ballot(round_, choices, None)
    metrics.count_on_commit(db.session(), metrics.BALLOTS_CAST, kind="first")
    return receipt


def cast_admitted(round_: Round, choices: Choices, now: datetime | None = None) -> CastReceipt:
    """Record the ballot of a person whose participation a poll clerk already recorded (a kiosk,
    pb/eligibility/kiosks.py, which allows it once per admission in the same transaction).

    The ballot has no ballot key: it cannot be replaced (the person has no account here, and a
    key shown on a shared screen would let the next person change it)."""
    _check_ballot(round_, choices, now)
    receipt = _insert_ballot(round_, choices, None)
    metrics.count_on_commit(db.session(), metrics.BALLOTS_CAST, kind="first")
    return CastReceipt(receipt=receipt, revote_secret=None)


def _check_ballot(round_: Round, choices: Choices, now: datetime | None) -> None:
    """Voting is open and the choices are a valid ballot, or a clear refusal."""
    if not rounds.accepting_ballots(round_, now):
        raise Conflict(_("Voting is not open for this round."))
    errors = validate_choices(round_, choices)
    if errors:
        raise InvalidInput(" ".join(errors), field="ballot")


def replace(
    round_: Round, voter: User, secret: str, choices: Choices, now: datetime | None = None
) -> CastReceipt:
    """Swap the voter's ballot for a new one (new random id, new receipt, same ballot key)."""
    participant = _check_can_vote(round_, voter, choices, now)
    if not voted_as(round_, participant.key):
        raise Conflict(_("You have not voted in this round yet."))
    return _replace(round_, secret, choices)


def _replace(round_: Round, secret: str, choices: Choices) -> CastReceipt:
    """The ballot under this key removed and a new one stored, for a voter who took part."""
    if not secret.strip():
        raise Conflict(already_voted_message())
    hashed = revote_hash(secret)
    removed = db.session.execute(
        delete(Ballot).where(Ballot.round_id == round_.id, Ballot.revote_hash == hashed)
    ).rowcount
    if removed != 1:
        raise InvalidInput(_("That ballot key does not match a ballot in this round."), field="key")
    try:
        with db.session.begin_nested():  # a savepoint: the request can still answer cleanly
            receipt = _insert_ballot(round_, choices, hashed)
    except IntegrityError as error:  # a concurrent replacement with the same key won
        raise Conflict(_("Your ballot was being changed at the same moment. Try again.")) from error
    metrics.count_on_commit(db.session(), metrics.BALLOTS_CAST, kind="replaced")
    return CastReceipt(receipt=receipt, revote_secret=None)


def find_receipt(round_: Round, secret: str) -> str | None:
    query = select(Ballot.receipt).where(
        Ballot.round_id == round_.id, Ballot.revote_hash == revote_hash(secret)
    )
    return db.session.scalar(query)


def recorded_choices(round_: Round, secret: str, now: datetime | None = None) -> Choices | None:
    """The choices of the voter's ballot as stored, found by their ballot key; only while the
    round accepts ballots (after the close nothing, not even the key, leads to a ballot)."""
    if not secret or not rounds.accepting_ballots(round_, now):
        return None
    query = (  # one statement: the ballot's choices, or one row of NULLs for a ballot of none
        select(Ballot.id, BallotChoice.proposal_id, BallotChoice.value)
        .outerjoin(BallotChoice, BallotChoice.ballot_id == Ballot.id)
        .where(Ballot.round_id == round_.id, Ballot.revote_hash == revote_hash(secret))
    )
    rows = db.session.execute(query).all()
    if not rows:
        return None
    return {row.proposal_id: row.value for row in rows if row.proposal_id is not None}


# How people take part (`Participation.channel`): online, by access code, at a kiosk, on paper.
CHANNELS = ("web", "code", "kiosk", "paper")
PAPER = "paper"


def turnout_by_channel(round_: Round) -> dict[str, int]:
    """Participations per channel, every known channel listed (counts only, nothing per voter)."""
    query = (
        select(Participation.channel, func.count(Participation.id))
        .where(Participation.round_id == round_.id)
        .group_by(Participation.channel)
    )
    counts = dict.fromkeys(CHANNELS, 0)
    counts.update({channel: count for channel, count in db.session.execute(query)})
    return counts


def paper_ballot_count(round_: Round) -> int:
    query = select(func.count(Ballot.id)).where(
        Ballot.round_id == round_.id, Ballot.channel == PAPER
    )
    return db.session.scalar(query) or 0


def add_paper_ballots(round_: Round, ballots: Sequence[Choices]) -> int:
    """Store keyed and confirmed paper ballots: random ids, no receipt, no key, channel paper."""
    for choices in ballots:
        db.session.add(
            Ballot(
                id=secrets.token_hex(16),
                round_id=round_.id,
                receipt=None,
                config_hash=round_.config_hash or "",
                revote_hash=None,
                channel=PAPER,
                choices=[BallotChoice(proposal_id=pid, value=v) for pid, v in choices.items()],
            )
        )
    db.session.flush()
    return len(ballots)


def ballot_count(round_: Round) -> int:
    return db.session.scalar(select(func.count(Ballot.id)).where(Ballot.round_id == round_.id)) or 0


def participation_count(round_: Round) -> int:
    query = select(func.count(Participation.id)).where(Participation.round_id == round_.id)
    return db.session.scalar(query) or 0


def receipts_query(round_: Round) -> Select[tuple[str]]:
    """The round's receipts in receipt order (from the ballots, or the list apart once sealed)."""
    return seal.receipts_query(round_)


def round_ballots(round_: Round, *, paper: bool | None = None) -> list[Ballot]:
    """The round's anonymous ballots, ordered by their random id (never by insertion); `paper`:
    only the paper ballots (True) or only the others (False)."""
    query = select(Ballot).where(Ballot.round_id == round_.id)
    if paper is not None:
        on_paper = Ballot.channel == PAPER
        query = query.where(on_paper if paper else Ballot.channel.is_(None))
    query = query.order_by(Ballot.id).options(selectinload(Ballot.choices))
    return list(db.session.scalars(query))


def counted_ballots(round_: Round) -> list[Ballot]:
    """Every ballot the count takes, in the order the audit bundle lists them: the ballots cast
    online (sealed at close), then the paper ballots, each part by random id."""
    return round_ballots(round_, paper=False) + round_ballots(round_, paper=True)


def compute_receipt(round_id: int, ballot_id: str, choices: Choices) -> str:
    """SHA-256 over the round, the random ballot id and the canonical choices."""
    body = {
        "round": round_id,
        "ballot": ballot_id,
        "choices": [[project, value] for project, value in sorted(choices.items())],
    }
    return sha256_hex(canonical_json(body))


def new_revote_secret() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 80 bits, 16 letters/digits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def revote_hash(secret: str) -> str:
    normalised = "".join(ch for ch in secret.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _check_can_vote(
    round_: Round, voter: User, choices: Choices, now: datetime | None
) -> eligibility.Participant:
    if not rounds.accepting_ballots(round_, now):
        raise Conflict(_("Voting is not open for this round."))
    participant = eligibility.participant(voter, round_)
    if participant is None:
        raise Forbidden(eligibility.refusal(voter, round_))
    errors = validate_choices(round_, choices)
    if errors:
        raise InvalidInput(" ".join(errors), field="ballot")
    return participant


def _insert_ballot(round_: Round, choices: Choices, hashed_secret: str | None) -> str:
    """Store a ballot under a new random id; its receipt. Plain inserts on the tables: the ORM's
    unit of work, and its bulk-insert path, cost more processor time than the inserts themselves,
    and nothing reads the ballot back."""
    ballot_id = secrets.token_hex(16)
    receipt = compute_receipt(round_.id, ballot_id, choices)
    ballot = {
        "id": ballot_id,
        "round_id": round_.id,
        "receipt": receipt,
        "config_hash": round_.config_hash or "",
        "revote_hash": hashed_secret,
    }
    db.session.execute(_INSERT_BALLOT, ballot)
    rows = [{"ballot_id": ballot_id, "proposal_id": pid, "value": v} for pid, v in choices.items()]
    if rows:
        db.session.execute(_INSERT_CHOICE, rows)
    return receipt


def choices_of(ballot: Ballot) -> Choices:
    return {choice.proposal_id: choice.value for choice in ballot.choices}


def choices_for_projects(ballots: Sequence[Ballot], ballot_format: str = "") -> dict[int, int]:
    """Number of ballots naming each project (its "votes", whatever the format); a pairwise
    ballot names the projects it preferred (`pb.audit.pairwise.preferred`)."""
    only_preferred = ballot_format and get_format(ballot_format).vote_type == "pairwise"
    counts: dict[int, int] = {}
    for ballot in ballots:
        choices = choices_of(ballot)
        for pid in pairwise.preferred(choices) if only_preferred else choices:
            counts[pid] = counts.get(pid, 0) + 1
    return counts
