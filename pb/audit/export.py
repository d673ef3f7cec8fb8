"""The export bundle of one round, built from the database (the format: pb.audit.bundle).

Every way out (the page, `pb export`) comes through `round_bundle`, which asks
`pb.results.services.visible_to` first: before publication only auditors and the round's
councillors get a closed round's bundle, and during voting nobody does.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.accounts.models import User
from pb.allocation import Instance, Profile
from pb.allocation.pabulib import write_string
from pb.allocation.pabulib_export import election_file
from pb.allocation.types import CONSTRAINT_KEYS
from pb.audit import bundle, config_versions, pairwise
from pb.audit import checkpoints as checkpoint_store
from pb.audit import services as audit
from pb.audit.chain import (
    LEGACY_LOG_FORMAT,
    LOG_FORMAT,
    PHASE_ACTIONS,
    canonical_json,
    data_hash,
    format_time,
    redact,
)
from pb.audit.models import AuditEntry
from pb.errors import Conflict, NotFound
from pb.extensions import db
from pb.results import engine
from pb.results import services as results
from pb.rounds.models import Phase, Round
from pb.voting import eligibility, seal
from pb.voting import services as voting
from pb.voting.formats import get_format
from pb.voting.models import Ballot

# Log entries whose data says something about the votes (withheld in other rounds' bundles).
WITHHELD_UNTIL_PUBLISHED = frozenset({"round.tallied"})


def filename(round_: Round) -> str:
    return f"round-{round_.id}-bundle.zip"


def round_bundle(round_: Round, user: User | None) -> bytes:
    """The round's archive, if `user` (None: the public) may see its results now.

    The log it carries ends at a signed checkpoint (the newest one, or one signed now if none
    covers the round's last phase change yet), so a verifier can refuse any bundle whose head
    no signature covers: a tail cut off would show.
    """
    result = results.get_result(round_)
    if not results.visible_to(round_, user) or result is None or round_.config_json is None:
        raise NotFound(refusal(round_, user))
    if not seal.is_sealed(round_):  # closed before sealing existed: the scheduler seals it
        raise Conflict(_("This round's ballots are being sealed. Try again in a few minutes."))
    head_seq = signed_head(round_)
    log = audit.entries(limit=head_seq + 1)
    head = log[-1]
    ballots = voting.counted_ballots(round_)
    signed = checkpoint_store.checkpoints(up_to=head.seq)
    online = [b for b in ballots if b.channel is None]
    paper = [b for b in ballots if b.channel is not None]
    files = {
        bundle.CONFIG: round_.config_json.encode("utf-8"),
        **config_versions.bundle_file(round_),
        bundle.BALLOTS_CSV: _ballots_csv(online),
        **({bundle.PAPER_CSV: _ballots_csv(paper)} if paper else {}),
        bundle.RECEIPTS_CSV: _receipts_csv(round_),
        **_ballot_file(round_, ballots),
        bundle.RESULTS: bundle.dumps(_results(round_, result)),
        bundle.LOG: _log(log, round_, user).encode("utf-8"),
        bundle.CHECKPOINTS: bundle.dumps([checkpoint.published() for checkpoint in signed]),
    }
    manifest = {
        "round_id": round_.id,
        "origin": log[0].object_id,
        "log_head": {"seq": head.seq, "hash": head.entry_hash},
        "counts": counts(round_),
    }
    return bundle.write_bundle(manifest, files)


def refusal(round_: Round, user: User | None) -> str:
    """Why `user` may not have the round's bundle yet, and what would allow it."""
    if round_.phase is Phase.PUBLISHED:
        return _("This round has no counted result to export.")
    if round_.phase is not Phase.CLOSED:
        return _(
            "Nobody can export this round's audit bundle before voting has closed and the votes "
            "are counted: a partial count must never leave the platform."
        )
    return _(
        "This round's results are not published yet, and its audit bundle is published with "
        "them. Before publication only an auditor or one of the round's councillors may export "
        "it, to check the count (pb export --as THEIR-EMAIL); once a councillor publishes the "
        "results, anyone may."
    )


def signed_head(round_: Round) -> int:
    """The seq where the round's bundle log ends: the newest checkpoint, signed now (and kept,
    listed on /transparency) when no checkpoint covers the round's last phase change."""
    latest = checkpoint_store.latest_checkpoint()
    last_phase = db.session.scalar(
        select(func.max(AuditEntry.seq)).where(
            AuditEntry.object_type == "round",
            AuditEntry.object_id == str(round_.id),
            AuditEntry.action.in_(PHASE_ACTIONS),
        )
    )
    if latest is None or latest.seq < (last_phase or 0):
        latest = checkpoint_store.sign_head()
    if latest is None:
        raise NotFound(_("This round's audit bundle is published with its results."))
    return latest.seq


def counts(round_: Round) -> dict[str, Any]:
    """Eligible voters, voters who took part (by channel too), ballots (paper ones too): as
    logged when the round was counted."""
    closed = closing_entry(round_)
    data = json.loads(closed.data) if closed else {}
    eligible = data["eligible"] if "eligible" in data else eligibility.eligible_count(round_)
    participated = data.get("participated")
    if participated is None:  # a close entry from before the counts were logged
        participated = voting.participation_count(round_)
    found = {
        "eligible": eligible,
        "participated": participated,
        "ballots": voting.ballot_count(round_),
    }
    if "participated_by_channel" in data:  # counted since paper ballots exist
        found["participated_by_channel"] = data["participated_by_channel"]
        found["paper_ballots"] = voting.paper_ballot_count(round_)
    return found


def closing_entry(round_: Round) -> AuditEntry | None:
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.action == "round.tallied",
            AuditEntry.object_type == "round",
            AuditEntry.object_id == str(round_.id),
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    return db.session.scalar(query)


def _log(log: list[AuditEntry], round_: Round, user: User | None) -> str:
    """The chain to the signed head, one canonical JSON entry per line (see `_round_log`)."""
    if audit.log_format() == LOG_FORMAT:
        return _round_log(log, round_)
    return _legacy_log(log, round_, user)


def _round_log(log: list[AuditEntry], round_: Round) -> str:
    """pb-audit-3: the genesis entry and the round's own entries in full, every other entry
    redacted to its link (seq, prev_hash, body_sha256, entry_hash). The chain verifies from the
    genesis entry to the head, yet the bundle says nothing about other rounds or about people:
    the round's entries carry pseudonyms of this round alone (see `audit.services.record`)."""
    lines = []
    for entry in log:
        fields = entry.hashed_fields() | {"entry_hash": entry.entry_hash}
        own = entry.object_type == "round" and entry.object_id == str(round_.id)
        lines.append(canonical_json(fields if own or entry.seq == 0 else redact(fields)) + "\n")
    return "".join(lines)


def _legacy_log(log: list[AuditEntry], round_: Round, user: User | None) -> str:
    """pb-audit-1/2 chains hash every field, so nothing can be redacted: the whole chain, one
    canonical JSON entry per line. The data of another round's close
    entry (its count and selection) is withheld, leaving its hash, while that round's results
    are not visible to `user`: one round's bundle must not publish another's result early."""
    visible = {str(round_.id): True}
    legacy = audit.log_format() == LEGACY_LOG_FORMAT
    lines = []
    for entry in log:
        fields = entry.hashed_fields() | {"entry_hash": entry.entry_hash}
        if entry.action in WITHHELD_UNTIL_PUBLISHED and entry.object_type == "round":
            if entry.object_id not in visible:
                other = db.session.get(Round, int(entry.object_id))
                visible[entry.object_id] = other is not None and results.visible_to(other, user)
            if not visible[entry.object_id]:
                if legacy:
                    raise Conflict(_("This log's format cannot withhold another round's result."))
                fields["data_sha256"] = data_hash(fields["data"])
                fields["data"] = None
        lines.append(canonical_json(fields) + "\n")
    return "".join(lines)


def ballot_choices_json(ballot: Ballot) -> str:
    return canonical_json([[c.proposal_id, c.value] for c in sorted(ballot.choices, key=_pid)])


def _pid(choice: Any) -> int:
    return int(choice.proposal_id)


def _csv(header: tuple[str, ...], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _ballots_csv(ballots: list[Ballot]) -> bytes:
    """pb-bundle-2: by the random id given at close, with no receipt (never in casting order);
    paper.csv lists the paper ballots alike (no receipt ever: keyed after the close)."""
    rows = ([b.id, b.config_hash, ballot_choices_json(b)] for b in ballots)
    return _csv(bundle.SEPARATE_BALLOT_COLUMNS, rows)


def _receipts_csv(round_: Round) -> bytes:
    """pb-bundle-2: the receipts, sorted, as a list of their own."""
    receipts = db.session.scalars(voting.receipts_query(round_))
    return _csv(bundle.RECEIPT_COLUMNS, ([receipt] for receipt in receipts))


def _results(round_: Round, result: Any) -> dict[str, Any]:
    return {
        "format": bundle.RESULTS_FORMAT,
        "round_id": round_.id,
        "config_hash": result.config_hash,
        "rule": result.rule,
        "satisfaction": result.satisfaction,
        "tie_break": result.tie_break,
        "tie_break_seed": result.tie_break_seed,
        "budget": result.budget,
        "total_cost": result.total_cost,
        "ballot_count": result.ballot_count,
        "published_at": format_time(result.published_at) if result.published_at else None,
        "outcome": json.loads(result.outcome_json),
        "projects": [line.to_json() for line in result.projects],
    }


def _ballot_file(round_: Round, ballots: list[Ballot]) -> dict[str, bytes]:
    """The ballots for other software: a pabulib file, or pairwise.csv for a pairwise round
    (pabulib has no pairwise type; docs/verification.md describes the file)."""
    if get_format(round_.ballot_format).vote_type == "pairwise":
        # pb-bundle-2: ballots are named by their id (the receipts are listed apart)
        text = pairwise.write_csv((b.id, voting.choices_of(b)) for b in ballots)
        return {bundle.PAIRWISE_CSV: text.encode("utf-8")}
    return {bundle.BALLOTS_PB: _pabulib(round_, ballots).encode("utf-8")}


def _cell(text: str) -> str:
    """One line, no list separator: what pabulib-checker accepts in a text cell."""
    return " ".join(text.replace(",", " ").split())


def _pabulib(round_: Round, ballots: list[Ballot]) -> str:
    """The round's projects and anonymous ballots as a pabulib file (voter id: the ballot id).

    The election is the one the tally counted (built from the frozen configuration); the file
    itself is written by the engine's pabulib writer, which pabulib-checker accepts.
    """
    choices = [voting.choices_of(b) for b in ballots]
    instance, profile = engine.build_election(round_, choices)
    projects = tuple(
        replace(p, name=_cell(p.name), categories=tuple(_cell(c) for c in p.categories))
        for p in instance.projects
    )
    named = tuple(
        replace(ballot, voter_id=b.id) for ballot, b in zip(profile.ballots, ballots, strict=True)
    )
    limits = get_format(round_.ballot_format).pabulib_meta(round_.ballot_params, round_.budget)
    if "max_length" in limits and int(limits["max_length"]) > len(projects):
        limits["max_length"] = str(len(projects))  # the same rule; pabulib forbids more
    limits |= {
        key: value for key, value in instance.meta.items() if key == "min_project_score_threshold"
    }
    seed = f" (seed {round_.tie_break_seed})" if round_.tie_break_seed else ""
    meta = {
        "description": _cell(round_.title),
        "country": current_app.config["PABULIB_COUNTRY"],
        "unit": current_app.config["PABULIB_UNIT"],
        "subunit": _cell(" / ".join(ward.name for ward in round_.wards)),
        "instance": str(round_.voting_open_at.year),
        "rule": round_.rule,
        "date_begin": round_.voting_open_at.strftime("%d.%m.%Y"),
        "date_end": round_.voting_close_at.strftime("%d.%m.%Y"),
        **{key: limits[key] for key in CONSTRAINT_KEYS if key in limits},
        "currency": round_.currency,
        "comment": (
            f"#1: round {round_.id}; satisfaction {round_.satisfaction or 'default'}; "
            f"tie-break {round_.tie_break}{seed}; configuration SHA-256 {round_.config_hash}"
        ),
    }
    election = election_file(
        Instance(instance.budget, projects, meta), Profile(profile.vote_type, named)
    )
    return write_string(election)
