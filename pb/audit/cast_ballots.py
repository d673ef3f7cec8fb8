"""Cast ballots as the verifier reads them: the ballot and ballot-list types, the vote type of
each ballot format, a ballot's choices cell checked, and a stored ballot as the engine counts it.

Pure (standard library, `pb.allocation`, the pure parts of `pb.audit`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pb.allocation import ApprovalBallot, CumulativeBallot, OrdinalBallot
from pb.audit import pairwise
from pb.audit.bundle import CONFIG
from pb.audit.chain import canonical_json
from pb.audit.verdict import VerificationFailed

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
