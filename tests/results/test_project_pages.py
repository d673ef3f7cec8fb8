"""Once results are visible, project and round pages say funded or not funded, with the votes."""

from __future__ import annotations

from flask import Flask

from pb.accounts.models import Role
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories

# budget 100k; costs 30k, 50k, 40k: projects 1 (4 votes) and 0 (2) funded, 2 (2) does not fit
APPROVALS = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}, {1: 1}]


def _published() -> factories.RoundSetup:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    rounds.advance_phase(setup.round, actor=setup.councillor)
    factories.db.session.commit()
    return setup


def test_published_project_pages_say_funded_or_not_with_votes(app: Flask) -> None:
    setup = _published()
    client = app.test_client()
    funded = client.get(f"/rounds/{setup.round.id}/projects/{setup.projects[1].id}").text
    unfunded = client.get(f"/rounds/{setup.round.id}/projects/{setup.projects[2].id}").text
    assert "Feasible: on the ballot" not in funded + unfunded
    assert "Funded" in funded and "4 votes" in funded and "Not funded" not in funded
    assert "Not funded" in unfunded and "2 votes" in unfunded


def test_the_published_round_page_marks_the_winners(app: Flask) -> None:
    setup = _published()
    page = app.test_client().get(f"/rounds/{setup.round.id}").text
    assert page.count('class="tag tag-funded"') == 2
    assert page.count('class="tag tag-unfunded"') == 1


def test_before_publication_only_those_who_may_check_see_the_outcome(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    url = f"/rounds/{setup.round.id}/projects/{setup.projects[1].id}"
    anonymous = app.test_client().get(url).text
    assert "Feasible: on the ballot" in anonymous and "4 votes" not in anonymous
    auditor = app.test_client()
    factories.login(auditor, factories.user(Role.AUDITOR))
    assert "4 votes" in auditor.get(url).text
