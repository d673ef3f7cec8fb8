"""Every number in an Equal Shares explanation is the count it names (issue 13, item 3),
checked against a recount made here, from the ballots, of who chose, paid and had nothing left."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from flask import Flask

from pb.allocation import allocate
from pb.allocation.pabulib import parse_file
from pb.results import explanation

ASSEN = Path(__file__).resolve().parents[1] / "data" / "pabulib" / "Netherlands_Assen_2024.pb"


def independent_counts(election, outcome) -> dict[str, tuple[int, int, int, int]]:
    """Project -> (chose it, paid, had nothing left, paid all they had), by replaying the
    payments voter by voter: each supporter pays price x satisfaction, or all they have left."""
    share = Fraction(outcome.details["voter_budget"])
    ballots = [ballot.projects for ballot in election.profile.ballots]
    money = [share] * len(ballots)
    counts = {}
    for step in outcome.trace:
        if not step.selected or step.phase != "equal-shares":
            continue
        due = Fraction(step.price) * step.cost  # approval, cost satisfaction: u = cost
        chose = paid = broke = everything = 0
        for voter, approved in enumerate(ballots):
            if step.project not in approved:
                continue
            chose += 1
            if money[voter] == 0:
                broke += 1
                continue
            pay = min(money[voter], due)
            paid += 1
            everything += pay < due
            money[voter] -= pay
        counts[step.project] = (chose, paid, broke, everything)
    return counts


def test_every_number_in_an_equal_shares_explanation_is_the_count_it_names(
    bare_app: Flask,
) -> None:
    election = parse_file(ASSEN)
    outcome = allocate(election.instance, election.profile, "equalshares/add1")
    expected = independent_counts(election, outcome)
    texts = {line.project_id: line.text for line in explanation.explain(outcome, "EUR")}
    seen_broke = 0
    for pid, (chose, paid, broke, everything) in expected.items():
        text = texts[int(pid)]
        assert int(re.search(r"(\d+) voters? chose it", text).group(1)) == chose, text
        assert chose == election.profile.num_voters - sum(
            pid not in b.projects for b in election.profile.ballots
        )
        if broke:
            seen_broke += 1
            assert int(re.search(r"(\d+) of them still had money", text).group(1)) == paid
            assert int(re.search(r"(\d+) had already spent", text).group(1)) == broke
        else:
            assert "spent their share" not in text and chose == paid
        found = re.search(r"(\d+) of them had less left", text)
        assert (int(found.group(1)) if found else 0) == everything, text
        numbers = [int(n) for n in re.findall(r"(?<![\d.,€])\d+(?![\d.,])", text)]
        named = [chose] + ([paid, broke] if broke else []) + ([everything] if everything else [])
        assert sorted(numbers) == sorted(named), text  # no other number in the sentence
    assert seen_broke == 2  # Assen: projects 5 and 12 had supporters with nothing left


def test_a_reserve_round_shows_the_spend_over_the_budget(app: Flask) -> None:
    from pb.rounds.models import Phase
    from tests import factories

    # 100,000 budget: project 1 (60,000, two votes) fits; 40,000 left is 80% of project 2
    setup = factories.round_in_phase(
        Phase.PUBLISHED,
        costs=[60_000, 50_000],
        budget=100_000,
        rule="greedy-custom",
        ballots=[{0: 1, 1: 1}, {0: 1}],
    )
    page = app.test_client().get(f"/rounds/{setup.round.id}/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Over the budget, paid from the reserve</dt><dd>£100.00" in text
    assert "Funded from the reserve" in text and "(£100.00 came from the reserve)" in text
