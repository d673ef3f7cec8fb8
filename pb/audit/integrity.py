"""The stored log checked in place: the same chain and signature checks as `pb verify`,
run by the auditor's page (and the tests) against the database instead of a bundle."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from pb.audit.chain import GENESIS_PREV_HASH, LOG_FORMAT, ChainBreak, check_entry, log_format_of
from pb.audit.models import AuditEntry, Checkpoint
from pb.audit.signing import checkpoint_problem
from pb.extensions import db


@dataclass(frozen=True)
class Integrity:
    entries: int
    head_hash: str | None
    checkpoints: int
    problem: str | None  # None: everything verifies

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_stored() -> Integrity:
    """Walk the whole log from its genesis entry, then check every checkpoint against it."""
    hashes: list[str] = []
    prev = GENESIS_PREV_HASH
    log_format = LOG_FORMAT
    query = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    for position, entry in enumerate(db.session.scalars(query)):
        fields = entry.hashed_fields() | {"entry_hash": entry.entry_hash}
        try:
            if position == 0:
                log_format = log_format_of(fields)
            prev = check_entry(fields, position, prev, log_format)
        except ChainBreak as error:
            return Integrity(position, prev if hashes else None, 0, str(error))
        hashes.append(prev)
    head = hashes[-1] if hashes else None
    origin = db.session.scalar(select(AuditEntry.object_id).where(AuditEntry.seq == 0))
    count = 0
    for checkpoint in db.session.scalars(select(Checkpoint).order_by(Checkpoint.seq)):
        count += 1
        published = checkpoint.published()
        problem = checkpoint_problem(published)
        if problem is None and published["origin"] != origin:
            problem = "signed for another log (origin)"
        elif problem is None and (
            checkpoint.seq >= len(hashes) or hashes[checkpoint.seq] != checkpoint.entry_hash
        ):
            problem = "no longer matches the log"
        if problem:
            return Integrity(len(hashes), head, count, f"checkpoint {checkpoint.seq}: {problem}")
    return Integrity(len(hashes), head, count, None)
