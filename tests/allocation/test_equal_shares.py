"""Hand-worked elections for the Method of Equal Shares and its completions."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from pb.allocation import (
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Payments,
    Profile,
    Project,
    allocate,
    completion,
    equal_shares,
    equal_shares_approval,
    equal_shares_exact,
    equal_shares_float,
)
from pb.allocation.rules import RULES

from .conftest import approval

# Four voters, budget 100 (25 each): a (60) by v1 v2 v3, b (40) by v3 v4, c (30) by v4.
FOUR = approval(100, {"a": 60, "b": 40, "c": 30}, [["a"], ["a"], ["a", "b"], ["b", "c"]])


def steps(outcome) -> list[tuple[str, str]]:
    return [(step.project, step.reason) for step in outcome.trace]


def test_plain_equal_shares_worked_by_hand() -> None:
    outcome = allocate(*FOUR, "equalshares")
    # a: three supporters pay 20 each (price 20/60 = 1/3 per unit of cost), leaving v3 with 5.
    # b: v3 (5) + v4 (25) = 30 < 40. c: v4 alone has 25 < 30.
    assert outcome.selected == ("a",)
    assert steps(outcome) == [
        ("a", "selected"),
        ("b", "not_affordable_by_supporters"),
        ("c", "not_affordable_by_supporters"),
    ]
    a = outcome.step("a")
    assert a.price == Fraction(1, 3)
    assert a.payments == Payments(payers=3, total=60, max_payment=20, exhausted=0, supporters=3)
    assert a.phase == "equal-shares"
    assert outcome.step("b").available == 30
    assert outcome.step("c").available == 25
    assert outcome.step("c").remaining_budget == 40
    assert outcome.details["voter_budget"] == 25


def test_add1_raises_shares_until_one_more_unit_would_overspend() -> None:
    # With t per voter: b becomes affordable after a from t = 30; c only once v4 keeps 30 after
    # paying 20 for b, i.e. t = 50, where a, b and c (130) would exceed the budget. So the last
    # per-voter budget that fits is 49: 24 one-unit increments from 25.
    outcome = allocate(*FOUR, "equalshares/add1")
    assert outcome.selected == ("a", "b")
    assert outcome.details["voter_budget"] == 49
    assert outcome.details["add1_increments"] == 24
    assert outcome.details["add1_stop"] == "next_over_budget"
    assert outcome.step("b").payments == Payments(2, 40, 20, 0, supporters=2)
    assert outcome.step("c").available == 29  # v4: 49 - 20


def test_pabutools_add1_stops_as_soon_as_nothing_else_fits() -> None:
    # Starting at exactly 25 per voter, at 30 the outcome {a, b} spends the whole budget: stop.
    outcome = allocate(*FOUR, "equalshares/add1-pabutools")
    assert outcome.selected == ("a", "b")
    assert outcome.details["voter_budget"] == 30
    assert outcome.details["add1_increments"] == 5
    assert outcome.details["add1_stop"] == "exhaustive"
    # at 30 each, v3 has 10 left after a and pays all of it; v4 pays the remaining 30
    assert outcome.step("b").payments == Payments(2, 40, 30, 1, supporters=2)
    assert outcome.step("b").price == Fraction(3, 4)


def test_the_search_over_budgets_gives_the_step_by_step_result() -> None:
    instance, profile = FOUR
    election = _election(instance, profile, "cost")
    for variant in (completion.OFFICIAL, completion.PABUTOOLS):
        fast = completion.add1(election, variant)
        slow = completion.add1(election, variant, search=False)
        assert fast.run.selected == slow.run.selected
        assert fast.increments == slow.increments
        assert fast.stop == slow.stop


def _election(instance, profile, satisfaction):
    from pb.allocation.counting import count_votes
    from pb.allocation.election import Election
    from pb.allocation.tiebreak import priority

    votes = count_votes(profile)
    return Election(
        instance,
        profile,
        satisfaction,
        "lexicographic",
        None,
        priority("lexicographic", instance, votes, None),
        votes,
    )


def test_comparison_step_switches_to_greedy_when_more_voters_prefer_it() -> None:
    # v1, v2 want a (100), v3 wants b (10); budget 100. Equal Shares (add1) can never fund a
    # without overspending (a and b together cost 110), so it funds b. Greedy funds a, which
    # two voters prefer against one: the comparison step keeps greedy.
    instance, profile = approval(100, {"a": 100, "b": 10}, [["a"], ["a"], ["b"]])
    assert allocate(instance, profile, "equalshares/add1").selected == ("b",)
    outcome = allocate(instance, profile, "equalshares/add1-comparison")
    assert outcome.selected == ("a",)
    assert outcome.details["prefers_greedy"] == 2
    assert outcome.details["prefers_equal_shares"] == 1
    assert outcome.details["comparison_winner"] == "greedy"
    assert steps(outcome) == [("a", "selected"), ("b", "lost_comparison")]
    assert outcome.step("a").phase == "comparison"


def test_comparison_keeps_equal_shares_on_a_tie() -> None:
    instance, profile = approval(100, {"a": 100, "b": 10}, [["a"], ["b"]])
    outcome = allocate(instance, profile, "equalshares/add1-comparison")
    assert outcome.details["comparison_winner"] == "equal-shares"


def test_add1u_completes_with_the_most_voted_projects_that_still_fit() -> None:
    # v1..v3 approve a (90); v4 approves b (20) and v5 approves c (15); budget 100.
    # Equal Shares funds a from three shares; b and c each have one supporter, whose share
    # never buys them without also buying the other and overspending... add1 stops at {a}.
    instance, profile = approval(
        100, {"a": 90, "b": 20, "c": 15}, [["a"], ["a"], ["a"], ["b"], ["c"]]
    )
    add1 = allocate(instance, profile, "equalshares/add1")
    add1u = allocate(instance, profile, "equalshares/add1u")
    assert set(add1u.selected) >= set(add1.selected)
    assert add1u.total_cost <= 100
    for step in add1u.trace:
        if step.selected and step.project not in add1.selected:
            assert step.phase == "completion"
    left = 100 - add1u.total_cost
    assert all(step.cost > left or step.score == 0 for step in add1u.trace if not step.selected)


def test_a_project_costing_more_than_the_budget_is_never_bought_by_add1() -> None:
    instance, profile = approval(100, {"big": 150, "small": 20}, [["big"]] * 9 + [["small"]])
    outcome = allocate(instance, profile, "equalshares/add1")
    assert "big" not in outcome.selected
    assert outcome.step("big").reason == "not_affordable_by_supporters"


def test_cardinality_satisfaction_prices_per_project_not_per_unit_of_cost() -> None:
    # a (90) and b (10) have the same two supporters, with 49.50 each. Per unit of cost both
    # cost 1/2 (tie, a first by id), after which 9 is left for b's 10. Counting projects, b
    # costs 5 a head against 45 for a, and after b 89 is left for a's 90.
    instance, profile = approval(99, {"a": 90, "b": 10}, [["a", "b"], ["a", "b"]])
    by_cost = allocate(instance, profile, "equalshares")
    by_count = allocate(instance, profile, "equalshares", satisfaction="cardinality")
    assert by_cost.selected == ("a",)
    assert by_cost.step("a").price == Fraction(1, 2)
    assert by_cost.step("b").available == 9
    assert by_count.selected == ("b",)
    assert by_count.step("b").price == 5
    assert by_count.step("a").available == 89


def test_equal_shares_with_points_charges_in_proportion_to_satisfaction() -> None:
    # Budget 60, two voters (30 each). p (30): v1 gives 2 points, v2 gives 1.
    instance = Instance(60, (Project("p", 30), Project("q", 40)))
    profile = Profile(
        "cumulative", (CumulativeBallot({"p": 2, "q": 1}), CumulativeBallot({"p": 1}))
    )
    outcome = allocate(instance, profile, "equalshares")
    # rho x 2 + rho x 1 = 30 -> rho = 10: v1 pays 20, v2 pays 10.
    assert outcome.selected == ("p",)
    assert outcome.step("p").price == 10
    assert outcome.step("p").payments == Payments(2, 30, 20, 0, supporters=2)


def test_ordinal_equal_shares_uses_positional_scores() -> None:
    instance = Instance(30, (Project("x", 20), Project("y", 20)))
    profile = Profile("ordinal", (OrdinalBallot(("x", "y")), OrdinalBallot(("y", "x"))))
    outcome = allocate(instance, profile, "equalshares")
    # each voter has 15; x: 2*rho + 1*rho = 20 -> rho 20/3 (tie with y, x first by id)
    assert outcome.selected == ("x",)
    assert outcome.step("x").price == Fraction(20, 3)


@pytest.mark.parametrize("rule", [name for name in RULES if name.startswith("equalshares")])
def test_empty_and_missing_ballots(rule: str) -> None:
    instance, profile = approval(100, {"a": 10}, [[], []])
    outcome = allocate(instance, profile, rule)
    if rule == "equalshares/add1u":  # the greedy completion funds what fits, votes or not
        assert outcome.selected == ("a",)
        assert outcome.step("a").phase == "completion"
        return
    assert outcome.selected == ()
    assert outcome.step("a").reason == "no_supporters"
    nobody = approval(100, {"a": 10}, [])
    assert allocate(*nobody, rule).selected == ()


@pytest.mark.parametrize("rule", [name for name in RULES if name.startswith("equalshares")])
def test_a_single_voter_buys_what_their_share_allows(rule: str) -> None:
    instance, profile = approval(50, {"a": 30, "b": 30, "c": 20}, [["a", "b", "c"]])
    outcome = allocate(instance, profile, rule)
    assert outcome.total_cost <= 50
    assert len(outcome.selected) == 2


def test_empty_ballots_count_in_the_equal_split() -> None:
    # Two voters, one empty ballot: the supporter of a only has half the budget.
    instance, profile = approval(100, {"a": 60}, [["a"], []])
    assert allocate(instance, profile, "equalshares").selected == ()
    assert allocate(instance, profile, "equalshares/add1").selected == ("a",)


def test_exact_arithmetic_fallback_gives_the_same_runs() -> None:
    instance, profile = FOUR
    election = _election(instance, profile, "cost")
    prep = equal_shares.prepare(election)
    fast = equal_shares_exact.run(prep, 196)
    plain = equal_shares_exact.run(prep, 196, rational=Fraction)
    assert fast.selected == plain.selected
    assert [s.rho for s in fast.selections] == [s.rho for s in plain.selections]
    assert [s.payments for s in fast.selections] == [s.payments for s in plain.selections]


def _decided_runs(prep, budgets):  # type: ignore[no-untyped-def]
    """(exact run, floating-point run) at each budget where the float path did not give up."""
    for budget in budgets:
        exact = equal_shares_exact.run(prep, budget)
        try:
            floating = equal_shares_float.run(prep, budget)
        except equal_shares_float.Uncertain:
            continue
        yield exact, floating


def test_floating_point_runs_decide_exactly_or_give_up() -> None:
    instance, profile = FOUR
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    for exact, floating in _decided_runs(prep, range(0, 400, 7)):
        assert floating.selected == exact.selected
        replayed = completion.exact_run(prep, floating)
        expected = completion.exact_run(prep, exact)
        assert [s.rho for s in replayed.selections] == [s.rho for s in exact.selections]
        assert [s.payments for s in replayed.selections] == [s.payments for s in exact.selections]
        assert [(d.project, d.available) for d in replayed.drops] == [
            (d.project, d.available) for d in expected.drops
        ]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
def test_floating_point_runs_read_voters_and_groups_alike(seed: int, satisfaction: str) -> None:
    # Some projects are backed mostly by large groups of identical ballots (read once per
    # group, with weights), the others by distinct ballots (read once per voter).
    rng = random.Random(seed)
    costs = {name: rng.randrange(10, 200) for name in "abcdefgh"}
    ballots = [rng.sample("abcdef", rng.randrange(0, 4)) for _ in range(60)]
    heavy = equal_shares_approval.FLAT_LIMIT + 1
    ballots += [["g", "a"]] * rng.randrange(heavy, 40) + [["h"]] * rng.randrange(heavy, 40)
    instance, profile = approval(1000, costs, ballots)
    prep = equal_shares.prepare(_election(instance, profile, satisfaction))
    flat = equal_shares_approval.gather_layout(
        prep, {p: prep.members[p][0][1] for p in prep.projects}
    )[2]
    assert len(flat) >= 2 and "h" in prep.projects and "h" not in flat
    decided = 0
    for exact, floating in _decided_runs(prep, range(0, 3000, 13)):
        decided += 1
        assert floating.selected == exact.selected
        assert [s.rho for s in completion.exact_run(prep, floating).selections] == [
            s.rho for s in exact.selections
        ]
    assert decided > 150


def _exact_prices(prep, run):
    """Per step of `run` (exact or not): every project still in play -> its exact price then,
    or None if its supporters could not pay for it; and, unless the run was cut short (`over`),
    the same after its last selection (where every price is None)."""
    _state, pricer, costs = equal_shares_exact._setup(prep, run.budget, prep.accelerators.rational)
    left = set(prep.projects)
    steps = []
    for selection in run.selections:
        steps.append({pid: pricer.price(pid, costs[pid])[0] for pid in left})
        _rho, plan = pricer.price(selection.project, costs[selection.project])
        pricer.charge(selection.project, plan)
        left.discard(selection.project)
    if not run.over:
        steps.append({pid: pricer.price(pid, costs[pid])[0] for pid in left})
    return steps


def _random_approval(
    rng: random.Random, names: str, *, most: int, voters: int
) -> equal_shares.Prepared:
    """A prepared random approval election (budget 2000, costs 20-299, 1 to `most` choices)."""
    costs = {name: rng.randrange(20, 300) for name in names}
    ballots = [rng.sample(names, rng.randrange(1, most + 1)) for _ in range(voters)]
    instance, profile = approval(2000, costs, ballots)
    return equal_shares.prepare(_election(instance, profile, "cost"))


@pytest.mark.parametrize("seed", range(8))
def test_guided_floating_point_runs_inherit_only_valid_bounds(seed: int) -> None:
    # A chain of runs, each guided by the one just above it (as the add1 search computes them
    # when it steps one unit at a time): the same decisions as unguided exact runs, and every
    # lower bound a run records (and passes on) is at most the exact price at that step, every
    # project it leaves out (not yet selected) unaffordable by then.
    prep = _random_approval(random.Random(seed), "abcdefghij", most=4, voters=80)
    guide = None
    checked = 0
    for budget in range(4000, 800, -80):
        exact = equal_shares_exact.run(prep, budget)
        try:
            floating = equal_shares_float.run(prep, budget, guide=guide)
        except equal_shares_float.Uncertain:
            guide = None
            continue
        assert floating.selected == exact.selected
        for floors, prices in zip(floating.floors, _exact_prices(prep, exact), strict=True):
            for pid, rho in prices.items():
                if pid not in floors:
                    assert rho is None
                elif rho is not None:  # (unaffordable projects may not be found out yet)
                    low, exact_low, _rank = floors[pid]
                    assert low <= rho
                    assert exact_low is None or exact_low <= rho
            checked += 1
        guide = floating
    assert checked > 100


def test_a_guided_run_decides_like_an_unguided_one() -> None:
    instance, profile = FOUR
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    for high in range(0, 400, 9):
        guide = equal_shares_exact.run(prep, high)
        for low in range(0, high + 1, 5):
            plain = equal_shares_exact.run(prep, low)
            assert equal_shares_exact.run(prep, low, guide=guide).selected == plain.selected
            try:
                floating = equal_shares_float.run(prep, low, guide=guide)
            except equal_shares_float.Uncertain:
                continue
            assert floating.selected == plain.selected


@pytest.mark.parametrize("seed", range(4))
def test_a_run_that_repeats_its_guides_selections_ends_where_the_guide_ended(seed: int) -> None:
    # A guide that ran to its end records that nothing was affordable after its last selection;
    # a lower run that made the same selections inherits that, and decides as the exact run.
    prep = _random_approval(random.Random(seed), "abcdefgh", most=3, voters=60)
    inherited = 0
    for high in range(600, 4000, 170):
        try:
            guide = equal_shares_float.run(prep, high)
        except equal_shares_float.Uncertain:
            continue
        assert guide.floors[-1] == {} and len(guide.floors) == len(guide.selections) + 1
        for low in range(high - 20, 200, -97):
            try:
                floating = equal_shares_float.run(prep, low, guide=guide)
            except equal_shares_float.Uncertain:
                continue
            assert floating.selected == equal_shares_exact.run(prep, low).selected
            inherited += floating.selected == guide.selected
    assert inherited > 10


def test_a_run_that_chose_differently_does_not_inherit_its_guides_end() -> None:
    # Three voters; a (84) by all, b c d (20 each) by one each. At 120 (40 each) a is the
    # cheapest per unit (28 each of 84) and leaves 12 each: nothing else, the run ends. At 72
    # (24 each) a is beyond its supporters' 72, and b, c, d are selected: after b, this run
    # must not stop where its guide stopped after a.
    instance, profile = approval(
        72, {"a": 84, "b": 20, "c": 20, "d": 20}, [["a", "b"], ["a", "c"], ["a", "d"]]
    )
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    guide = equal_shares_float.run(prep, 120)
    assert guide.selected == ["a"] and guide.floors[-1] == {}
    assert equal_shares_float.run(prep, 72, guide=guide).selected == ["b", "c", "d"]


def test_ties_and_exact_boundaries_make_the_float_path_give_up() -> None:
    # three supporters with exactly the cost between them: is the last one poor or rich?
    instance, profile = approval(30, {"a": 30, "b": 30}, [["a"], ["a"], ["a", "b"]])
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    exact = equal_shares_exact.run(prep, 30)
    assert exact.selected == ["a"]
    try:
        floating = equal_shares_float.run(prep, 30)
    except equal_shares_float.Uncertain:
        return
    assert floating.selected == exact.selected
