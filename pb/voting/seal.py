"""Sealing a round's ballots when voting closes: nothing left ties a ballot to its caster.

While voting is open, a ballot row is written in the same transaction as its voter's
participation row; on PostgreSQL both carry that transaction's id (`xmin`) and sit near each other
on disk. The seal cuts every such tie at the root, in the closing transaction:

- every ballot of the round is deleted and written again under a NEW random id, all in this one
  transaction (one `xmin` for all of them) and in the order of the new ids (the order on disk
  follows nothing about casting);
- the new rows carry no receipt and no key hash; the receipts go to `ballot_receipts`, a plain
  list in receipt order. The receipt hashed the OLD id, which is gone, so a receipt (or a ballot
  key) no longer finds any ballot, for the public or for whoever reads the database.

The deleted versions remain on PostgreSQL's pages as dead rows until the tables are rewritten;
pb.audit.secrecy does that after the commit (and the scheduler retries it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Select, Table, delete, insert, select, union_all

from pb.audit.separated import ballots_digest
from pb.extensions import db
from pb.rounds.models import Round
from pb.voting.models import Ballot, BallotChoice, BallotReceipt, BallotSeal


def is_sealed(round_: Round) -> bool:
    return db.session.get(BallotSeal, round_.id) is not None


@dataclass(frozen=True)
class Sealed:
    ballots: int
    ballots_sha256: str  # pb.audit.separated.ballots_digest of the sealed ballots


def seal(round_: Round) -> Sealed | None:
    """Seal the round's ballots (once); what was sealed, or None if it already was."""
    if is_sealed(round_):
        return None
    db.session.flush()
    in_round = Ballot.round_id == round_.id
    rows = db.session.execute(select(Ballot.id, Ballot.receipt, Ballot.config_hash).where(in_round))
    ballots = {old_id: (receipt, config_hash) for old_id, receipt, config_hash in rows}
    choices = db.session.execute(
        select(BallotChoice.ballot_id, BallotChoice.proposal_id, BallotChoice.value)
        .join(Ballot)
        .where(in_round)
    ).all()
    renamed = {old_id: secrets.token_hex(16) for old_id in ballots}
    _forget_loaded_ballots()
    old_ids = select(Ballot.id).where(in_round).scalar_subquery()
    db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id.in_(old_ids)))
    db.session.execute(delete(Ballot).where(in_round))
    new_rows = [
        {"id": renamed[old], "round_id": round_.id, "config_hash": config_hash}
        | {"receipt": None, "revote_hash": None}
        for old, (_receipt, config_hash) in ballots.items()
    ]
    # in new-id order: the order on disk is that of fresh random numbers
    _insert(Ballot.__table__, sorted(new_rows, key=_by_id))
    new_choices = sorted((renamed[old], pid, value) for old, pid, value in choices)
    _insert(
        BallotChoice.__table__,
        [{"ballot_id": b, "proposal_id": p, "value": v} for b, p, v in new_choices],
    )
    receipts = sorted(receipt for receipt, _ in ballots.values() if receipt)
    _insert(BallotReceipt.__table__, [{"receipt": r, "round_id": round_.id} for r in receipts])
    db.session.add(BallotSeal(round_id=round_.id, ballots=len(ballots), compacted=False))
    db.session.flush()
    by_ballot: dict[str, dict[int, int]] = {row["id"]: {} for row in new_rows}
    for ballot_id, pid, value in new_choices:
        by_ballot[ballot_id][pid] = value
    digest = ballots_digest(
        (row["id"], row["config_hash"], by_ballot[row["id"]]) for row in new_rows
    )
    return Sealed(ballots=len(ballots), ballots_sha256=digest)


def _insert(table: Table, rows: list[dict[str, object]]) -> None:
    """Insert `rows` in this order, in the session's transaction. PostgreSQL: one COPY (a row
    per round trip, or large multi-row INSERTs compiled by SQLAlchemy, take ~10x longer)."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _by_id(row: dict[str, object]) -> str:
    return str(row["id"])


def _forget_loaded_ballots() -> None:
    """Ballot objects already loaded in this session (the tally's) describe rows about to go."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Ballot | BallotChoice):
            db.session.expunge(obj)


def receipts_query(round_: Round) -> Select[tuple[str]]:
    """The round's receipts in receipt order, sealed or not."""
    live = select(Ballot.receipt.label("receipt")).where(
        Ballot.round_id == round_.id, Ballot.receipt.is_not(None)
    )
    listed = select(BallotReceipt.receipt.label("receipt")).where(
        BallotReceipt.round_id == round_.id
    )
    both = union_all(live, listed).subquery()
    return select(both.c.receipt).order_by(both.c.receipt)
