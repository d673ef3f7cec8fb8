"""Rankings and points: the fast floating-point books decide exactly as exact arithmetic does.

On random small ordinal and points elections, the NumPy book (forced on from 0 voters) and the
pure book either give up (`Uncertain`, and the exact path takes over) or select the same
projects in the same order as `equal_shares_exact`; and add1 gives the same outcome, trace
included, as add1 computed with exact runs only.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pb.allocation import (
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    Profile,
    Project,
    allocate,
    equal_shares,
    equal_shares_exact,
    equal_shares_float,
)
from pb.allocation.accelerators import Accelerators

from .test_equal_shares import _election

pytest.importorskip("numpy")

NAMES = "abcdef"
SATISFACTIONS = {"ordinal": ("positional", "borda"), "cumulative": ("points",)}


@st.composite
def weighted_elections(draw: st.DrawFn) -> tuple[Instance, Profile, str]:
    """A small election with rankings or points, some ballots repeated (voter groups)."""
    vote_type = draw(st.sampled_from(sorted(SATISFACTIONS)))
    satisfaction = draw(st.sampled_from(SATISFACTIONS[vote_type]))
    names = NAMES[: draw(st.integers(2, len(NAMES)))]
    costs = draw(st.lists(st.integers(1, 200), min_size=len(names), max_size=len(names)))
    instance = Instance(
        draw(st.integers(50, 2000)), tuple(Project(n, c) for n, c in zip(names, costs, strict=True))
    )
    ballots = []
    for _ in range(draw(st.integers(8, 30))):
        chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        if vote_type == "ordinal":
            ballot = OrdinalBallot(tuple(chosen))
        else:
            points = draw(st.lists(st.integers(1, 5), min_size=len(chosen), max_size=len(chosen)))
            ballot = CumulativeBallot(dict(zip(chosen, points, strict=True)))
        ballots += [ballot] * draw(st.sampled_from([1, 1, 2, 5]))
    return instance, Profile(vote_type, tuple(ballots)), satisfaction


def _prepared(instance: Instance, profile: Profile, satisfaction: str, numpy: bool):
    prep = equal_shares.prepare(_election(instance, profile, satisfaction))
    return dataclasses.replace(prep, accelerators=Accelerators(numpy=numpy, mes_min_voters=0))


@settings(max_examples=120, deadline=None)
@given(weighted_elections(), st.integers(100, 6000), st.booleans())
def test_float_books_select_as_the_exact_run(election, budget, numpy) -> None:
    prep = _prepared(*election, numpy)
    exact = equal_shares_exact.run(prep, budget)
    try:
        fast = equal_shares_float.run(prep, budget)
    except equal_shares_float.Uncertain:
        return  # the caller recomputes exactly: nothing was decided in floating point
    assert fast.selected == exact.selected
    replayed = equal_shares_exact.replay(prep, fast)
    assert [s.raw_rho for s in replayed.selections] == [s.raw_rho for s in exact.selections]


def _exact_only(*args, **kwargs):
    raise equal_shares_float.Uncertain("exact runs only")


@settings(max_examples=60, deadline=None)
@given(weighted_elections(), st.booleans())
def test_add1_with_fast_runs_gives_the_exact_outcome_and_trace(election, numpy) -> None:
    instance, profile, satisfaction = election
    accelerators = Accelerators(numpy=numpy, mes_min_voters=0)

    def add1() -> object:
        fresh = Instance(instance.budget, instance.projects)  # add1 is memoised per instance
        return allocate(
            fresh, profile, "equalshares/add1", satisfaction=satisfaction, accelerators=accelerators
        )

    fast = add1()
    saved = equal_shares_float.run
    equal_shares_float.run = _exact_only
    try:
        exact = add1()
    finally:
        equal_shares_float.run = saved
    assert fast.selected == exact.selected
    assert fast.trace == exact.trace
    assert fast.details == exact.details


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, 3.0]), min_size=1, max_size=30),
    st.randoms(use_true_random=False),
)
def test_a_remembered_order_is_used_only_when_it_is_the_stable_sort(ratios, rng) -> None:
    """The sort hint (the project's last order) never changes the order: ties stay in position
    order, as `sorted` leaves them."""
    import numpy

    from pb.allocation.equal_shares_numpy import NumpyWeighted

    book = NumpyWeighted.__new__(NumpyWeighted)  # only the order cache is needed
    hint = list(range(len(ratios)))
    rng.shuffle(hint)
    book.orders = {"p": numpy.array(hint, dtype=numpy.intp)}
    values = numpy.array(ratios)
    order, ordered = book._stable_order("p", values)
    expected = sorted(range(len(ratios)), key=ratios.__getitem__)
    assert order.tolist() == expected
    assert ordered.tolist() == [ratios[i] for i in expected]
