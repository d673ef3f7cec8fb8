"""The verifier's ballot and result checks: receipts, counts, and a full recount.

Pure (standard library, `pb.allocation`, the pure parts of `pb.audit`). The recount uses only
data the signed chain commits to: the configuration (its hash is in the log) and the ballots of
ballots.csv (their receipts hash to the digest logged when voting closed). ballots.pb must
describe exactly the same ballots, so that anyone can recount it with other software.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pb.allocation import (
    AllocationError,
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    Project,
    allocate,
)
from pb.allocation.pabulib import PabulibError, parse_string
from pb.audit import pairwise
from pb.audit.bundle import (
    BALLOT_COLUMNS,
    BALLOTS_CSV,
    BALLOTS_PB,
    CONFIG,
    LOG,
    MANIFEST,
    PAPER_CSV,
    RESULTS,
    RESULTS_FORMAT,
    Bundle,
)
from pb.audit.chain import canonical_json, receipt_of, receipts_digest
from pb.audit.verdict import Report, VerificationFailed

# Ballot formats (pb.voting.formats) and the pabulib vote type each is counted as; a test keeps
# this in step with the platform's registry.
VOTE_TYPES_BY_FORMAT: Mapping[str, str] = {
    "approval": "approval",
    "knapsack": "approval",
    "ranked": "ordinal",
    "cumulative": "cumulative",
    "pairwise": "pairwise",
}
HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class CastBallot:
    receipt: str
    ballot_id: str
    choices: dict[int, int]
    config_hash: str = ""  # pb-bundle-2: the configuration version it was cast under


@dataclass(frozen=True)
class Ballots:
    vote_type: str
    items: list[CastBallot]
    receipts: tuple[str, ...] = ()  # pb-bundle-2: listed apart from the ballots
    paper: int = 0  # the last `paper` items are paper ballots (paper.csv), keyed after close

    @property
    def online_items(self) -> list[CastBallot]:
        return self.items[: len(self.items) - self.paper]

    @property
    def paper_items(self) -> list[CastBallot]:
        return self.items[len(self.items) - self.paper :]

    def receipt_list(self) -> list[str]:
        return list(self.receipts) if self.receipts else [b.receipt for b in self.items]

    def engine_ballots(self) -> tuple[Any, ...]:
        return tuple(engine_ballot(self.vote_type, b.choices) for b in self.items)

    def votes(self) -> dict[int, int]:
        """Ballots naming each project (the results table's "votes")."""
        counts: dict[int, int] = {}
        for ballot in self.items:
            named = ballot.choices
            if self.vote_type == "pairwise":  # a pairwise ballot chose the preferred projects
                named = dict.fromkeys(pairwise.preferred(ballot.choices), 1)
            for pid in named:
                counts[pid] = counts.get(pid, 0) + 1
        return counts


def engine_ballot(vote_type: str, choices: Mapping[int, int]) -> Any:
    """A stored ballot (`{project id: value}`; value = 1, a rank or points) for the engine."""
    if vote_type == "ordinal":
        return OrdinalBallot(tuple(str(pid) for pid, _ in sorted(choices.items(), key=_by_value)))
    if vote_type == "cumulative":
        return CumulativeBallot({str(pid): value for pid, value in choices.items()})
    if vote_type == "pairwise":
        return pairwise.engine_ballot(choices)
    return ApprovalBallot(frozenset(str(pid) for pid in choices))


def _by_value(item: tuple[int, int]) -> int:
    return item[1]


def vote_type_of(config: Mapping[str, Any]) -> str:
    vote_type = VOTE_TYPES_BY_FORMAT.get(config.get("ballot_format"))  # type: ignore[arg-type]
    if vote_type is None:
        raise VerificationFailed(
            f"{CONFIG}: unknown ballot format {config.get('ballot_format')!r} "
            f"(this verifier knows {', '.join(VOTE_TYPES_BY_FORMAT)})"
        )
    return vote_type


def check_ballots(
    bundle: Bundle, config: Mapping[str, Any], config_hash: str, report: Report
) -> Ballots:
    """ballots.csv: every receipt matches its ballot; ballots.pb holds the same ballots."""
    vote_type = vote_type_of(config)
    projects = {p["id"]: p["cost"] for p in config["projects"]}
    rows = list(csv.reader(io.StringIO(bundle.text(BALLOTS_CSV), newline="")))
    if not rows or tuple(rows[0]) != BALLOT_COLUMNS:
        raise VerificationFailed(f"{BALLOTS_CSV}: the header must be {','.join(BALLOT_COLUMNS)}")
    items: list[CastBallot] = []
    ballot_ids: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        ballot = _csv_ballot(row, line, config, config_hash, projects, vote_type)
        if items and ballot.receipt <= items[-1].receipt:
            problem = "appears twice" if ballot.receipt == items[-1].receipt else "is out of order"
            raise VerificationFailed(
                f"{BALLOTS_CSV} line {line}: receipt {ballot.receipt} {problem} "
                "(ballots are listed once each, sorted by receipt)"
            )
        if ballot.ballot_id in ballot_ids:
            raise VerificationFailed(f"{BALLOTS_CSV} line {line}: ballot id appears twice")
        ballot_ids.add(ballot.ballot_id)
        items.append(ballot)
    ballots = Ballots(vote_type, items)
    ballots, other_file = check_other_file(bundle, config, projects, ballots)
    report.facts.append(
        f"{BALLOTS_CSV}: {len(items)} ballots, each receipt matches its ballot; {other_file} "
        "holds the same ballots"
    )
    return ballots


def _csv_ballot(
    row: list[str],
    line: int,
    config: Mapping[str, Any],
    config_hash: str,
    projects: Mapping[int, int],
    vote_type: str,
) -> CastBallot:
    where = f"{BALLOTS_CSV} line {line}"
    if len(row) != len(BALLOT_COLUMNS):
        raise VerificationFailed(f"{where}: {len(row)} fields, expected {len(BALLOT_COLUMNS)}")
    receipt, ballot_id, cast_under, choices_text = row
    if len(receipt) != 64 or not set(receipt) <= HEX:
        raise VerificationFailed(f"{where}: the receipt is not 64 lowercase hex digits")
    if not ballot_id or len(ballot_id) > 64:
        raise VerificationFailed(f"{where}: the ballot id is empty or too long")
    if cast_under != config_hash:
        raise VerificationFailed(f"{where}: cast under configuration {cast_under}, not this one")
    choices = parse_choices(choices_text, where, projects, vote_type)
    if receipt_of(config["round_id"], ballot_id, choices) != receipt:
        raise VerificationFailed(
            f"{where}: receipt {receipt} does not match the ballot's contents (ballot changed)"
        )
    return CastBallot(receipt, ballot_id, choices)


def check_other_file(
    bundle: Bundle, config: Mapping[str, Any], projects: Mapping[int, int], ballots: Ballots
) -> tuple[Ballots, str]:
    """ballots.pb (or pairwise.csv for a pairwise round) holds the same ballots; the ballots as
    the recount needs them, and the file's name."""
    try:
        pairwise.check_files(bundle.files, ballots.vote_type)
    except pairwise.PairwiseFormatError as error:
        raise VerificationFailed(str(error)) from None
    if ballots.vote_type == "pairwise":
        return _check_pairwise(bundle, ballots), pairwise.PAIRWISE_CSV
    check_pabulib(bundle, config, projects, ballots)
    return ballots, BALLOTS_PB


def parse_choices(
    text: str, where: str, projects: Mapping[int, int], vote_type: str
) -> dict[int, int]:
    """A ballot's choices cell: canonical, known projects, values valid for the vote type."""
    choices = _choices(text, where, projects)
    problem = _value_problem(vote_type, list(choices.values()))
    if problem is None and vote_type == "pairwise":
        problem = _pairwise_problem(choices)
    if problem:
        raise VerificationFailed(f"{where}: {problem}")
    return choices


def _choices(text: str, where: str, projects: Mapping[int, int]) -> dict[int, int]:
    try:
        pairs = json.loads(text)
        canonical = canonical_json(pairs)
    except (json.JSONDecodeError, TypeError):
        raise VerificationFailed(f"{where}: choices are not canonical JSON") from None
    valid = isinstance(pairs, list) and all(
        isinstance(p, list) and len(p) == 2 and all(type(v) is int for v in p) for p in pairs
    )
    if not valid or canonical != text:
        raise VerificationFailed(
            f"{where}: choices must be [[project, value], ...] as canonical JSON"
        )
    ids = [pid for pid, _ in pairs]
    if ids != sorted(set(ids)):
        raise VerificationFailed(f"{where}: choices must be sorted by project, each once")
    unknown = [pid for pid in ids if pid not in projects]
    if unknown:
        raise VerificationFailed(f"{where}: project {unknown[0]} is not on the ballot")
    return {pid: value for pid, value in pairs}


def _check_pairwise(bundle: Bundle, ballots: Ballots) -> Ballots:
    """pairwise.csv holds exactly the comparisons of ballots.csv; the recount reads them from
    pairwise.csv (pabulib has no pairwise type: this file takes the place of ballots.pb)."""
    text = bundle.text(pairwise.PAIRWISE_CSV)
    try:
        # pb-bundle-2 names each ballot by its id (receipts are listed apart)
        pairwise.same_ballots(text, [(_label(b), b.choices) for b in ballots.items])
        found = pairwise.read_csv(text)
    except pairwise.PairwiseFormatError as error:
        raise VerificationFailed(str(error)) from None
    items = [
        CastBallot(b.receipt, b.ballot_id, pairwise.encode(found[_label(b)]), b.config_hash)
        for b in ballots.items
    ]
    return Ballots(ballots.vote_type, items, ballots.receipts, ballots.paper)


def _label(ballot: CastBallot) -> str:
    return ballot.receipt or ballot.ballot_id


def _value_problem(vote_type: str, values: list[int]) -> str | None:
    if any(value < 1 for value in values):
        return "every value must be a positive integer"
    if vote_type == "approval" and any(value != 1 for value in values):
        return "an approval ballot gives each chosen project the value 1"
    if vote_type == "ordinal" and sorted(values) != list(range(1, len(values) + 1)):
        return "a ranking must use the ranks 1, 2, 3... once each"
    return None


def _pairwise_problem(choices: dict[int, int]) -> str | None:
    try:
        if not choices:
            return "a pairwise ballot answers at least one pair"
        pairwise.decode(choices)
    except pairwise.PairwiseFormatError as error:
        return str(error)
    return None


def check_pabulib(
    bundle: Bundle, config: Mapping[str, Any], projects: Mapping[int, int], ballots: Ballots
) -> None:
    try:
        election = parse_string(bundle.text(BALLOTS_PB))
    except PabulibError as error:
        raise VerificationFailed(f"{BALLOTS_PB}: {error}") from None
    instance, profile = election.instance, election.profile
    if instance.meta.get("vote_type") != ballots.vote_type:
        raise VerificationFailed(f"{BALLOTS_PB}: vote_type is not {ballots.vote_type}")
    if instance.budget != config["budget"]:
        raise VerificationFailed(f"{BALLOTS_PB}: the budget differs from {CONFIG}")
    listed = {project.id: project.cost for project in instance.projects}
    if listed != {str(pid): cost for pid, cost in projects.items()}:
        raise VerificationFailed(f"{BALLOTS_PB}: the projects or their costs differ from {CONFIG}")
    listed = f"{BALLOTS_CSV} and {PAPER_CSV} have" if ballots.paper else f"{BALLOTS_CSV} has"
    if len(profile.ballots) != len(ballots.items):
        raise VerificationFailed(
            f"{BALLOTS_PB}: {len(profile.ballots)} votes, but {listed} {len(ballots.items)} ballots"
        )
    expected = ballots.engine_ballots()
    for ballot, cast, wanted in zip(profile.ballots, ballots.items, expected, strict=True):
        same = _same_ballot(ballot, wanted)
        label = cast.receipt or cast.ballot_id  # pb-bundle-2: voters are named by ballot id
        if ballot.voter_id != label or not same:
            raise VerificationFailed(
                f"{BALLOTS_PB}: the vote of voter {ballot.voter_id} is not ballot {label} "
                f"of {BALLOTS_CSV} (votes are listed in the order of {BALLOTS_CSV})"
            )


def _same_ballot(read: Any, wanted: Any) -> bool:
    if isinstance(wanted, CumulativeBallot):
        return isinstance(read, CumulativeBallot) and dict(read.points) == dict(wanted.points)
    if isinstance(wanted, OrdinalBallot):
        return isinstance(read, OrdinalBallot) and read.ranking == wanted.ranking
    return isinstance(read, ApprovalBallot) and read.projects == wanted.projects


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
