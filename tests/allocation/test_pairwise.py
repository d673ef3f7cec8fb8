"""The pairwise ballot and its rule: head-to-head counts, Copeland scores, greedy under budget."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pb.allocation import (
    RULES,
    InvalidElectionError,
    Outcome,
    PairwiseBallot,
    Profile,
    UnsupportedVoteTypeError,
    allocate,
)
from pb.allocation.pairwise import copeland_scores, head_to_head, records
from pb.allocation.types import ApprovalBallot, Instance, Project

RULE = "pairwise-copeland"


def election(costs: dict[str, int], budget: int) -> Instance:
    return Instance(budget, tuple(Project(pid, cost) for pid, cost in costs.items()))


def ballots(*answers: tuple[tuple[str, str], ...], weight: int = 1) -> list[PairwiseBallot]:
    return [PairwiseBallot(pairs, weight=weight) for pairs in answers]


def test_a_hand_worked_election() -> None:
    """Four projects, budget 100. Head to head: a beats b (2-1), a beats c (1-0), b beats c
    (1-0), d beats c (2-0); a-d, b-d never compared: draws. Copeland (2 per win, 1 per draw):
    a 2+2+1 = 5, d 2+1+1 = 4, b 0+2+1 = 3, c 0. Greedy: a (60, 40 left), d (40, 0 left); b (50)
    and c (10) no longer fit."""
    instance = election({"a": 60, "b": 50, "c": 10, "d": 40}, 100)
    profile = Profile(
        "pairwise",
        ballots(
            (("a", "b"), ("d", "c")),
            (("a", "b"), ("a", "c")),
            (("b", "a"), ("b", "c")),
            (("d", "c"),),
        ),
    )
    assert head_to_head(profile)[("a", "b")] == 2
    assert copeland_scores(instance, profile) == {"a": 5, "b": 3, "c": 0, "d": 4}
    outcome = allocate(instance, profile, RULE)
    assert outcome.selected == ("a", "d")
    assert outcome.total_cost == 100
    assert outcome.step("b").reason == "does_not_fit"
    assert outcome.step("c").reason == "does_not_fit"
    record = outcome.details["pairwise"]["a"]
    assert record == {
        "wins": 2,
        "draws": 1,
        "losses": 0,
        "preferred": 3,
        "compared": 4,
        "score": 5,
    }


def test_ties_in_score_follow_the_chosen_tie_break() -> None:
    """A Condorcet cycle (a>b, b>c, c>a): every project scores 2. The tie-break decides."""
    instance = election({"a": 60, "b": 50, "c": 30}, 100)
    profile = Profile("pairwise", ballots((("a", "b"),), (("b", "c"),), (("c", "a"),)))
    assert set(copeland_scores(instance, profile).values()) == {2}
    assert allocate(instance, profile, RULE).selected == ("a", "c")
    assert allocate(instance, profile, RULE, tie_break="lowest-cost").selected == ("c", "b")


def test_weights_count_as_that_many_voters() -> None:
    instance = election({"a": 10, "b": 10}, 10)
    heavy = Profile("pairwise", [*ballots((("b", "a"),), weight=3), *ballots((("a", "b"),))])
    spread = Profile(
        "pairwise", ballots((("b", "a"),), (("b", "a"),), (("b", "a"),), (("a", "b"),))
    )
    assert allocate(instance, heavy, RULE).selected == ("b",)
    assert allocate(instance, heavy, RULE) == allocate(instance, spread, RULE)


def test_no_ballots_means_every_pair_is_a_draw() -> None:
    instance = election({"a": 10, "b": 20, "c": 30}, 30)
    outcome = allocate(instance, Profile("pairwise", ()), RULE)
    assert dict(outcome.scores) == {"a": 2, "b": 2, "c": 2}
    assert outcome.selected == ("a", "b")


@pytest.mark.parametrize(
    "pairs",
    [
        (("a", "a"),),
        (("a", "b"), ("b", "a")),
        (("a", "b"), ("a", "b")),
        (("a", "b", "c"),),
        "ab",
    ],
)
def test_malformed_pairwise_ballots_are_refused(pairs: object) -> None:
    with pytest.raises(InvalidElectionError):
        PairwiseBallot(pairs)  # type: ignore[arg-type]


def test_a_comparison_naming_an_unknown_project_is_refused() -> None:
    instance = election({"a": 10, "b": 10}, 10)
    with pytest.raises(InvalidElectionError, match="unknown project 'z'"):
        allocate(instance, Profile("pairwise", ballots((("a", "z"),))), RULE)


def test_the_rule_counts_pairwise_ballots_only_and_others_refuse_them() -> None:
    assert RULES[RULE].vote_types == ("pairwise",)
    instance = election({"a": 10, "b": 10}, 10)
    with pytest.raises(UnsupportedVoteTypeError):
        allocate(instance, Profile("approval", (ApprovalBallot(frozenset({"a"})),)), RULE)
    for name, spec in RULES.items():
        if name != RULE:
            assert "pairwise" not in spec.vote_types
    with pytest.raises(UnsupportedVoteTypeError):
        allocate(instance, Profile("pairwise", ballots((("a", "b"),))), "greedy")


@st.composite
def pairwise_elections(draw: st.DrawFn) -> tuple[Instance, Profile]:
    count = draw(st.integers(2, 6))
    ids = [f"p{i}" for i in range(count)]
    costs = {pid: draw(st.integers(1, 50)) for pid in ids}
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    ballot = st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True).flatmap(
        lambda chosen: st.tuples(*[st.sampled_from([p, p[::-1]]) for p in chosen])
    )
    answers = draw(st.lists(ballot, max_size=12))
    budget = draw(st.integers(0, sum(costs.values())))
    return election(costs, budget), Profile("pairwise", ballots(*answers))


@settings(max_examples=150, deadline=None)
@given(pairwise_elections(), st.randoms(use_true_random=False))
def test_within_budget_deterministic_order_independent_and_fully_traced(
    drawn: tuple[Instance, Profile], rnd: random.Random
) -> None:
    instance, profile = drawn
    outcome = allocate(instance, profile, RULE)
    assert outcome.total_cost <= instance.budget
    assert sorted(step.project for step in outcome.trace) == sorted(instance.project_ids)
    shuffled = list(profile.ballots)
    rnd.shuffle(shuffled)
    assert allocate(instance, Profile("pairwise", shuffled), RULE) == outcome
    assert Outcome.from_json(outcome.to_json()) == outcome
    # greedy by score: every project left out no longer fitted when its turn came
    for step in outcome.trace:
        if not step.selected:
            assert step.cost > step.remaining_budget
    # funded projects come in non-increasing score order
    funded = [outcome.scores[pid] for pid in outcome.selected]
    assert funded == sorted(funded, reverse=True)


@settings(max_examples=150, deadline=None)
@given(pairwise_elections(), st.data())
def test_preferring_a_project_never_lowers_its_score_nor_raises_anyone_elses(
    drawn: tuple[Instance, Profile], data: st.DataObject
) -> None:
    instance, profile = drawn
    winner, loser = data.draw(st.permutations(instance.project_ids))[:2]
    before = copeland_scores(instance, profile)
    more = Profile("pairwise", (*profile.ballots, PairwiseBallot(((winner, loser),))))
    after = copeland_scores(instance, more)
    assert after[winner] >= before[winner]
    assert all(after[pid] <= before[pid] for pid in instance.project_ids if pid != winner)
    assert (
        sum(before.values())
        == sum(after.values())
        == len(instance.project_ids) * (len(instance.project_ids) - 1)
    )


@settings(max_examples=100, deadline=None)
@given(pairwise_elections())
def test_records_add_up(drawn: tuple[Instance, Profile]) -> None:
    instance, profile = drawn
    found = records(instance, profile)
    others = len(instance.project_ids) - 1
    assert all(r.wins + r.draws + r.losses == others for r in found.values())
    assert sum(r.wins for r in found.values()) == sum(r.losses for r in found.values())
    comparisons = sum(len(b.comparisons) * b.weight for b in profile.ballots)
    assert sum(r.preferred for r in found.values()) == comparisons
    assert sum(r.compared for r in found.values()) == 2 * comparisons
