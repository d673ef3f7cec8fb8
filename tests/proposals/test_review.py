"""The officer's review form: a reason is required to refuse a project, optional to accept it,
and the form says so before the officer submits."""

from __future__ import annotations

from flask import Flask

from pb.proposals.models import ProposalStatus
from pb.rounds.models import Phase
from tests import factories


def _officer(app: Flask, setup: factories.RoundSetup):  # type: ignore[no-untyped-def]
    client = app.test_client()
    factories.login(client, setup.officer)
    return client


def test_a_feasible_project_needs_no_reason(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    client = _officer(app, setup)
    project = setup.projects[0]
    form = client.get(f"/review/proposals/{project.id}").text
    assert "Required when not feasible; optional when feasible." in form
    response = client.post(
        f"/review/proposals/{project.id}",
        data={"decision": "feasible", "final_cost": "300", "reason": ""},
    )
    assert response.status_code == 302
    factories.db.session.rollback()  # read what the request committed
    assert project.status is ProposalStatus.FEASIBLE and project.review_reason == ""


def test_refusing_a_project_needs_a_public_reason(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    client = _officer(app, setup)
    project = setup.projects[1]
    response = client.post(
        f"/review/proposals/{project.id}", data={"decision": "infeasible", "reason": "  "}
    )
    assert response.status_code == 422
    assert "Say why it is not feasible: the reason is shown publicly." in response.text
    factories.db.session.rollback()  # read what the request committed
    assert project.status is not ProposalStatus.INFEASIBLE
