"""The NumPy books of the floating-point Equal Shares path.

The approval book (`NumpyGathered`) finds each price without sorting and adds in NumPy's order,
so its floats may differ from the pure book's in the last bits: whenever it decides, it must
decide as the exact run (same selections in the same order, every price interval holding the
exact price, every lower bound it records or passes on at most the exact price), and it may give
up only rarely. The book of rankings and points (`NumpyWeighted`) computes bitwise the pure
book's floats: both runs are compared field by field, and give up in the same cases.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from fractions import Fraction

import pytest

from pb.allocation import (
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    Project,
    allocate,
    equal_shares,
    equal_shares_approval,
    equal_shares_exact,
    equal_shares_float,
)
from pb.allocation.accelerators import Accelerators
from pb.allocation.pabulib import parse_file

from .conftest import approval, local_files
from .test_equal_shares import _election, _exact_prices

numpy = pytest.importorskip("numpy")


def _with(prep, use_numpy: bool):
    """The same prepared election (and layouts) with NumPy allowed from 0 voters, or not."""
    accelerators = Accelerators(numpy=use_numpy, mes_min_voters=0)
    return dataclasses.replace(prep, accelerators=accelerators)


def _run(prep, budget, use_numpy, **options):
    try:
        return equal_shares_float.run(_with(prep, use_numpy), budget, **options)
    except equal_shares_float.Uncertain as exc:
        return ("uncertain", str(exc))


def _fields(run):
    if isinstance(run, tuple):
        return run
    return (
        [(s.project, s.raw_rho) for s in run.selections],
        run.keys,
        run.bounds,
        run.floors,
        run.over,
    )


def _same_runs(prep, budget, **options) -> bool:
    pure = _run(prep, budget, False, **options)
    fast = _run(prep, budget, True, **options)
    assert _fields(fast) == _fields(pure)
    if not isinstance(pure, tuple):  # floats compared as bits (== would let 0.0 match -0.0)
        for a, b in zip(pure.keys, fast.keys, strict=True):
            assert [type(x) for x in a] == [type(x) for x in b]
            assert repr(a) == repr(b)
    return not isinstance(pure, tuple)


def _decides_as_exact(prep, run, exact, floors: bool = False) -> bool:
    """False if the float `run` gave up; else asserts it decided as the `exact` run, with every
    price interval around the exact price (and, with `floors`, every lower bound below it)."""
    if isinstance(run, tuple):
        return False
    assert run.selected == exact.selected
    assert run.over == exact.over
    for (low, high, rational, _rank), selection in zip(run.keys, exact.selections, strict=True):
        assert low <= selection.rho <= high
        assert rational is None or rational == selection.rho
    if floors:
        for found, prices in zip(run.floors, _exact_prices(prep, exact), strict=True):
            for pid, rho in prices.items():
                if pid not in found:  # dropped: unaffordable
                    assert rho is None
                elif rho is not None:
                    low, rational, _rank = found[pid]
                    assert low <= rho
                    assert rational is None or rational <= rho
    return True


def _exact_runs(prep, budget):
    """The exact runs at `budget`, without and with a spending limit (a third of it)."""
    pure = _with(prep, False)
    limit = budget // 3
    return equal_shares_exact.run(pure, budget), equal_shares_exact.run(pure, budget, limit=limit)


def _approval_runs_decide_exactly(prep, budget, exact, guide=None, floors: bool = False):
    """The NumPy and pure runs at `budget` (guided by `guide`, and with a spending limit)
    against the `exact` ones; returns (the NumPy run, how many runs it decided, how many the
    pure book decided)."""
    fast = _run(prep, budget, True, guide=guide)
    decided = _decides_as_exact(prep, fast, exact[0], floors=floors)
    pure_decided = _decides_as_exact(prep, _run(prep, budget, False, guide=guide), exact[0])
    limit = budget // 3
    decided += _decides_as_exact(prep, _run(prep, budget, True, limit=limit), exact[1])
    pure_decided += _decides_as_exact(prep, _run(prep, budget, False, limit=limit), exact[1])
    return fast, decided, pure_decided


def _random_election(rng: random.Random, satisfaction: str, halves: bool = False):
    names = "abcdefghijkl"[: rng.randrange(2, 13)]
    costs = {name: rng.randrange(1, 300) for name in names}
    if halves:  # costs that are not whole numbers: exact shares, compared exactly
        costs = {name: Fraction(2 * cost + 1, 2) for name, cost in costs.items()}
    ballots = [rng.sample(names, rng.randrange(0, min(5, len(names)) + 1)) for _ in range(80)]
    heavy = equal_shares_approval.FLAT_LIMIT + 1  # some projects read once per group
    ballots += [[names[0], names[-1]]] * rng.randrange(0, 3 * heavy)
    ballots += [[names[1]]] * rng.randrange(0, 3 * heavy)
    instance, profile = approval(rng.randrange(100, 3000), costs, ballots)
    return equal_shares.prepare(_election(instance, profile, satisfaction))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("satisfaction", ["cost", "cardinality"])
@pytest.mark.parametrize("halves", [False, True], ids=["whole", "halves"])
def test_numpy_approval_runs_decide_as_the_exact_runs(seed, satisfaction, halves) -> None:
    rng = random.Random(seed)
    prep = _random_election(rng, satisfaction, halves)
    decided = pure_decided = 0
    guide = None
    for budget in range(6000, 0, -rng.randrange(17, 60)):
        exact = _exact_runs(prep, budget)
        # unguided, then guided by the run above as the add1 search runs them
        for guided_by in (None, guide):
            floors = guided_by is not None  # (the bounds a guided run inherits, checked)
            run, fast, pure = _approval_runs_decide_exactly(prep, budget, exact, guided_by, floors)
            decided, pure_decided = decided + fast, pure_decided + pure
        guide = None if isinstance(run, tuple) else run
    assert decided > 80
    # it gives up about as rarely as the pure book (near ties, either way)
    assert decided >= pure_decided - 2


def _random_weighted(rng: random.Random, vote_type: str, satisfaction: str):
    """Rankings or points, with some ballots repeated (groups of several voters)."""
    names = "abcdefghij"[: rng.randrange(2, 11)]
    instance = Instance(
        rng.randrange(100, 3000), tuple(Project(n, rng.randrange(1, 300)) for n in names)
    )
    ballots = []
    for _ in range(rng.randrange(60, 120)):
        chosen = rng.sample(names, rng.randrange(1, min(4, len(names)) + 1))
        if vote_type == "ordinal":
            ballot = OrdinalBallot(tuple(chosen))
        else:
            ballot = CumulativeBallot({pid: rng.randrange(1, 6) for pid in chosen})
        ballots += [ballot] * rng.choice([1, 1, 1, 4])
    profile = Profile(vote_type, tuple(ballots))
    return equal_shares.prepare(_election(instance, profile, satisfaction))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize(
    ("vote_type", "satisfaction"),
    [("ordinal", "positional"), ("ordinal", "borda"), ("cumulative", "points")],
)
def test_numpy_and_pure_weighted_runs_are_identical(seed, vote_type, satisfaction) -> None:
    rng = random.Random(seed)
    prep = _random_weighted(rng, vote_type, satisfaction)
    assert not prep.uniform or vote_type == "ordinal"  # rankings of one project are uniform
    decided = 0
    guide = None
    for budget in range(6000, 0, -rng.randrange(17, 60)):
        decided += _same_runs(prep, budget)
        pure_guide = _run(prep, budget, False, guide=guide)
        assert _fields(_run(prep, budget, True, guide=guide)) == _fields(pure_guide)
        guide = None if isinstance(pure_guide, tuple) else pure_guide
        _same_runs(prep, budget, limit=budget // 3)
    assert decided > 20


def test_exact_ties_make_the_numpy_book_give_up() -> None:
    # three supporters with exactly the cost between them: the boundary is undecidable
    instance, profile = approval(30, {"a": 30, "b": 30}, [["a"], ["a"], ["a", "b"]])
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    assert isinstance(_run(prep, 30, True), tuple)
    decided = 0
    for budget in range(120):
        exact = equal_shares_exact.run(prep, budget)
        decided += _decides_as_exact(prep, _run(prep, budget, True), exact)
    assert decided > 100


def test_the_accelerators_select_the_book() -> None:
    instance, profile = approval(100, {"a": 60, "b": 40}, [["a"], ["a", "b"], ["b"]])
    prep = _with(equal_shares.prepare(_election(instance, profile, "cost")), True)
    assert equal_shares_float.run(prep, 130).selected == ["a", "b"]
    assert "float_numpy" in prep.cache  # layout cached per election
    layout = prep.cache["float_numpy"]
    assert equal_shares_float.run(prep, 70).selected == ["b"]
    assert prep.cache["float_numpy"] is layout
    fresh = _with(equal_shares.prepare(_election(instance, profile, "cost")), False)
    assert equal_shares_float.run(fresh, 130).selected == ["a", "b"]
    assert "float_numpy" not in fresh.cache


def test_the_accelerators_reach_the_run_from_allocate(monkeypatch) -> None:
    # what allocate is given is what the run uses, whatever the environment says
    monkeypatch.setenv("PB_ALLOCATION_NUMPY", "0")
    seen = []
    original = equal_shares_float.run

    def spy(prep, *args, **kwargs):
        seen.append(prep.accelerators)
        return original(prep, *args, **kwargs)

    monkeypatch.setattr(equal_shares_float, "run", spy)
    instance, profile = approval(100, {"a": 60, "b": 40}, [["a"], ["a", "b"], ["b"]])
    chosen = Accelerators(numpy=True, mes_min_voters=0)
    allocate(instance, profile, "equalshares", accelerators=chosen)
    assert seen == [chosen]


def test_small_elections_take_the_pure_path() -> None:
    instance, profile = approval(100, {"a": 60, "b": 40}, [["a"], ["a", "b"], ["b"]])
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    assert prep.voters < prep.accelerators.mes_min_voters
    equal_shares_float.run(prep, 130)
    assert "float_numpy" not in prep.cache


@pytest.mark.parametrize("path", local_files(), ids=lambda p: p.stem)
def test_numpy_and_pure_outcomes_agree_on_real_elections(path) -> None:
    election = parse_file(path)
    approval_ballots = election.profile.vote_type in ("approval", "choose-1")
    satisfactions = ("cost", "cardinality") if approval_ballots else (None,)
    outcomes = []
    for use_numpy in (False, True):
        accelerators = Accelerators(numpy=use_numpy, mes_min_voters=0)
        election = parse_file(path)  # fresh: the add1 search memoizes on the profile
        outcomes.append(
            [
                allocate(
                    election.instance,
                    election.profile,
                    rule,
                    satisfaction=sat,
                    accelerators=accelerators,
                ).to_json()
                for rule in ("equalshares", "equalshares/add1")
                for sat in satisfactions
            ]
        )
    assert outcomes[0] == outcomes[1]
    # and run by run, over a range of budgets, as the add1 search computes them
    defaults = {"ordinal": ("positional",), "cumulative": ("points",)}
    for sat in satisfactions if approval_ballots else defaults[election.profile.vote_type]:
        prep = equal_shares.prepare(_election(election.instance, election.profile, sat))
        budget = election.instance.budget
        for scale in range(4, 21, 2):
            if approval_ballots:
                scaled = budget * scale // 10
                _approval_runs_decide_exactly(prep, scaled, _exact_runs(prep, scaled))
            else:
                _same_runs(prep, budget * scale // 10)


def _drained_election(spread: bool):
    """Nine projects, each paid by 60 voters with all they have left after a first project
    (90 of 100) and one voter paying the rest (91 to 99): each price's error is about 60 times
    the poor's, so one error bound for every budget grows 61-fold a step, while each budget's
    own bound barely moves. With `spread`, ballots differ (read once per voter: `equal_shares_split`
    finds the boundary)."""
    poor, steps = 60, 9
    costs = {"a": 10 * poor * steps}
    ballots: list[list[str]] = []
    for i in range(steps):
        costs[f"x{i}"] = 90 * poor + 91 + i
        if spread:
            ballots += [["a", f"x{i}", f"z{j % 8}"] for j in range(poor)]
        else:
            ballots += [["a", f"x{i}"]] * poor
        ballots.append([f"x{i}"])
    budget = 100 * len(ballots)
    if spread:  # never affordable
        costs.update({f"z{j}": budget for j in range(8)})
    instance, profile = approval(budget, costs, ballots)
    return equal_shares.prepare(_election(instance, profile, "cardinality")), budget


@pytest.mark.parametrize("spread", [False, True], ids=["grouped", "flat"])
def test_per_group_error_bounds_decide_where_one_bound_gives_up(spread) -> None:
    prep, budget = _drained_election(spread)
    exact = equal_shares_exact.run(_with(prep, False), budget)
    assert exact.selected == ["a", *(f"x{i}" for i in range(9))]
    pure = _run(prep, budget, False)  # the pure book's single bound
    assert isinstance(pure, tuple) and pure[0] == "uncertain"
    fast = _run(prep, budget, True)
    assert _decides_as_exact(prep, fast, exact, floors=True)
    assert [s.project for s in fast.selections] == [s.project for s in exact.selections]


def test_the_numpy_layout_reads_each_voter_as_the_pure_layout() -> None:
    # per voter, a project's groups are made with `np.repeat` from its groups and their
    # weights, not converted from the per-voter lists: the same multiset of groups
    repeated = 0  # flat projects with a group of several voters, read once per voter
    for seed in range(8):
        prep = _with(_random_election(random.Random(seed), "cost"), True)
        equal_shares_float.run(prep, 3000)
        voters, groups, weights, fweights, flat = prep.cache["float_numpy"]
        groups_of = equal_shares_float.layout(prep)[1]
        read, pure_flat = equal_shares_approval.read_layout(prep, groups_of)
        assert flat == pure_flat
        assert weights.tolist() == prep.weights and fweights.tolist() == prep.weights
        for pid in prep.projects:
            assert sorted(voters[pid].tolist()) == sorted(read[pid])
            assert groups[pid].tolist() == groups_of[pid]
            repeated += pid in flat and len(read[pid]) > len(groups_of[pid])
    assert repeated


def _some_budget(rng: random.Random) -> float:
    return rng.choice([0.0, rng.uniform(0, 100), rng.uniform(80, 100)])


def test_the_low_budgets_find_the_water_fillings_boundary() -> None:
    # the pricer water-fills the budgets under LOW x cost / supporters only; where it finds a
    # boundary, it is the boundary of the water-filling over every budget, and the sorted
    # search's (`equal_shares_approval.price`)
    from pb.allocation import equal_shares_split as book

    rng = random.Random(3)
    found = fallen_back = 0
    for _ in range(400):
        size = rng.randrange(1, 60)
        budgets = [_some_budget(rng) for _ in range(size)]
        zeros = budgets.count(0.0)
        money = sum(budgets)
        if zeros == size or money < 1:
            continue
        cost = rng.uniform(0.05, 0.5) * money
        array = numpy.array(budgets)
        low, where = book.low_budgets(array, cost, size)
        assert low.tolist() == [b for b in budgets if b < book.LOW * (cost / size)]
        assert array[where].tolist() == low.tolist()
        try:
            filled_side, filled_smallest, _mask = book.water_filling("p", array, cost, zeros)
            low_side = book.low_boundary("p", low, cost, size, zeros)
        except equal_shares_float.Uncertain:
            continue
        if low_side is None:  # every low budget is poor (and maybe some higher ones)
            fallen_back += 1
            assert filled_side[0] >= len(low) - zeros
            assert filled_smallest >= book.LOW * (cost / size)
            continue
        found += 1
        (poor, terms, paid, largest), smallest = low_side
        assert (poor, terms, largest) == (filled_side[0], filled_side[1], filled_side[3])
        assert smallest == filled_smallest
        assert paid == pytest.approx(filled_side[2], rel=1e-12, abs=1e-12)
        values = sorted(b for b in budgets if b)  # the sorted search, as the pure book's
        money = list(itertools.accumulate(values))
        sorted_side = equal_shares_approval.price(
            "p", cost, 1, values, range(1, len(values) + 1), money, 0.0, {"p": 0}
        )
        assert sorted_side[1][0] == pytest.approx((cost - paid) / (size - zeros - poor))
    assert found > 100 and fallen_back > 5


def test_a_boundary_above_the_low_budgets_is_found_over_every_budget(monkeypatch) -> None:
    # nine voters spend 99 of their 100 on b; a (cost 100) is then paid 1 by each of them and
    # 91 by its tenth supporter: a share above LOW x 100 / 10, so no low budget is rich
    from pb.allocation import equal_shares_sorted
    from pb.allocation import equal_shares_split as book

    monkeypatch.setattr(equal_shares_sorted, "SORT_LIMIT", 0)  # (else a sort finds it)
    ballots = [["a", "b"]] * 9 + [["b"]] * 11 + [["a"]]
    instance, profile = approval(2100, {"a": 100, "b": 1980}, ballots)
    prep = equal_shares.prepare(_election(instance, profile, "cost"))
    filled = []
    boundary = book.water_filling
    monkeypatch.setattr(book, "water_filling", lambda *a: filled.append(a[0]) or boundary(*a))
    exact = equal_shares_exact.run(_with(prep, False), 2100)
    assert exact.selected == ["b", "a"]
    fast = _run(prep, 2100, True)
    assert _decides_as_exact(prep, fast, exact, floors=True)
    assert filled == ["a"]


def test_a_charge_reads_the_budgets_as_they_are_then() -> None:
    # the pricer keeps the budgets it gathered for the winner's charge; a charge in between
    # changes them, so a project charged after it is read afresh (the pure book as witness)
    from pb.allocation import equal_shares_numpy as book_module

    ballots = [["a", "b", f"z{i % 10}"] for i in range(30)] + [["a"]] * 10 + [["b"]] * 5
    costs = {"a": 1200, "b": 700} | {f"z{i}": 10**6 for i in range(10)}  # (groups of 3 voters:
    instance, profile = approval(4500, costs, ballots)  # a and b are read once per voter)
    prep = _with(equal_shares.prepare(_election(instance, profile, "cost")), True)
    utility, groups_of, _initial, supporters = equal_shares_float.layout(prep)
    start = 100.0
    fast = book_module.NumpyGathered(prep, start, groups_of)
    pure = equal_shares_approval.Gathered(prep, start, groups_of)
    pricer = book_module.numpy_pricer(fast, prep.costs, utility, supporters, prep.priority)
    plans = {pid: pricer(pid)[1] for pid in ("a", "b")}  # both gathered at the start
    for pid in ("b", "a"):  # a is charged with its plan, after b's charge
        fast.charge(pid, plans[pid], start * 1e-16)
        pure.charge(pid, plans[pid], start * 1e-16)
    assert fast.flat >= {"a", "b"}
    assert fast.budgets.tolist() == pure.budgets
    both, a_only, b_only = 100 - 700 / 35 - 1200 / 40, 100 - 1200 / 40, 100 - 700 / 35
    assert sorted(set(pure.budgets)) == [both, a_only, b_only]


def test_a_charge_raises_the_error_bounds_of_the_rich_alone() -> None:
    # a poor payer is left with exactly 0.0, which is exact: only those left with money get
    # the share's error added to their bounds (with the exact share of a fractional cost too)
    from pb.allocation import equal_shares_numpy as book_module

    ballots = [["a", f"z{i % 10}"] for i in range(30)] + [["z0"]] * 5
    instance, profile = approval(4500, {"a": 1200} | {f"z{i}": 10**6 for i in range(10)}, ballots)
    prep = _with(equal_shares.prepare(_election(instance, profile, "cost")), True)
    _utility, groups_of, _initial, _supporters = equal_shares_float.layout(prep)
    for share in (30.0, Fraction(61, 2)):
        book = book_module.NumpyGathered(prep, 100.0, groups_of)
        book.errors = numpy.full(len(book.budgets), 1e-12, dtype=numpy.float32)
        book.worst = float(book.errors[0])
        groups = book.groups_of["a"]
        poor = groups[: len(groups) // 2]
        book.budgets[poor] = 20.0  # below the share: pays all it has
        book.charge("a", (share, 1e-13), 1e-12)
        raised = book.errors > numpy.float32(1e-12)
        assert not raised[poor].any() and (book.budgets[poor] == 0.0).all()
        assert raised[groups[len(groups) // 2 :]].all()
        assert raised.sum() == len(groups) - len(poor)
        assert book.worst >= float(book.errors.max())


def test_float32_error_bounds_are_rounded_up() -> None:
    # the per-group bounds are stored as float32: each must still be at least the bound the
    # proof needs (its old value + the share's error + 2u x start), checked in exact
    # rationals, and `worst` at least every entry, however float32 rounds
    from pb.allocation import equal_shares_numpy as book_module
    from pb.allocation.equal_shares_bounds import UNIT

    rng = random.Random(7)
    for value in (rng.uniform(0, 1) * 10.0 ** rng.randint(-12, 3) for _ in range(2000)):
        assert Fraction(float(book_module._up32(value))) >= Fraction(value)
    book = book_module.NumpyGathered.__new__(book_module.NumpyGathered)
    book.start = 1000.0
    book.worst = 1e-6
    book.errors = numpy.array([rng.uniform(0.0, 1e-6) for _ in range(500)], dtype=numpy.float32)
    book.worst = max(book.worst, float(book.errors.max()))
    for _ in range(200):
        groups = numpy.array(rng.sample(range(500), 50) * 2)  # (a group may repeat: weights)
        share_error = rng.uniform(0.0, 1e-9)
        before = [Fraction(float(e)) for e in book.errors]
        book._charge_errors(groups, share_error)
        needed = Fraction(share_error) + 2 * Fraction(UNIT) * Fraction(book.start)
        for group in set(groups.tolist()):
            assert Fraction(float(book.errors[group])) >= before[group] + needed
        assert book.worst >= float(book.errors.max())


def test_the_single_error_bound_is_kept_until_it_has_grown_a_million_fold() -> None:
    # per-group bounds cost every charge three array passes: the book keeps its single bound
    # while it is under 2^20 times its start (on Budapest, most of add1's runs end before)
    from pb.allocation import equal_shares_numpy as book_module
    from pb.allocation.equal_shares_bounds import UNIT

    ballots = [["a", f"z{i % 10}"] for i in range(30)] + [["z0"]] * 5
    instance, profile = approval(4500, {"a": 1200} | {f"z{i}": 10**6 for i in range(10)}, ballots)
    prep = _with(equal_shares.prepare(_election(instance, profile, "cost")), True)
    groups_of = equal_shares_float.layout(prep)[1]
    start = 100.0
    book = book_module.NumpyGathered(prep, start, groups_of)
    first = start * UNIT
    error = book.charge("a", (1.0, 2.0**15 * first), first)  # grown 2^15-fold: still one
    assert book.errors is None and error == book.worst > 2.0**15 * first
    error = book.charge("z1", (1.0, 2.0**20 * first), error)  # past 2^20: one per group
    assert book.errors is not None and book.worst >= error > 2.0**20 * first
