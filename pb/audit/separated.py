"""Ballots and receipts as two separate lists (bundle format pb-bundle-2): the verifier's side.

Pure (standard library and the pure parts of `pb.audit`), like the rest of the verifier.

In pb-bundle-1 each ballot sat next to its receipt, so a receipt told anyone how its holder had
voted: a voter could prove their vote to a buyer. When voting closes the platform now seals the
round (pb.voting.seal): each ballot gets a new random id, and the receipts become a list apart.
The bundle publishes

- ballots.csv: `ballot_id,config_hash,choices`, one line per ballot, sorted by the new id;
- receipts.csv: `receipt`, one line per ballot, sorted.

What still holds every count together: the receipts hash to the `receipts_sha256` the log
recorded when voting closed (round.tallied); the ballots hash to the `ballots_sha256` of the
seal's entry (round.sealed, in the same closing transaction, under the same checkpoint); and
there are as many receipts as ballots. docs/threat-model.md weighs this against the other
designs (Helios, Belenios, the Estonian system).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pb.audit import recount
from pb.audit.bundle import (
    BALLOTS_CSV,
    LOG,
    PAPER_CSV,
    RECEIPT_COLUMNS,
    RECEIPTS_CSV,
    SEPARATE_BALLOT_COLUMNS,
    Bundle,
)
from pb.audit.chain import canonical_json, sha256_hex
from pb.audit.verdict import Report, VerificationFailed

SEALED = "round.sealed"


def ballots_digest(ballots: Iterable[tuple[str, str, Mapping[int, int]]]) -> str:
    """SHA-256 over a sealed round's ballots: the canonical JSON of
    `[[ballot_id, config_hash, [[project, value], ...]], ...]`, sorted by ballot id, choices by
    project."""
    rows = sorted(
        [ballot_id, config_hash, [[pid, value] for pid, value in sorted(choices.items())]]
        for ballot_id, config_hash, choices in ballots
    )
    return sha256_hex(canonical_json(rows))


def check_ballots(
    bundle: Bundle,
    config: Mapping[str, Any],
    config_hash: str,
    report: Report,
    versions: frozenset[str] = frozenset(),
) -> recount.Ballots:
    """ballots.csv and receipts.csv: well formed, sorted, as many receipts as ballots; paper.csv
    (a round with paper ballots) alike, without receipts; ballots.pb holds the same ballots,
    those of ballots.csv then those of paper.csv (its voter ids are the ballot ids). Each online
    ballot was cast under `config_hash` or, in an amended round, one of the configuration's
    `versions`; paper ballots are entered after the close, under the last one."""
    vote_type = recount.vote_type_of(config)
    items = _ballot_list(bundle, BALLOTS_CSV, config, versions or frozenset({config_hash}))
    paper = (
        _ballot_list(bundle, PAPER_CSV, config, frozenset({config_hash}))
        if PAPER_CSV in bundle.files
        else []
    )
    receipts = _receipts(bundle)
    if len(receipts) != len(items):
        raise VerificationFailed(
            f"{RECEIPTS_CSV}: {len(receipts)} receipts, but {BALLOTS_CSV} has {len(items)} "
            "ballots (there must be one receipt per ballot)"
        )
    _check_disjoint(items, paper)
    ballots = recount.Ballots(vote_type, items + paper, tuple(receipts), paper=len(paper))
    projects = {p["id"]: p["cost"] for p in config["projects"]}
    ballots, other_file = recount.check_other_file(bundle, config, projects, ballots)
    listed = f" and {PAPER_CSV}: {len(paper)} paper ballots" if paper else ""
    report.facts.append(
        f"{BALLOTS_CSV}: {len(items)} ballots and {RECEIPTS_CSV}: {len(receipts)} receipts, two "
        f"separate sorted lists of equal length{listed}; {other_file} holds the same ballots"
    )
    return ballots


def _ballot_list(
    bundle: Bundle, name: str, config: Mapping[str, Any], versions: frozenset[str]
) -> list[recount.CastBallot]:
    """The rows of ballots.csv (or paper.csv): ids of 32 hex digits, sorted, cast under one of
    the configuration's `versions`, valid choices."""
    vote_type = recount.vote_type_of(config)
    projects = {p["id"]: p["cost"] for p in config["projects"]}
    items: list[recount.CastBallot] = []
    for line, row in enumerate(_rows(bundle, name, SEPARATE_BALLOT_COLUMNS), start=2):
        where = f"{name} line {line}"
        ballot_id, cast_under, choices_text = row
        if len(ballot_id) != 32 or not set(ballot_id) <= recount.HEX:
            raise VerificationFailed(f"{where}: the ballot id is not 32 lowercase hex digits")
        if items and ballot_id <= items[-1].ballot_id:
            problem = "appears twice" if ballot_id == items[-1].ballot_id else "is out of order"
            raise VerificationFailed(
                f"{where}: ballot {ballot_id} {problem} (ballots are listed once each, sorted "
                "by ballot id)"
            )
        if cast_under not in versions:
            raise VerificationFailed(f"{where}: {_not_cast_under(cast_under, versions)}")
        choices = recount.parse_choices(choices_text, where, projects, vote_type)
        items.append(recount.CastBallot("", ballot_id, choices, cast_under))
    return items


