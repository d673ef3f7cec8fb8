"""Properties every rule must have, on random small elections (hypothesis), plus agreement with
the naive reference implementations in `reference.py`."""

from __future__ import annotations

import dataclasses
import os
import random
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.allocation import (
    RULES,
    ApprovalBallot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    Project,
    allocate,
)
from pb.allocation.accelerators import Accelerators
from pb.allocation.conflicts import first_clash, normalize_groups
from pb.allocation.tiebreak import priority

from . import reference

# PB_HYPOTHESIS_EXAMPLES=5000 for a thorough run; the default keeps the suite quick.
SETTINGS = settings(
    max_examples=int(os.environ.get("PB_HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def elections(draw: st.DrawFn, vote_types: tuple[str, ...] = ("approval", "cumulative", "ordinal")):
    vote_type = draw(st.sampled_from(vote_types))
    count = draw(st.integers(1, 5))
    ids = [f"p{i}" for i in range(count)]
    costs = draw(st.lists(st.integers(1, 30), min_size=count, max_size=count))
    budget = draw(st.integers(0, 70))
    instance = Instance(budget, tuple(Project(pid, c) for pid, c in zip(ids, costs, strict=True)))
    size = draw(st.integers(0, 6))
    ballots = []
    for _ in range(size):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=count))
        if vote_type == "approval":
            ballots.append(ApprovalBallot(frozenset(chosen)))
        elif vote_type == "ordinal":
            ballots.append(OrdinalBallot(tuple(chosen)))
        else:
            points = draw(st.lists(st.integers(1, 4), min_size=len(chosen), max_size=len(chosen)))
            ballots.append(CumulativeBallot(dict(zip(chosen, points, strict=True))))
    return instance, Profile(vote_type, tuple(ballots))


def combos(vote_type: str) -> list[tuple[str, str | None]]:
    return [
        (name, sat)
        for name, spec in RULES.items()
        if vote_type in spec.vote_types
        for sat in (spec.satisfactions_for(vote_type) or (None,))
    ]


def threshold(instance: Instance) -> Instance:
    return Instance(instance.budget, instance.projects, {"min_project_score_threshold": "2"})


def over_budget(outcome, instance: Instance) -> Fraction:
    """What a rule may spend past the budget: at most (1 - share) of the reserve project's
    cost under greedy-custom, nothing under every other rule."""
    if RULES[outcome.rule].within_budget:
        return Fraction(0)
    reserved = outcome.details.get("reserve_project")
    if reserved is None:
        return Fraction(0)
    cost = instance.by_id[reserved].cost
    used = Fraction(outcome.details["reserve_used"])
    assert 0 < used <= (1 - Fraction(outcome.details["reserve_share"])) * cost
    return used


@SETTINGS
@given(elections(), st.randoms(use_true_random=False))
def test_every_rule_is_feasible_deterministic_order_independent_and_fully_traced(
    election: tuple[Instance, Profile], rng: random.Random
) -> None:
    instance, profile = election
    instance = threshold(instance)
    shuffled = list(profile.ballots)
    rng.shuffle(shuffled)
    other_order = Profile(profile.vote_type, tuple(shuffled))
    for rule, satisfaction in combos(profile.vote_type):
        outcome = allocate(instance, profile, rule, satisfaction=satisfaction)
        assert outcome.total_cost <= instance.budget + over_budget(outcome, instance)
        assert outcome.total_cost == sum(instance.by_id[p].cost for p in outcome.selected)
        assert allocate(instance, profile, rule, satisfaction=satisfaction) == outcome
        assert allocate(instance, other_order, rule, satisfaction=satisfaction) == outcome
        traced = [step.project for step in outcome.trace]
        assert sorted(traced) == sorted(instance.project_ids)
        assert tuple(s.project for s in outcome.trace if s.selected) == outcome.selected
        assert all(s.reason == "selected" for s in outcome.trace if s.selected)
        assert all(s.reason != "selected" for s in outcome.trace if not s.selected)
        lowest = -over_budget(outcome, instance)
        assert all(lowest <= s.remaining_budget <= instance.budget for s in outcome.trace)


@SETTINGS
@given(elections())
def test_equal_shares_matches_the_reference_and_payments_stay_within_shares(
    election: tuple[Instance, Profile],
) -> None:
    instance, profile = election
    for satisfaction in RULES["equalshares"].satisfactions_for(profile.vote_type):
        outcome = allocate(instance, profile, "equalshares", satisfaction=satisfaction)
        rank = priority("lexicographic", instance, {}, None)
        selected, paid = reference.mes(instance, profile, satisfaction, instance.budget, rank)
        assert list(outcome.selected) == selected
        voters = profile.num_voters
        share = Fraction(instance.budget, voters) if voters else 0
        for payments in paid:
            assert sum(payments.values(), Fraction(0)) <= share
        for step in outcome.trace:
            if step.selected:
                assert step.payments.total == step.cost
                assert step.payments.max_payment <= share


@SETTINGS
@given(elections(), st.booleans(), st.booleans())
def test_add1_matches_the_step_by_step_reference(
    election: tuple[Instance, Profile], integral: bool, exhaustive: bool
) -> None:
    instance, profile = election
    from pb.allocation import completion
    from pb.allocation.counting import count_votes
    from pb.allocation.election import Election

    satisfaction = RULES["equalshares"].default_satisfaction(profile.vote_type)
    votes = count_votes(profile)
    rank = priority("lexicographic", instance, votes, None)
    prepared = Election(instance, profile, satisfaction, "lexicographic", None, rank, votes)
    variant = completion.Add1(integral_start=integral, exhaustive_stop=exhaustive)
    done = completion.add1(prepared, variant)
    expected = reference.add1(
        instance, profile, satisfaction, rank, integral=integral, exhaustive=exhaustive
    )
    assert done.run.selected == expected
    assert completion.add1(prepared, variant, search=False).run.selected == expected


@SETTINGS
@given(elections(("approval",)))
def test_phragmen_matches_the_reference(election: tuple[Instance, Profile]) -> None:
    instance, profile = election
    rank = priority("lexicographic", instance, {}, None)
    assert list(allocate(instance, profile, "phragmen").selected) == reference.phragmen(
        instance, profile, rank
    )


@SETTINGS
@given(elections())
def test_max_welfare_is_optimal_and_beats_every_rule_by_its_own_measure(
    election: tuple[Instance, Profile],
) -> None:
    instance, profile = election
    instance = threshold(instance)
    for satisfaction in RULES["max-welfare"].satisfactions_for(profile.vote_type):
        best = allocate(instance, profile, "max-welfare", satisfaction=satisfaction)
        value = reference.welfare(instance, profile, satisfaction, best.selected)
        assert value == reference.best_welfare(instance, profile, satisfaction)
        for rule, other_sat in combos(profile.vote_type):
            if not RULES[rule].within_budget:
                continue  # the reserve buys more than the budget allows
            other = allocate(instance, profile, rule, satisfaction=other_sat)
            assert reference.welfare(instance, profile, satisfaction, other.selected) <= value


@SETTINGS
@given(elections(("approval",)), st.sampled_from(["lexicographic", "lowest-cost", "most-votes"]))
def test_outcomes_survive_a_json_round_trip(
    election: tuple[Instance, Profile], tie_break: str
) -> None:
    from pb.allocation import Outcome

    instance, profile = election
    for rule, satisfaction in combos(profile.vote_type):
        outcome = allocate(
            threshold(instance), profile, rule, satisfaction=satisfaction, tie_break=tie_break
        )
        assert Outcome.from_json(outcome.to_json()) == outcome


@SETTINGS
@given(elections(), st.integers(1, 400), st.data())
def test_the_floating_point_path_decides_like_the_exact_one_or_gives_up(
    election: tuple[Instance, Profile], total: int, data: st.DataObject
) -> None:
    from pb.allocation import equal_shares, equal_shares_exact, equal_shares_float
    from pb.allocation.counting import count_votes
    from pb.allocation.election import Election

    instance, profile = election
    options = RULES["equalshares"].satisfactions_for(profile.vote_type)
    satisfaction = data.draw(st.sampled_from(options))
    votes = count_votes(profile)
    rank = priority("lexicographic", instance, votes, None)
    prep = equal_shares.prepare(
        Election(instance, profile, satisfaction, "lexicographic", None, rank, votes)
    )
    # the NumPy books (if installed) from any size, or the pure ones
    accelerators = Accelerators(numpy=data.draw(st.booleans()), mes_min_voters=0)
    prep = dataclasses.replace(prep, accelerators=accelerators)
    exact = equal_shares_exact.run(prep, Fraction(total, 7))
    try:
        floating = equal_shares_float.run(prep, Fraction(total, 7))
    except equal_shares_float.Uncertain:
        return
    assert floating.selected == exact.selected
    for (low, high, rational, _rank), selection in zip(
        floating.keys, exact.selections, strict=True
    ):  # every price proven within its interval
        assert low <= selection.rho <= high
        assert rational is None or rational == selection.rho


@st.composite
def with_conflicts(draw: st.DrawFn):
    instance, profile = draw(elections())
    ids = list(instance.project_ids)
    groups = []
    if len(ids) >= 2:
        for _ in range(draw(st.integers(1, 3))):
            groups.append(draw(st.lists(st.sampled_from(ids), min_size=2, unique=True)))
    return instance, profile, groups


@SETTINGS
@given(with_conflicts())
def test_no_two_conflicting_projects_are_ever_both_funded_under_any_rule(election) -> None:
    instance, profile, groups = election
    instance = threshold(instance)
    for rule, satisfaction in combos(profile.vote_type):
        outcome = allocate(instance, profile, rule, satisfaction=satisfaction, conflicts=groups)
        for group in groups:
            assert len(set(group) & set(outcome.selected)) <= 1, (rule, group)
        assert sorted(s.project for s in outcome.trace) == sorted(instance.project_ids)
        for pid, rival in outcome.details.get("withdrawn", {}).items():
            assert outcome.step(pid).reason == "conflict"
            assert any(pid in group and rival in group for group in groups)
        plain = allocate(instance, profile, rule, satisfaction=satisfaction)
        if first_clash(plain.trace, normalize_groups(instance, groups)) is None:
            assert outcome.selected == plain.selected  # conflicts that never bite change nothing
        if rule in SEQUENTIAL and satisfaction != "cardinality":  # ranked by score alone
            expected = reference_skip(instance, plain.scores, rule, groups)
            assert list(outcome.selected) == expected


SEQUENTIAL = ("greedy", "greedy-exclusive", "greedy-no-skip")


def reference_skip(instance: Instance, scores, rule: str, groups) -> list[str]:
    """Greedy that skips, as it goes, a project conflicting with one already funded."""
    rank = priority("lexicographic", instance, {}, None)
    order = sorted(instance.project_ids, key=lambda p: (-scores[p], rank[p]))
    chosen: list[str] = []
    left = instance.budget
    limit = instance.min_project_score_threshold if rule == "greedy-no-skip" else None
    for pid in order:
        if limit is not None and scores[pid] < limit:
            continue
        if any(pid in g and set(g) & set(chosen) for g in groups):
            continue
        cost = instance.by_id[pid].cost
        if cost <= left:
            chosen.append(pid)
            left -= cost
        elif rule == "greedy-no-skip":
            break
    return chosen
