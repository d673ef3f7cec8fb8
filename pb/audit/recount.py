"""The verifier's result checks: the ballots are those logged at close, and a full recount.

Pure (standard library, `pb.allocation`, the pure parts of `pb.audit`). The recount uses only
data the signed chain commits to: the configuration (its hash is in the log) and the ballots of
ballots.csv (their receipts hash to the digest logged when voting closed), read and checked by
`pb.audit.ballot_files` into the types of `pb.audit.cast_ballots`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pb.allocation import AllocationError, Instance, Profile, Project, allocate

# Re-exported: the platform's tally (pb.results), the verifier's other checks and the tests
# import the ballot types and the ballot-file checks from here.
from pb.audit.ballot_files import check_ballots, check_other_file, check_pabulib
from pb.audit.bundle import BALLOTS_CSV, CONFIG, LOG, MANIFEST, RESULTS, RESULTS_FORMAT, Bundle
from pb.audit.cast_ballots import (
    HEX,
    VOTE_TYPES_BY_FORMAT,
    Ballots,
    CastBallot,
    engine_ballot,
    parse_choices,
    vote_type_of,
)
from pb.audit.chain import canonical_json, receipts_digest
from pb.audit.verdict import Report, VerificationFailed

__all__ = [
    "HEX",
    "VOTE_TYPES_BY_FORMAT",
    "Ballots",
    "CastBallot",
    "allocate_from_config",
    "check_ballots",
    "check_close",
    "check_other_file",
    "check_pabulib",
    "check_results",
    "engine_ballot",
    "instance_from_config",
    "parse_choices",
    "recount",
    "vote_type_of",
]


def _entry(round_entries: list[dict[str, Any]], action: str, round_id: Any) -> dict[str, Any]:
    found = [e for e in round_entries if e["action"] == action]
    if not found:
        raise VerificationFailed(f"{LOG}: no {action} entry for round {round_id}")
    return found[-1]


def check_close(
    bundle: Bundle, round_entries: list[dict[str, Any]], ballots: Ballots, report: Report
) -> None:
    """The ballots are the ones the log recorded at close; the counts agree."""
    closed = _entry(round_entries, "round.tallied", bundle.manifest.get("round_id"))
    data, seq, count = closed["data"], closed["seq"], len(ballots.items)
    if data.get("ballots") != count:
        raise VerificationFailed(
            f"{BALLOTS_CSV}: {count} ballots, but entry {seq} (round.tallied) recorded "
            f"{data.get('ballots')} when voting closed"
        )
    if data.get("receipts_sha256") != receipts_digest(ballots.receipt_list()):
        raise VerificationFailed(
            f"{BALLOTS_CSV}: the receipts do not hash to the receipts_sha256 of entry {seq} "
            "(round.tallied): a ballot was added, removed or replaced after voting closed"
        )
    counts = bundle.manifest.get("counts")
    if not isinstance(counts, dict) or counts.get("ballots") != count:
        raise VerificationFailed(f"{MANIFEST}: counts.ballots is not {count}")
    participated, eligible = data.get("participated"), data.get("eligible")
    if participated is None or eligible is None:
        report.notes.append(f"Entry {seq} records no participation counts (an older entry).")
        participated, eligible = counts.get("participated"), counts.get("eligible")
    elif (counts.get("participated"), counts.get("eligible")) != (participated, eligible):
        raise VerificationFailed(f"{MANIFEST}: counts differ from entry {seq} (round.tallied)")
    if participated != count and "participated_by_channel" not in data:
        # a round counted with paper ballots is checked by pb.audit.turnout instead
        raise VerificationFailed(
            f"entry {seq} (round.tallied): {participated} voters took part but there are "
            f"{count} ballots"
        )
    if type(eligible) is not int or eligible < count:
        raise VerificationFailed(f"entry {seq} (round.tallied): more ballots than eligible voters")
    report.facts.append(
        f"counts agree: {eligible} eligible, {participated} took part, {count} ballots; the "
        f"receipts hash to the digest logged at close (entry {seq})"
    )


def check_results(
    bundle: Bundle,
    round_entries: list[dict[str, Any]],
    config: Mapping[str, Any],
    config_hash: str,
    ballots: Ballots,
    report: Report,
) -> None:
    """Recount with the round's rule and tie-break; compare with results.json and the log."""
    results = bundle.json(RESULTS)
    if not isinstance(results, dict) or results.get("format") != RESULTS_FORMAT:
        raise VerificationFailed(f"{RESULTS}: not a {RESULTS_FORMAT} document")
    expected = {
        "round_id": config["round_id"],
        "config_hash": config_hash,
        "rule": config["rule"],
        "tie_break": config["tie_break"],
        "tie_break_seed": config["tie_break_seed"],
        "ballot_count": len(ballots.items),
    }
    for name, value in expected.items():
        if results.get(name) != value:
            raise VerificationFailed(f"{RESULTS}: {name} is {results.get(name)!r}, not {value!r}")
    decisions = [e for e in round_entries if e["action"] == TIE_DECIDED]
    outcome = recount(config, ballots, [_decided_order(e) for e in decisions])
    recounted = outcome.to_json()
    _compare_outcomes(results.get("outcome"), recounted)
    _check_lines(results, recounted, ballots)
    closed = _entry(round_entries, "round.tallied", config["round_id"])
    logged = {
        "selected": [int(pid) for pid in outcome.selected],
        "total_cost": recounted["total_cost"],
        "rule": outcome.rule,
        "satisfaction": outcome.satisfaction,
        "tie_break": outcome.tie_break,
        "config_hash": config_hash,
    }
    for name, value in logged.items():
        # after a tie decision, its entry holds the selection and cost of the re-tally
        entry = decisions[-1] if decisions and name in ("selected", "total_cost") else closed
        if entry["data"].get(name) != value:
            raise VerificationFailed(
                f"entry {entry['seq']} ({entry['action']}): {name} {entry['data'].get(name)!r} "
                f"is not the recount's {value!r}"
            )
    if results.get("published_at") is not None:
        _entry(round_entries, "round.results_published", config["round_id"])
    for entry in decisions:
        report.facts.append(
            f"entry {entry['seq']} ({TIE_DECIDED}): tie decided by the council, order "
            f"{entry['data'].get('order')}, replayed in the recount"
        )
    report.facts.append(
        f"{RESULTS}: recounted with {outcome.rule} (satisfaction {outcome.satisfaction or '-'}, "
        f"tie-break {outcome.tie_break}): selection {list(outcome.selected)}, total cost "
        f"{recounted['total_cost']} and the whole trace match the published result and entry "
        f"{closed['seq']}"
    )


