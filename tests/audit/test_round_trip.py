"""Export -> verify on random elections, for every rule of the engine (hypothesis).

Each example runs a whole round through the services (cast, close, count, publish), exports
its bundle and checks that `pb verify` recounts the published result, that the pabulib file
passes pabulib-checker with no errors, and that flipping, dropping or duplicating one ballot in
the bundle is caught.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pabulib.checker import Checker

from pb.allocation import RULES, TIE_BREAKS
from pb.audit import bundle
from pb.audit.pairwise import encode
from pb.audit.recount import VOTE_TYPES_BY_FORMAT
from pb.audit.verify import VerificationFailed, verify_bundle
from pb.results.engine import THRESHOLD_RULES
from tests.audit.helpers import (
    ballot_row,
    ballot_rows,
    repack,
    run_round,
    unpack,
    write_ballots,
)

BUDGET = 100_000
FORMAT_PARAMS = {
    "approval": {"min_projects": 1, "max_projects": None},
    "knapsack": {"min_share_percent": 0},
    "ranked": {"min_rank": 1, "max_rank": 3},
    "cumulative": {"total_points": 10, "max_per_project": 5},
    "pairwise": {"pairs": 2},
}


@st.composite
def elections(draw: st.DrawFn, rule: str) -> dict[str, Any]:
    counted = RULES[rule].vote_types
    ballot_format = draw(
        st.sampled_from([f for f in sorted(FORMAT_PARAMS) if VOTE_TYPES_BY_FORMAT[f] in counted])
    )
    vote_type = VOTE_TYPES_BY_FORMAT[ballot_format]
    satisfaction = draw(st.sampled_from([None, *RULES[rule].satisfactions_for(vote_type)]))
    costs = draw(st.lists(st.integers(1, 60).map(lambda k: k * 1000), min_size=2, max_size=5))
    count = draw(st.integers(0, 7))
    ballots = [draw(_ballot(ballot_format, costs)) for _ in range(count)]
    return {
        "costs": tuple(costs),
        "ballots": ballots,
        "rule": rule,
        "satisfaction": satisfaction,
        "tie_break": draw(st.sampled_from(sorted(TIE_BREAKS))),
        "ballot_format": ballot_format,
        "ballot_params": FORMAT_PARAMS[ballot_format],
        "min_project_score": draw(st.integers(1, 3)) if rule in THRESHOLD_RULES else None,
    }


def _ballot(ballot_format: str, costs: list[int]) -> st.SearchStrategy[dict[int, int]]:
    indexes = list(range(len(costs)))
    chosen = st.lists(st.sampled_from(indexes), min_size=1, max_size=len(costs), unique=True)
    if ballot_format == "approval":
        return chosen.map(lambda picks: dict.fromkeys(picks, 1))
    if ballot_format == "knapsack":
        fits = chosen.filter(lambda picks: sum(costs[i] for i in picks) <= BUDGET)
        return fits.map(lambda picks: dict.fromkeys(picks, 1))
    if ballot_format == "ranked":
        return chosen.map(lambda picks: {i: rank for rank, i in enumerate(picks[:3], start=1)})
    if ballot_format == "pairwise":  # disjoint pairs, either way round (project ids follow indexes)
        return st.tuples(st.permutations(indexes), st.integers(1, 2), st.lists(st.booleans())).map(
            lambda drawn: encode(_pairs(*drawn))
        )
    points = st.dictionaries(st.sampled_from(indexes), st.integers(1, 5), min_size=1, max_size=2)
    return points


def _pairs(order: list[int], count: int, flips: list[bool]) -> list[tuple[int, int]]:
    pairs = [(order[2 * i], order[2 * i + 1]) for i in range(min(count, len(order) // 2))]
    return [pair[::-1] if i < len(flips) and flips[i] else pair for i, pair in enumerate(pairs)]


def _checker_errors(text: str) -> Any:
    results = Checker().process_files([text])
    (found,) = (v for k, v in results.items() if k not in ("metadata", "summary"))
    verdict = found["results"]
    return verdict.get("errors", {}) if isinstance(verdict, dict) else {}


# The platform offers this rule but has no way yet to set the score threshold it needs: the
# tally at close fails (or, once forms check RuleSpec.required_meta, the round is refused).
# Reported to the allocation and rounds owners; it is tested like the others once it counts.
@pytest.mark.parametrize(
    "rule",
    sorted(RULES),
)
def test_export_then_verify_agrees_with_the_published_result(app: Flask, rule: str) -> None:
    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: rounds are slow
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(election=elections(rule))
    def check(election: dict[str, Any]) -> None:
        ballots = election.pop("ballots")
        run = run_round(ballots, budget=BUDGET, **election)
        report = verify_bundle(run.data)
        assert any(fact.startswith("results.json: recounted") for fact in report.facts)
        files = unpack(run.data)
        if election["ballot_format"] == "pairwise":  # no pabulib file: tests/audit/test_pairwise.py
            assert bundle.BALLOTS_PB not in files and bundle.PAIRWISE_CSV in files
            return
        assert _checker_errors(files[bundle.BALLOTS_PB].decode()) == {}
        if ballots:
            _tampering_with_one_ballot_is_caught(files)

    check()


def _tampering_with_one_ballot_is_caught(files: dict[str, bytes]) -> None:
    config = json.loads(files[bundle.CONFIG])
    rows = ballot_rows(files)
    ballot_id, config_hash, choices = rows[0]
    flipped = _flip(json.loads(choices), [p["id"] for p in config["projects"]])
    # flip: the same ballot with other choices
    edited = dict(files)
    write_ballots(edited, [ballot_row(ballot_id, config_hash, dict(flipped)), *rows[1:]])
    with pytest.raises(VerificationFailed, match=r"ballots do not hash to the ballots_sha256"):
        verify_bundle(repack(edited))
    # drop one ballot: one receipt too many
    edited = dict(files)
    write_ballots(edited, rows[1:])
    with pytest.raises(VerificationFailed, match=r"receipts\.csv: \d+ receipts, but ballots"):
        verify_bundle(repack(edited))
    # duplicate one ballot
    edited = dict(files)
    write_ballots(edited, [rows[0], *rows])
    with pytest.raises(VerificationFailed, match=r"appears twice"):
        verify_bundle(repack(edited))


def _flip(pairs: list[list[int]], projects: list[int]) -> list[list[int]]:
    """Other valid-looking choices: one project swapped for one not chosen, else two values
    swapped, else one project left out."""
    chosen = [pid for pid, _ in pairs]
    unused = [pid for pid in projects if pid not in chosen]
    if unused:
        result = [[unused[0], pairs[0][1]], *pairs[1:]]
    elif len({value for _, value in pairs}) > 1:
        values = [value for _, value in pairs]
        result = [
            [pid, value] for (pid, _), value in zip(pairs, values[1:] + values[:1], strict=True)
        ]
    else:
        result = pairs[1:]
    return sorted(result)
