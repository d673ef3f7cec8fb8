"""Building rounds to export, and editing bundles the way a tamperer would."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pb.accounts.models import Role
from pb.audit import bundle, export, signing
from pb.audit.chain import canonical_json, entry_hash, receipts_digest, sha256_hex
from pb.audit.recount import Ballots, CastBallot, recount
from pb.audit.separated import ballots_digest
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.wards import services as wards
from tests import factories


@dataclass
class Published:
    """A round run to published results, exported; `cast_order`: receipts as they were cast,
    `cast_ids`: the ids the ballots had while voting was open (replaced when it closed)."""

    setup: factories.RoundSetup
    data: bytes
    cast_order: list[str] = field(default_factory=list)
    cast_ids: list[str] = field(default_factory=list)


def run_round(
    ballots: list[dict[int, int]],
    *,
    publish: bool = True,
    after: int = 0,
    **overrides: Any,
) -> Published:
    """Cast `ballots` (project index -> value) one by one, close, count, publish; then make
    `after` more log entries (wards created) and a scheduled checkpoint, like a live site."""
    setup = factories.round_in_phase(Phase.VOTING, voters=max(len(ballots), 1), **overrides)
    round_ = setup.round
    cast_order, cast_ids = [], []
    with factories.writing():
        moment = round_.voting_open_at + timedelta(minutes=1)
        for person, choices in zip(setup.voters, ballots, strict=False):
            by_id = {setup.projects[index].id: value for index, value in choices.items()}
            receipt = voting.cast(round_, person, by_id, now=moment).receipt
            cast_order.append(receipt)
            cast_ids.append(_ballot_id(receipt))
    with factories.writing():
        closing = round_.voting_close_at + timedelta(minutes=1)
        rounds.advance_phase(round_, actor=setup.councillor, now=closing)
        if publish:
            rounds.advance_phase(round_, actor=setup.councillor, now=closing)
    admin = factories.user(Role.ADMIN) if after else None
    for number in range(after):
        with factories.writing():
            wards.save_ward(None, f"AFTER{round_.id}X{number}", f"Later ward {number}", actor=admin)
    if after:
        from pb.audit import checkpoints

        with factories.writing():
            checkpoints.sign_head()
    auditor = None if publish else factories.user(Role.AUDITOR)
    data = export.round_bundle(round_, auditor)
    db.session.commit()
    return Published(setup, data, cast_order, cast_ids)


def _ballot_id(receipt: str) -> str:
    from pb.voting.models import Ballot

    return db.session.scalar(db.select(Ballot.id).where(Ballot.receipt == receipt))


# ---------------------------------------------------------------------------------------------
# Editing a bundle


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def repack(files: dict[str, bytes], **manifest_changes: Any) -> bytes:
    """Re-zip with a manifest recomputed for the edited files (what a careful tamperer does)."""
    manifest = json.loads(files[bundle.MANIFEST])
    manifest.update(manifest_changes)
    content = {name: data for name, data in files.items() if name != bundle.MANIFEST}
    manifest.pop("files", None)
    return bundle.write_bundle(manifest, content, manifest.pop("format"))


def log_entries(files: dict[str, bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in files[bundle.LOG].decode().splitlines()]


def write_log(files: dict[str, bytes], entries: list[dict[str, Any]]) -> None:
    files[bundle.LOG] = "".join(canonical_json(e) + "\n" for e in entries).encode()


def rechain(entries: list[dict[str, Any]], start: int = 0) -> None:
    """Recompute seq, prev_hash and entry_hash from `start` on: a chain that verifies."""
    for position in range(start, len(entries)):
        entry = entries[position]
        entry["seq"] = position
        entry["prev_hash"] = entries[position - 1]["entry_hash"] if position else "0" * 64
        entry["entry_hash"] = entry_hash(entry)


def head_of(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"seq": entries[-1]["seq"], "hash": entries[-1]["entry_hash"]}


def resign(
    files: dict[str, bytes], entries: list[dict[str, Any]], key: Ed25519PrivateKey | None
) -> None:
    """Replace checkpoints.json: the same checkpoints re-signed over the edited log with
    `key` (an impostor's key: nobody else has the platform's), or none at all."""
    old = json.loads(files[bundle.CHECKPOINTS])
    new = []
    if key is not None:
        origin = entries[0]["object_id"]
        for checkpoint in old:
            seq = min(checkpoint["seq"], len(entries) - 1)
            new.append(
                signing.sign_checkpoint(
                    key, origin, seq, entries[seq]["entry_hash"], checkpoint["signed_at"]
                )
            )
    files[bundle.CHECKPOINTS] = bundle.dumps(new)


def ballot_rows(files: dict[str, bytes]) -> list[list[str]]:
    """ballots.csv (pb-bundle-2): [ballot_id, config_hash, choices] per ballot."""
    return _csv_rows(files[bundle.BALLOTS_CSV])


def receipt_rows(files: dict[str, bytes]) -> list[str]:
    return [row[0] for row in _csv_rows(files[bundle.RECEIPTS_CSV])]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(), newline="")))[1:]


def _write_csv(header: tuple[str, ...], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
    return buffer.getvalue().encode()


def write_receipts(files: dict[str, bytes], receipts: list[str]) -> None:
    files[bundle.RECEIPTS_CSV] = _write_csv(bundle.RECEIPT_COLUMNS, [[r] for r in sorted(receipts)])


def write_ballots(files: dict[str, bytes], rows: list[list[str]]) -> None:
    """ballots.csv and the VOTES of ballots.pb, from CSV rows (sorted again by ballot id)."""
    rows = sorted(rows, key=lambda row: row[0])
    files[bundle.BALLOTS_CSV] = _write_csv(bundle.SEPARATE_BALLOT_COLUMNS, rows)
    text = files[bundle.BALLOTS_PB].decode()
    head, votes = text.split("VOTES\n")
    header = votes.splitlines()[0]
    with_points = header.endswith(";points")
    cumulative = "vote_type;cumulative" in head
    lines = [header]
    for ballot_id, _config, choices in rows:
        pairs = json.loads(choices)
        if cumulative:
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
            points = [value for _, value in pairs]
        else:  # approval (values 1) or ranks (1 = first): rankings score k, k-1, ..., 1
            pairs.sort(key=lambda pair: (pair[1], pair[0]))
            points = list(range(len(pairs), 0, -1))
        line = f"{ballot_id};{','.join(str(p) for p, _ in pairs)}"
        if with_points:
            line += f";{','.join(str(v) for v in points)}"
        lines.append(line)
    head = head.replace(f"num_votes;{_meta(head, 'num_votes')}\n", f"num_votes;{len(rows)}\n")
    files[bundle.BALLOTS_PB] = (head + "VOTES\n" + "\n".join(lines) + "\n").encode()


def _meta(text: str, key: str) -> str:
    for line in text.splitlines():
        if line.startswith(key + ";"):
            return line.split(";", 1)[1]
    raise KeyError(key)


def ballot_row(ballot_id: str, config_hash: str, choices: dict[int, int]) -> list[str]:
    pairs = [[pid, value] for pid, value in sorted(choices.items())]
    return [ballot_id, config_hash, canonical_json(pairs)]


def recount_files(files: dict[str, bytes]) -> dict[str, Any]:
    """Recount the edited ballots as the platform would, and rewrite results.json to match.
    Returns the data of the round.tallied entry that would match, with the round.sealed data
    under "sealed"."""
    config = json.loads(files[bundle.CONFIG])
    vote_type = {"approval": "approval", "knapsack": "approval", "ranked": "ordinal"}.get(
        config["ballot_format"], "cumulative"
    )
    items = [
        CastBallot("", r[0], {pid: value for pid, value in json.loads(r[2])})
        for r in ballot_rows(files)
    ]
    ballots = Ballots(vote_type, items)
    outcome = recount(config, ballots).to_json()
    results = json.loads(files[bundle.RESULTS])
    votes = ballots.votes()
    results.update(ballot_count=len(items), outcome=outcome, total_cost=outcome["total_cost"])
    for line in results["projects"]:
        line["votes"] = votes.get(line["id"], 0)
        line["funded"] = str(line["id"]) in outcome["selected"]
    files[bundle.RESULTS] = bundle.dumps(results)
    config_hash = sha256_hex(files[bundle.CONFIG].decode())
    return {
        "ballots": len(items),
        "receipts_sha256": receipts_digest(receipt_rows(files)),
        "participated": len(items),
        "participated_by_channel": {"code": 0, "kiosk": 0, "paper": 0, "web": len(items)},
        "selected": [int(pid) for pid in outcome["selected"]],
        "total_cost": outcome["total_cost"],
        "sealed": {
            "ballots": len(items),
            "ballots_sha256": ballots_digest((b.ballot_id, config_hash, b.choices) for b in items),
        },
    }


Mutation = Callable[[dict[str, bytes]], bytes]
__all__ = ["Mutation", "Published", "export", "run_round"]


def start_chain(log_format: str) -> None:
    """Begin this (empty) database's audit chain in `log_format`, as a deployment started
    before that format's successor did."""
    from pb.audit import services as audit

    assert audit.head() is None, "the chain has begun already"
    with factories.writing():
        genesis = audit._genesis_fields()
        genesis["data"] = {"format": log_format}
        audit._append(genesis)
        db.session.commit()
