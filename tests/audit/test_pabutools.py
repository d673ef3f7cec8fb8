"""The pabulib file in a bundle is enough to recount the round with other software: pabutools
(an independent implementation) selects the same projects as the published result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import lexico_tie_breaking

from pb.audit import bundle
from tests.audit.helpers import run_round, unpack

# Approval ballots where the rules disagree: greedy funds the two most popular projects, Equal
# Shares gives the minority that only wants project 3 its share of the budget.
BALLOTS = [{0: 1, 1: 1}] * 5 + [{2: 1}] * 3
COSTS = (40_000, 40_000, 35_000)
PABUTOOLS = {"greedy": greedy_utilitarian_welfare, "equalshares": method_of_equal_shares}


@pytest.mark.parametrize("rule", sorted(PABUTOOLS))
def test_pabutools_recounts_the_exported_pabulib_file(
    app: Flask, backend: str, tmp_path: Path, rule: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the file does not depend on the database")
    run = run_round(BALLOTS, costs=COSTS, budget=100_000, rule=rule, satisfaction="cost")
    files = unpack(run.data)
    path = tmp_path / "ballots.pb"
    path.write_bytes(files[bundle.BALLOTS_PB])
    instance, profile = parse_pabulib(str(path))
    chosen = PABUTOOLS[rule](
        instance, profile, sat_class=Cost_Sat, tie_breaking=lexico_tie_breaking
    )
    published = json.loads(files[bundle.RESULTS])["outcome"]["selected"]
    assert sorted(project.name for project in chosen) == sorted(published)
    first, second, third = (str(project.id) for project in run.setup.projects)
    assert sorted(published) == sorted([first, second] if rule == "greedy" else [first, third])
