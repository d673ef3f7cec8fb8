"""A published round with two funded projects (0 and 2) and one not funded (1)."""

from __future__ import annotations

from flask.testing import FlaskClient

from pb.accounts.models import Role, User
from pb.rounds.models import Phase
from tests import factories


def published_round() -> factories.RoundSetup:
    # greedy, budget 100 000: project 0 (2 votes, 30 000) and 2 (1 vote, 40 000) fit; 1 does not
    return factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}, {0: 1, 2: 1}])


def signed_in(app, person: User) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert factories.login(client, person).status_code == 302
    return client


def manage_url(setup: factories.RoundSetup, index: int = 0, action: str = "") -> str:
    project = setup.projects[index]
    base = f"/manage/rounds/{setup.round.id}/projects/{project.id}/delivery"
    return f"{base}/{action}" if action else base


def other_ward_officer() -> User:
    return factories.user(Role.OFFICER, wards_=[factories.ward()])
