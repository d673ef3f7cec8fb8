"""Tie-breaking orders are explicit, total and reproducible."""

from __future__ import annotations

import hashlib

import pytest

from pb.allocation import TIE_BREAKS, Instance, Project, UnknownTieBreakError
from pb.allocation.tiebreak import lottery_digest, priority

INSTANCE = Instance(100, (Project("9", 30), Project("10", 20), Project("b", 20), Project("a", 50)))
VOTES = {"9": 5, "10": 1, "b": 3, "a": 3}


def order(name: str, seed: object = None) -> list[str]:
    ranks = priority(name, INSTANCE, VOTES, seed)  # type: ignore[arg-type]
    return sorted(ranks, key=ranks.__getitem__)


def test_lexicographic_compares_ids_as_strings_like_pabutools() -> None:
    assert order("lexicographic") == ["10", "9", "a", "b"]


def test_lowest_cost_then_most_votes_then_id() -> None:
    assert order("lowest-cost") == ["b", "10", "9", "a"]


def test_most_votes_then_lowest_cost_then_id() -> None:
    assert order("most-votes") == ["9", "b", "a", "10"]


def test_lottery_is_the_sha256_order_of_the_published_seed() -> None:
    expected = sorted(
        INSTANCE.project_ids, key=lambda pid: hashlib.sha256(f"s1:{pid}".encode()).hexdigest()
    )
    assert order("lottery", "s1") == expected
    assert lottery_digest("s1", "a") == hashlib.sha256(b"s1:a").hexdigest()
    assert order("lottery", 42) == order("lottery", "42")
    assert order("lottery", "s1") != order("lottery", "s2") or order("lottery", "s3")


def test_lottery_needs_a_seed_and_unknown_rules_are_refused() -> None:
    with pytest.raises(UnknownTieBreakError, match="seed"):
        order("lottery")
    with pytest.raises(UnknownTieBreakError, match="unknown tie-break"):
        order("random")


def test_every_tie_break_has_a_label_and_a_description() -> None:
    for name, spec in TIE_BREAKS.items():
        assert spec.name == name
        assert spec.label and spec.description
