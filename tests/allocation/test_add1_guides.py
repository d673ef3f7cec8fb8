"""A probe retried at the budget of a probe cut against a lower run is guided by that cut run,
or by the run that followed its first way further (`completion._add1`'s `at`): the same MES
run as far as they go, so the guide changes how the probe is computed, never what it decides
nor what its reach may leave out."""

from __future__ import annotations

import itertools

import pytest

from pb.allocation import equal_shares, equal_shares_exact, equal_shares_float

from .test_add1_search import VARIANTS, _random_election, _searched_as_stepped


def _probe(prep, budget, limit, below, **options):  # type: ignore[no-untyped-def]
    try:
        return equal_shares_float.run(
            prep, budget, limit=limit, below=below, thresholds=below.keys, **options
        )
    except equal_shares_float.Uncertain:
        return None


def _forced(prep, budget, limit, force):  # type: ignore[no-untyped-def]
    try:
        return equal_shares_float.run(prep, budget, limit=limit, force=force)
    except equal_shares_float.Uncertain:
        return None


@pytest.mark.parametrize(
    ("shape", "way"), [("cost", False), ("cardinality", True), ("points", True)]
)
def test_a_probe_guided_by_a_cut_probe_or_its_first_way_decides_as_the_unguided_one(
    shape: str, way: bool
) -> None:
    # the search's case: a range [low, high] failed, [low, middle] was proven, and [middle,
    # high] is probed again with the cut probe at high (against low) as its guide
    compared = guided_cut = 0
    for seed in range(6):
        election = _random_election(seed, shape)
        prep = equal_shares.prepare(election)
        for low in range(election.budget // 2, 3 * election.budget, 67):
            for width in (12, 40, 90):
                lowest = equal_shares_exact.run(prep, low, limit=election.budget)
                cut = _probe(prep, low + width, election.budget, lowest)
                if cut is None or not cut.cut:
                    continue
                middle = low + width // 2
                below = equal_shares_exact.run(prep, middle, limit=election.budget)
                plain = _probe(prep, low + width, election.budget, below)
                guide = cut
                if way and cut.candidates:  # forced to make MES's next selection: MES
                    force = [*cut.selected, cut.candidates[0]]
                    guide = _forced(prep, low + width, election.budget, force) or cut
                guided = _probe(prep, low + width, election.budget, below, guide=guide)
                if plain is None or guided is None:
                    continue
                shorter = min(len(plain.selections), len(guided.selections))
                assert guided.selected[:shorter] == plain.selected[:shorter]
                assert guided.over == plain.over
                if not (plain.cut or guided.cut):
                    assert guided.selected == plain.selected
                if guided.reach is not None:  # sound: every budget in between lies within it
                    assert guided.reach_from == middle
                    for budget in range(middle, low + width + 1):
                        selected = equal_shares_exact.run(prep, budget).selected
                        assert set(selected) <= guided.reach
                compared += 1
                guided_cut += guided.cut
    assert compared > 20 and guided_cut > 3, (compared, guided_cut)


@pytest.mark.parametrize("shape", ["cost", "points"])
def test_the_search_guides_retried_probes_and_still_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    same_budget, way, run = [0], [0], equal_shares_float.run

    def counted(prep, budget, **options):  # type: ignore[no-untyped-def]
        guide, probe = options.get("guide"), options.get("below") is not None
        same_budget[0] += probe and guide is not None and guide.cut and guide.budget == budget
        way[0] += probe and guide is not None and guide.budget == budget and not guide.cut
        return run(prep, budget, **options)

    for seed in range(12):
        election = _random_election(seed, shape)
        for variant in VARIANTS:
            spied = (monkeypatch, equal_shares_float, "run", counted)
            _searched_as_stepped(election, variant, spied)
    assert same_budget[0] > 0 and way[0] > 0, (same_budget, way)


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_the_top_of_the_runs_computed_ahead_is_guided_by_a_cut_probe_above_it(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # stepping one unit at a time, the search computes the next runs top down, each guided by
    # the one above; the top one by the nearest probe cut above it, when a range failed there
    made: list[tuple[int, equal_shares.Run | None]] = []
    run = equal_shares_float.run

    def recorded(prep, budget, **options):  # type: ignore[no-untyped-def]
        plain = options.get("below") is None and options.get("force") is None
        made.append((budget // prep.voters, options.get("guide")) if plain else (-1, None))
        return run(prep, budget, **options)

    tops = 0
    for seed in range(16):
        election = _random_election(seed, shape)
        for variant in VARIANTS:
            made.clear()
            spied = (monkeypatch, equal_shares_float, "run", recorded)
            _searched_as_stepped(election, variant, spied)
            for (unit, guide), (below_it, _) in itertools.pairwise(made):
                top = unit > 0 and below_it == unit - 1  # (then the one below it is guided by it)
                if top and guide is not None and guide.cut:
                    assert guide.budget > unit * equal_shares.prepare(election).voters
                    tops += 1
    assert tops > 0, tops