def _check_disjoint(online: list[recount.CastBallot], paper: list[recount.CastBallot]) -> None:
    both = {b.ballot_id for b in online} & {b.ballot_id for b in paper}
    if both:
        raise VerificationFailed(
            f"{PAPER_CSV}: ballot {min(both)} is also in {BALLOTS_CSV} (a ballot counts once)"
        )


def paper_digest(ballots: recount.Ballots, config_hash: str) -> str:
    """The `paper_sha256` the count logs: `ballots_digest` over the paper ballots."""
    return ballots_digest((b.ballot_id, config_hash, b.choices) for b in ballots.paper_items)


def _not_cast_under(cast_under: str, versions: frozenset[str]) -> str:
    if len(versions) == 1:
        return f"cast under configuration {cast_under}, not this one"
    return f"cast under configuration {cast_under}, none of the round's {len(versions)} versions"


def _rows(bundle: Bundle, name: str, columns: Sequence[str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(bundle.text(name), newline="")))
    if not rows or tuple(rows[0]) != tuple(columns):
        raise VerificationFailed(f"{name}: the header must be {','.join(columns)}")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise VerificationFailed(
                f"{name} line {line}: {len(row)} fields, expected {len(columns)}"
            )
    return rows[1:]


def _receipts(bundle: Bundle) -> list[str]:
    receipts: list[str] = []
    for line, (receipt,) in enumerate(_rows(bundle, RECEIPTS_CSV, RECEIPT_COLUMNS), start=2):
        where = f"{RECEIPTS_CSV} line {line}"
        if len(receipt) != 64 or not set(receipt) <= recount.HEX:
            raise VerificationFailed(f"{where}: the receipt is not 64 lowercase hex digits")
        if receipts and receipt <= receipts[-1]:
            problem = "appears twice" if receipt == receipts[-1] else "is out of order"
            raise VerificationFailed(
                f"{where}: receipt {receipt} {problem} (receipts are listed once each, sorted)"
            )
        receipts.append(receipt)
    return receipts


def check_sealed(
    round_entries: list[dict[str, Any]], config_hash: str, ballots: recount.Ballots, report: Report
) -> None:
    """The ballots are exactly the ones sealed when voting closed (entry round.sealed)."""
    sealed = [e for e in round_entries if e["action"] == SEALED]
    if not sealed:
        raise VerificationFailed(f"{LOG}: no {SEALED} entry for this round")
    entry = sealed[-1]
    data, seq = entry["data"], entry["seq"]
    online = ballots.online_items  # paper ballots are keyed after the seal
    if data.get("ballots") != len(online):
        raise VerificationFailed(
            f"{BALLOTS_CSV}: {len(online)} ballots, but entry {seq} ({SEALED}) sealed "
            f"{data.get('ballots')}"
        )
    digest = ballots_digest((b.ballot_id, b.config_hash or config_hash, b.choices) for b in online)
    if data.get("ballots_sha256") != digest:
        raise VerificationFailed(
            f"{BALLOTS_CSV}: the ballots do not hash to the ballots_sha256 of entry {seq} "
            f"({SEALED}): a ballot was added, removed or changed after voting closed"
        )
    report.facts.append(f"the ballots hash to the digest sealed at close (entry {seq})")
