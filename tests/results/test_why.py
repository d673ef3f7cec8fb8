"""'Why did these projects win or lose?': answered from the stored outcome for any ticked set,
with the same visibility as the results, writing nothing."""

from __future__ import annotations

from flask import Flask

from pb.rounds.models import Phase
from tests import factories

# budget £1,000; costs £300, £500, £400. Votes: second 4, first 2, third 2
APPROVALS = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}, {1: 1}]


def ask(app: Flask, round_id: int, *choices: int) -> tuple[int, str]:
    query = "&".join(f"choice={c}" for c in choices)
    response = app.test_client().get(f"/rounds/{round_id}/results/why?{query}")
    return response.status_code, response.get_data(as_text=True)


def test_greedy_answers_with_the_project_that_took_the_money(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    first, second, third = setup.projects
    before = factories.row_counts()
    status, page = ask(app, setup.round.id, third.id, second.id)
    assert status == 200
    assert factories.row_counts() == before  # nothing written, not even a log entry
    answer = page.split('id="answer-heading"')[1]
    assert f"<strong>{second.title}</strong>: Funded" in answer
    assert f"<strong>{third.title}</strong>: Not funded" in answer
    assert f"The money it needed went to {first.title}" in answer
    assert f'value="{third.id}" id="choice-{third.id}" checked' in page


def test_equal_shares_says_what_the_voters_share_paid(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.PUBLISHED, ballots=APPROVALS, rule="equalshares", satisfaction="cost"
    )
    _first, second, _third = setup.projects
    status, page = ask(app, setup.round.id, second.id)
    assert status == 200
    # six voters share £1,000: £166.67 each; the four who chose the second (£500) pay £125
    assert "the same share of the budget: here £166.67" in page
    assert "You paid £125.00 of it from your share; £41.67 of your share was left." in page


def test_before_publication_nobody_but_checkers_can_ask(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    status, _page = ask(app, setup.round.id, setup.projects[0].id)
    assert status == 404
    status, page = ask(app, factories.round_in_phase(Phase.PUBLISHED).round.id, 999_999)
    assert status == 200 and "None of the ticked projects" in page
