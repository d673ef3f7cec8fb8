"""Ballots never outnumber participations, in total and on paper: the verifier's side.

Pure, like the rest of the verifier. A round counted since paper ballots exist logs, in its
`round.tallied` entry, the participations per channel (`participated_by_channel`: web, code,
kiosk, paper), the number of paper ballots and `paper_sha256` (pb.audit.separated.ballots_digest
over paper.csv). A voter marked in the paper register may not hand a ballot in (or spoil it),
so paper ballots may be fewer than paper marks, never more; every other participation is a
ballot cast in the same transaction, so those counts are equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pb.audit import recount, separated
from pb.audit.bundle import BALLOTS_CSV, LOG, MANIFEST, PAPER_CSV, Bundle
from pb.audit.verdict import Report, VerificationFailed

TALLIED = "round.tallied"


def check_turnout(
    bundle: Bundle,
    round_entries: list[dict[str, Any]],
    config_hash: str,
    ballots: recount.Ballots,
    report: Report,
) -> None:
    """The paper ballots are those the count logged; ballots never exceed participations."""
    entry = _last(round_entries)
    data, seq = entry["data"], entry["seq"]
    by_channel = data.get("participated_by_channel")
    if by_channel is None:  # counted before channels were logged: no paper ballots possible
        if ballots.paper:
            raise VerificationFailed(
                f"{PAPER_CSV}: entry {seq} ({TALLIED}) records no paper ballots"
            )
        return
    participated, marks = _channels(by_channel, data.get("participated"), seq)
    _check_paper_list(data, seq, config_hash, ballots)
    count, paper = len(ballots.items), ballots.paper
    if count > participated:
        raise VerificationFailed(
            f"entry {seq} ({TALLIED}): {count} ballots but only {participated} participations "
            "(ballots never exceed participations)"
        )
    if paper > marks:
        raise VerificationFailed(
            f"{PAPER_CSV}: {paper} paper ballots but only {marks} paper participations in entry "
            f"{seq} ({TALLIED}) (paper ballots never exceed the paper register's marks)"
        )
    online = count - paper
    if online != participated - marks:
        raise VerificationFailed(
            f"{BALLOTS_CSV}: {online} ballots, but {participated - marks} voters took part other "
            f"than on paper (entry {seq}, {TALLIED})"
        )
    counts = bundle.manifest.get("counts")
    if not isinstance(counts, Mapping) or counts.get("participated_by_channel") != by_channel:
        raise VerificationFailed(
            f"{MANIFEST}: counts.participated_by_channel differs from entry {seq}"
        )
    report.facts.append(
        f"turnout by channel {dict(sorted(by_channel.items()))}: {count} ballots for "
        f"{participated} participations; {paper} paper ballots for {marks} paper marks"
    )


def _last(round_entries: list[dict[str, Any]]) -> dict[str, Any]:
    found = [e for e in round_entries if e["action"] == TALLIED]
    if not found:
        raise VerificationFailed(f"{LOG}: no {TALLIED} entry for this round")
    return found[-1]


def _channels(by_channel: Any, participated: Any, seq: int) -> tuple[int, int]:
    """(participations, paper marks), once the per-channel counts add up."""
    if not isinstance(by_channel, Mapping) or not all(
        type(n) is int and n >= 0 for n in by_channel.values()
    ):
        raise VerificationFailed(
            f"entry {seq} ({TALLIED}): participated_by_channel is not a count per channel"
        )
    if sum(by_channel.values()) != participated:
        raise VerificationFailed(
            f"entry {seq} ({TALLIED}): the participations per channel do not add up to "
            f"{participated}"
        )
    return int(participated), int(by_channel.get("paper", 0))


def _check_paper_list(
    data: Mapping[str, Any], seq: int, config_hash: str, ballots: recount.Ballots
) -> None:
    if data.get("paper_ballots") != ballots.paper:
        raise VerificationFailed(
            f"{PAPER_CSV}: {ballots.paper} paper ballots, but entry {seq} ({TALLIED}) recorded "
            f"{data.get('paper_ballots')}"
        )
    if data.get("paper_sha256") != separated.paper_digest(ballots, config_hash):
        raise VerificationFailed(
            f"{PAPER_CSV}: the paper ballots do not hash to the paper_sha256 of entry {seq} "
            f"({TALLIED}): a paper ballot was added, removed or changed after it was counted"
        )
