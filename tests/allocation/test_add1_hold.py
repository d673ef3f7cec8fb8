"""How long the add1 search keeps a jump after a failed probe (`completion.HOLD`) changes which
runs it computes, never what it finds: checked against stepping one unit at a time."""

from __future__ import annotations

import pytest

from pb.allocation import completion

from .test_add1_search import VARIANTS, _random_election, _searched_as_stepped


def _search(seed: int, shape: str, hold: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The runs the search computes for each variant with `HOLD` set to `hold`, after checking
    that it finds what stepping one unit at a time finds."""
    monkeypatch.setattr(completion, "HOLD", hold)
    computed, run = [0], completion.mes_run

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed[0] += 1
        return run(*args, **kwargs)

    counts = []
    for variant in VARIANTS:
        election = _random_election(seed, shape)  # (a fresh profile: add1 is memoised on it)
        computed[0] = 0
        _searched_as_stepped(election, variant, (monkeypatch, completion, "mes_run", counted))
        counts.append(computed[0])
    return counts


@pytest.mark.parametrize("shape", ["cost", "cardinality", "points"])
def test_holding_a_jump_after_a_failed_probe_steps_to_the_same_result(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # doubling at once, after 2 successes (the default), after 32 or never again: the search
    # probes other budgets (the run counts differ somewhere), the result is the same
    differ = 0
    for seed in range(8):
        runs = [tuple(_search(seed, shape, hold, monkeypatch)) for hold in (0, 2, 32, 10**6)]
        differ += len(set(runs)) > 1
    assert differ > 0, differ
