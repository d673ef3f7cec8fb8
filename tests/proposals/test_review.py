"""The officer's review form: a reason is required to refuse a project, optional to accept it,
and the form says so before the officer submits."""

from __future__ import annotations

from flask import Flask

from pb.accounts.models import Role
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


def test_a_resident_of_another_ward_is_told_on_arrival(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    outsider = factories.user(home=factories.ward())
    client = app.test_client()
    factories.login(client, outsider)
    page = client.get(f"/rounds/{setup.round.id}/proposals/new")
    assert page.status_code == 403
    assert "Only residents of this round&#39;s wards can propose projects." in page.text
    assert 'name="title"' not in page.text  # no form to fill in for nothing
    resident = app.test_client()
    factories.login(resident, setup.voters[0] if setup.voters else factories.user(home=setup.ward))
    assert 'name="title"' in resident.get(f"/rounds/{setup.round.id}/proposals/new").text


def test_the_review_page_shows_how_residents_received_the_proposal(app: Flask) -> None:
    from pb.deliberation.models import Comment

    setup = factories.round_in_phase(Phase.REVIEW, voters=1)
    project = setup.projects[0]
    factories.db.session.add(
        Comment(proposal_id=project.id, author_id=setup.voters[0].id, body="Needs lighting too")
    )
    factories.db.session.commit()
    page = _officer(app, setup).get(f"/review/proposals/{project.id}").text
    assert "How residents received it" in page and "Needs lighting too" in page
    assert f"/rounds/{setup.round.id}/merge" in page and f"/proposals/{project.id}/history" in page
    queue = _officer(app, setup).get("/review").text
    assert f"/rounds/{setup.round.id}/merge" in queue


def test_the_internal_note_stays_with_the_wards_officers(app: Flask) -> None:
    import json

    import sqlalchemy as sa

    from pb.audit.models import AuditEntry

    setup = factories.round_in_phase(Phase.REVIEW)
    project = setup.projects[0]
    client = _officer(app, setup)
    secret = "Ask highways about the drain first"
    saved = client.post(f"/review/proposals/{project.id}/note", data={"note": secret})
    assert saved.status_code == 302
    assert secret in client.get(f"/review/proposals/{project.id}").text
    public = app.test_client()
    assert secret not in public.get(f"/rounds/{setup.round.id}/projects/{project.id}").text
    assert secret not in public.get(f"/api/rounds/{setup.round.id}").text
    factories.db.session.rollback()
    entries = factories.db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "proposal.note_updated")
    ).all()
    assert len(entries) == 1 and secret not in json.dumps(entries[0].data)
    elsewhere = app.test_client()
    factories.login(elsewhere, factories.user(Role.OFFICER, wards_=[factories.ward()]))
    refused = elsewhere.post(f"/review/proposals/{project.id}/note", data={"note": "mine"})
    assert refused.status_code == 404
    too_long = client.post(f"/review/proposals/{project.id}/note", data={"note": "x" * 4001})
    assert too_long.status_code == 422
