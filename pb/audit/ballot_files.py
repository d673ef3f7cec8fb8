"""The bundle's ballot files: ballots.csv (every receipt matches its ballot), and ballots.pb (or
pairwise.csv for a pairwise round) holding exactly the same ballots, so that anyone can recount
them with other software.

Pure (standard library, `pb.allocation`, the pure parts of `pb.audit`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from pb.allocation import ApprovalBallot, CumulativeBallot, OrdinalBallot
from pb.allocation.pabulib import PabulibError, parse_string
from pb.audit import pairwise
from pb.audit.bundle import BALLOT_COLUMNS, BALLOTS_CSV, BALLOTS_PB, CONFIG, PAPER_CSV, Bundle
from pb.audit.cast_ballots import HEX, Ballots, CastBallot, parse_choices, vote_type_of
from pb.audit.chain import receipt_of
from pb.audit.verdict import Report, VerificationFailed


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
    # pb-bundle-2 lists receipts apart: its ballots are named by their ballot id
    return ballot.receipt or ballot.ballot_id


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
        label = _label(cast)
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
