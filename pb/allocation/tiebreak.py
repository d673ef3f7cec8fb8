"""Tie-breaking rules: how the engine chooses between projects a rule cannot tell apart.

Every rule takes the tie-break by name and never relies on a hidden `sorted()` or on set order.
A tie-break is a strict priority order over all projects, fixed before counting starts: whenever
a rule has several equally good projects, it takes the one earliest in that order. The same
order is used at every step (and in every add1 round), as equalshares.net recommends.

- `numeric`: by project number, compared as a number ("9" before "10"): ids made of ASCII digits
  come first, in numeric order (leading zeros ignored, then the shorter id), then any other id
  in code-point order. The default for new rounds of the platform, whose project ids are
  numbers and whose results page says "ties go to the project whose number comes first".
- `lexicographic`: by project id as a string (Python's code-point order), which is how pabutools'
  default `lexico_tie_breaking` orders projects ("10" comes before "9"). The default for
  pabulib files; rounds frozen with it keep it.
- `lowest-cost`: cheapest first; then most votes; then project id.
- `most-votes`: most voters supporting it first; then cheapest; then project id.
- `lottery`: a random order drawn from a published seed: projects are sorted by the SHA-256
  digest of "<seed>:<project id>" (UTF-8), so anyone can redraw the same order with any
  SHA-256 tool. Without a seed there is no lottery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pb.allocation.errors import UnknownTieBreakError
from pb.allocation.types import Instance

TieKey = Callable[[str], tuple]


@dataclass(frozen=True)
class TieBreakSpec:
    """A registered tie-breaking rule."""

    name: str
    label: str
    description: str
    needs_seed: bool
    _key: Callable[[Instance, Mapping[str, int], str | None], TieKey]

    def order(self, instance: Instance, votes: Mapping[str, int], seed: str | None) -> list[str]:
        """All project ids, highest priority first."""
        key = self._key(instance, votes, seed)
        return sorted(instance.project_ids, key=key)


def _lexicographic(instance: Instance, votes: Mapping[str, int], seed: str | None) -> TieKey:
    return lambda pid: (pid,)


def numeric_key(pid: str) -> tuple:
    """Digit-only ids by their number (then the shorter text), before every other id."""
    if pid.isascii() and pid.isdigit():
        return (0, int(pid), len(pid), pid)
    return (1, 0, 0, pid)


def _numeric(instance: Instance, votes: Mapping[str, int], seed: str | None) -> TieKey:
    return numeric_key


def _lowest_cost(instance: Instance, votes: Mapping[str, int], seed: str | None) -> TieKey:
    costs = {p.id: p.cost for p in instance.projects}
    return lambda pid: (costs[pid], -votes.get(pid, 0), pid)


def _most_votes(instance: Instance, votes: Mapping[str, int], seed: str | None) -> TieKey:
    costs = {p.id: p.cost for p in instance.projects}
    return lambda pid: (-votes.get(pid, 0), costs[pid], pid)


def lottery_digest(seed: str, project_id: str) -> str:
    """The hex digest that places `project_id` in the lottery order drawn with `seed`."""
    return hashlib.sha256(f"{seed}:{project_id}".encode()).hexdigest()


def _lottery(instance: Instance, votes: Mapping[str, int], seed: str | None) -> TieKey:
    assert seed is not None
    return lambda pid: (lottery_digest(seed, pid), pid)


TIE_BREAKS: Mapping[str, TieBreakSpec] = MappingProxyType(
    {
        "numeric": TieBreakSpec(
            "numeric",
            "By project number",
            "Ties go to the project whose number comes first, numbers compared as numbers "
            "(project 9 before project 10).",
            False,
            _numeric,
        ),
        "lexicographic": TieBreakSpec(
            "lexicographic",
            "By project id",
            "Ties go to the project whose id comes first in alphabetical (code-point) order, "
            "as pabutools does by default: ids are compared as text, character by character, "
            "so project 10 comes before project 9.",
            False,
            _lexicographic,
        ),
        "lowest-cost": TieBreakSpec(
            "lowest-cost",
            "Lowest cost first",
            "Ties go to the cheapest project; if costs are equal, to the one with more voters; "
            "then by project id.",
            False,
            _lowest_cost,
        ),
        "most-votes": TieBreakSpec(
            "most-votes",
            "Most votes first",
            "Ties go to the project with more voters; if equal, to the cheaper one; then by "
            "project id.",
            False,
            _most_votes,
        ),
        "lottery": TieBreakSpec(
            "lottery",
            "Lottery with a published seed",
            "Ties are broken by a random order drawn from a seed published before counting: "
            "projects are ordered by the SHA-256 digest of '<seed>:<project id>', so anyone can "
            "reproduce the draw.",
            True,
            _lottery,
        ),
    }
)
"""Tie-breaking rules by name; the web app builds its dropdown from this."""


def normalize_seed(seed: int | str | None) -> str | None:
    """The seed as the string that enters the lottery digest."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise UnknownTieBreakError(f"a lottery seed must be an int or a string, not {seed!r}")
    text = str(seed)
    if not text:
        raise UnknownTieBreakError("a lottery seed must not be empty")
    return text


def priority(
    name: str, instance: Instance, votes: Mapping[str, int], seed: int | str | None
) -> dict[str, int]:
    """Project id -> rank in the tie-break order (0 = wins every tie).

    Raises `UnknownTieBreakError` for an unknown name or a lottery without a seed.
    """
    spec = TIE_BREAKS.get(name)
    if spec is None:
        known = ", ".join(TIE_BREAKS)
        raise UnknownTieBreakError(f"unknown tie-break {name!r}; expected one of {known}")
    text_seed = normalize_seed(seed)
    if spec.needs_seed and text_seed is None:
        raise UnknownTieBreakError(f"the {name} tie-break needs a published seed")
    return {pid: rank for rank, pid in enumerate(spec.order(instance, votes, text_seed))}
