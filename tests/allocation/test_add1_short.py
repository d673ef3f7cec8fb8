"""Lower ends cut short (`add1_proofs.SHORT`, `LONG`): a way's run at the lower budget is
computed only until it has spent a share of what its forced selections leave; a top proven
against it reads its steps only up to its first step not proven, and where it reads them all
the lower end is run to its end and the top computed again. The proofs answer as with whole
lower ends, and the search still steps to what stepping finds."""

from __future__ import annotations

import pytest

from pb.allocation import add1_proofs, equal_shares_float

from .test_add1_runs import _cut_probes
from .test_add1_search import VARIANTS, _random_election, _searched_as_stepped


def _spied(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[int]]:
    """Counts of lower ends cut short and of those run to their end."""
    short, extended = [0], [0]
    forced, extend = add1_proofs._forced, add1_proofs.extended

    def forced_counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        run = forced(*args, **kwargs)
        short[0] += add1_proofs.is_short(args[0], run)
        return run

    def extend_counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        extended[0] += 1
        return extend(*args, **kwargs)

    monkeypatch.setattr(add1_proofs, "_forced", forced_counted)
    monkeypatch.setattr(add1_proofs, "extended", extend_counted)
    return short, extended


def _proof(election, variant, prep, below, high):  # type: ignore[no-untyped-def]
    """What `branches_within_budget` answers (a fresh `Runs` each time): None, or the
    selections of the run made whole."""
    try:
        whole = add1_proofs.branches_within_budget(election, variant, prep, below, high)
    except equal_shares_float.Uncertain:
        return "uncertain"
    return None if whole is None else whole.selected


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
@pytest.mark.parametrize("share", [2, 16])
def test_short_lower_ends_prove_what_whole_ones_prove(
    shape: str, share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # with every lower end cut short (`LONG` 0), and cut very short (`SHORT` 16) so that tops
    # often read past them, each cut probe's ways prove the same as with whole lower ends
    short, extended = _spied(monkeypatch)
    monkeypatch.setattr(add1_proofs, "SHORT", share)
    compared = proven = 0
    for election, prep, below, high, _options in _cut_probes(shape, True, (10, 30, 90)):
        for variant in VARIANTS:
            paused = high.paused
            monkeypatch.setattr(add1_proofs, "LONG", 10**9)
            whole = _proof(election, variant, prep, below, high)
            high.paused = paused
            monkeypatch.setattr(add1_proofs, "LONG", 0)
            cut = _proof(election, variant, prep, below, high)
            high.paused = paused
            assert cut == whole
            compared += 1
            proven += whole is not None
    assert compared > 100 and proven > 5 and short[0] > 3, (compared, proven, short[0])
    if share == 16:
        assert extended[0] > 0


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_the_search_with_every_lower_end_short_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    short, extended = _spied(monkeypatch)
    for share in (2, 16):
        monkeypatch.setattr(add1_proofs, "SHORT", share)
        monkeypatch.setattr(add1_proofs, "LONG", 0)
        for seed in range(24):
            election = _random_election(seed, shape)
            for variant in VARIANTS:
                _searched_as_stepped(election, variant)
                election.profile.__dict__.get("_add1_memo", {}).clear()  # (computed again)
    assert short[0] > 0 and extended[0] > 0, (short[0], extended[0])