TIE_DECIDED = "round.tie_decided"


def _decided_order(entry: Mapping[str, Any]) -> list[str]:
    order = entry["data"].get("order")
    if not isinstance(order, list) or not all(type(pid) is int for pid in order):
        raise VerificationFailed(
            f"{LOG}: entry {entry['seq']} ({TIE_DECIDED}) has no list of project numbers"
        )
    return [str(pid) for pid in order]


def instance_from_config(config: Mapping[str, Any], vote_type: str) -> Instance:
    """The election a frozen round configuration describes: the one input the platform's tally
    and every verifier start from. `min_project_score` (threshold rules) became part of the
    configuration in `pb-round-config-2`; older configurations have none."""
    threshold = config.get("min_project_score")
    meta = {"vote_type": vote_type}
    if threshold:
        meta["min_project_score_threshold"] = str(threshold)
    return Instance(
        budget=config["budget"],
        projects=tuple(
            Project(str(p["id"]), p["cost"], p["title"], (p["category"],))
            for p in config["projects"]
        ),
        meta=meta,
    )


def allocate_from_config(
    config: Mapping[str, Any], profile: Profile, decided_ties: Sequence[Sequence[str]] = ()
) -> Any:
    """Run the configuration's rule, satisfaction and tie-break (with its seed), applying the
    council's tie decisions (`round.tie_decided` entries) in the order they were made."""
    return allocate(
        instance_from_config(config, profile.vote_type),
        profile,
        config["rule"],
        satisfaction=config["satisfaction"],
        tie_break=config["tie_break"],
        seed=config["tie_break_seed"],
        conflicts=config.get("conflicts", ()),
        decided_ties=decided_ties,
    )


def recount(
    config: Mapping[str, Any], ballots: Ballots, decided_ties: Sequence[Sequence[str]] = ()
) -> Any:
    """The outcome of the round's rule and tie-break (and tie decisions) on these ballots."""
    try:
        profile = Profile(ballots.vote_type, ballots.engine_ballots())
        return allocate_from_config(config, profile, decided_ties)
    except AllocationError as error:
        raise VerificationFailed(f"{CONFIG}: the recount cannot run ({error})") from None


def _compare_outcomes(published: Any, recounted: dict[str, Any]) -> None:
    if not isinstance(published, dict):
        raise VerificationFailed(f"{RESULTS}: no outcome")
    if published.get("selected") != recounted["selected"]:
        raise VerificationFailed(
            f"{RESULTS}: the published selection {published.get('selected')} is not the "
            f"recount's {recounted['selected']}"
        )
    for name in sorted(set(published) | set(recounted)):
        if name == "trace":
            continue
        if canonical_json(published.get(name)) != canonical_json(recounted.get(name)):
            raise VerificationFailed(f"{RESULTS}: outcome {name} differs from the recount")
    steps = published.get("trace")
    if not isinstance(steps, list) or len(steps) != len(recounted["trace"]):
        raise VerificationFailed(f"{RESULTS}: the trace does not have one step per project")
    for number, (step, again) in enumerate(zip(steps, recounted["trace"], strict=True), 1):
        if canonical_json(step) != canonical_json(again):
            raise VerificationFailed(
                f"{RESULTS}: trace step {number} (project {again['project']}) differs from the "
                "recount"
            )


def _check_lines(
    results: Mapping[str, Any], recounted: Mapping[str, Any], ballots: Ballots
) -> None:
    lines = results.get("projects")
    if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
        raise VerificationFailed(f"{RESULTS}: no project lines")
    votes = ballots.votes()
    selected = {int(pid) for pid in recounted["selected"]}
    ids = [line.get("id") for line in lines]
    if not all(type(pid) is int for pid in ids) or sorted(ids) != sorted(
        int(pid) for pid in recounted["scores"]
    ):
        raise VerificationFailed(f"{RESULTS}: the project lines are not the ballot's projects")
    for line in lines:
        pid = line["id"]
        if line.get("votes") != votes.get(pid, 0):
            raise VerificationFailed(
                f"{RESULTS}: project {pid} shows {line.get('votes')} votes; the ballots give "
                f"{votes.get(pid, 0)}"
            )
        if line.get("funded") is not (pid in selected):
            raise VerificationFailed(f"{RESULTS}: project {pid} is wrongly marked as funded or not")
    if results.get("total_cost") != recounted["total_cost"]:
        raise VerificationFailed(f"{RESULTS}: total_cost is not the recount's")
