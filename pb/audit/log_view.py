"""The auditor's audit log page and its CSV: filters, and entries told in words and amounts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from pb.audit.labels import MONEY_FIELDS, action_label
from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.i18n import format_money
from pb.proposals.models import Proposal
from pb.rounds.models import Round


@dataclass(frozen=True)
class LogFilter:
    action: str = ""
    role: str = ""
    since: date | None = None
    until: date | None = None

    def statement(self) -> Select[Any]:
        query = select(AuditEntry).order_by(AuditEntry.seq.desc())
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.role:
            query = query.where(AuditEntry.actor_role == self.role)
        if self.since:
            query = query.where(AuditEntry.occurred_at >= _midnight(self.since))
        if self.until:
            query = query.where(AuditEntry.occurred_at < _midnight(self.until + timedelta(days=1)))
        return query

    def count(self) -> Select[Any]:
        return select(func.count()).select_from(self.statement().order_by(None).subquery())

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (kept by the pager and the CSV link)."""
        found = {"action": self.action, "role": self.role}
        found["since"] = self.since.isoformat() if self.since else ""
        found["until"] = self.until.isoformat() if self.until else ""
        return {key: value for key, value in found.items() if value}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def parse_day(text: str) -> date | None:
    """A YYYY-MM-DD from the filter form; anything else means no bound."""
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )


def known_roles() -> list[str]:
    query = select(AuditEntry.actor_role).distinct().order_by(AuditEntry.actor_role)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class EntryView:
    entry: AuditEntry
    label: str
    facts: list[tuple[str, str]]  # (field, value in words or as an amount)
    raw: str  # the canonical JSON, as hashed


def describe(entries: list[AuditEntry]) -> list[EntryView]:
    currencies = _currencies(entries)
    return [_view(entry, currencies.get((entry.object_type, entry.object_id))) for entry in entries]


def _view(entry: AuditEntry, currency: str | None) -> EntryView:
    data = json.loads(entry.data) if entry.data else {}
    facts = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in MONEY_FIELDS and isinstance(value, int) and currency:
                facts.append((key.replace("_", " "), format_money(value, currency)))
            elif not isinstance(value, dict | list):
                facts.append((key.replace("_", " "), "" if value is None else str(value)))
    return EntryView(entry, action_label(entry.action), facts, entry.data)


def _currencies(entries: list[AuditEntry]) -> dict[tuple[str, str], str]:
    """The currency of each round and proposal the entries name (two queries per page)."""
    round_ids = {
        int(e.object_id) for e in entries if e.object_type == "round" and e.object_id.isdigit()
    }
    proposal_ids = {
        int(e.object_id) for e in entries if e.object_type == "proposal" and e.object_id.isdigit()
    }
    found: dict[tuple[str, str], str] = {}
    if round_ids:
        for round_id, currency in db.session.execute(
            select(Round.id, Round.currency).where(Round.id.in_(round_ids))
        ):
            found[("round", str(round_id))] = currency
    if proposal_ids:
        for proposal_id, currency in db.session.execute(
            select(Proposal.id, Round.currency)
            .join(Round, Round.id == Proposal.round_id)
            .where(Proposal.id.in_(proposal_ids))
        ):
            found[("proposal", str(proposal_id))] = currency
    return found


def _ids(entries: list[AuditEntry], object_type: str) -> set[int]:
    return {
        int(e.object_id) for e in entries if e.object_type == object_type and e.object_id.isdigit()
    }
