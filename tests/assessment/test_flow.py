"""The whole co-assessment cycle through the web client, as each role involved: invitation,
rating, a changed rating, the window closing, the figures, an inspection and the answer."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.assessment import services
from pb.assessment.models import Inspection, Rating, Score
from pb.audit.models import AuditEntry
from pb.extensions import db
from tests import factories
from tests.assessment.helpers import delivered, rate_all
from tests.conftest import TimeMachine


def test_invitation_rate_change_close_figures_inspection_answer(
    app: Flask, time_machine: TimeMachine
) -> None:
    found = delivered(residents=5)
    round_id, project_id = found.setup.round.id, found.assessment.proposal_id
    base = f"/rounds/{round_id}/projects/{project_id}"
    ids = [c.id for c in services.criteria(found.setup.round)]
    resident = found.residents[0]
    name, email, officer_user = resident.display_name, resident.email, found.setup.officer
    neighbour = app.test_client()
    factories.login(neighbour, found.residents[1])
    officer = app.test_client()
    factories.login(officer, officer_user)
    client = app.test_client()
    factories.login(client, resident)

    invitations = client.get("/assessment/invitations")
    assert invitations.status_code == 200 and f"{base}/rate".encode() in invitations.data
    assert re.search(rb"Rate projects <span class=\"tag\">1<", client.get("/").data)

    first = {f"mark_{cid}": "2" for cid in ids} | {"comment": "Too *small*."}
    assert client.post(f"{base}/rate", data=first).status_code == 302
    changed = {f"mark_{cid}": "4" for cid in ids} | {"comment": "Used every *day*."}
    assert client.post(f"{base}/rate", data=changed).status_code == 302
    assert b"Rate projects <span" not in client.get("/").data  # answered: no number any more
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1
    assert set(db.session.scalars(sa.select(Score.value))) == {4}
    page = client.get(f"{base}/rate")
    assert len(re.findall(rb'<input checked id="mark_\d+-3"', page.data)) == len(ids)

    found.residents = found.residents[1:]
    rate_all(found, [(5, 5, 5), (3, 3, 3), (4, 4, 4), (1, 1, 1)])
    public = app.test_client()
    assert b"<table" not in public.get(f"{base}/assessment").data  # not aggregated yet
    assert f"{base}/assessment".encode() in public.get(base).data  # linked from the project

    time_machine.travel(found.assessment.closes_at + timedelta(minutes=1))
    refused = client.post(f"{base}/rate", data=first)
    assert (
        refused.status_code == 409 and b"rating window for this project has closed" in refused.data
    )
    result = app.test_cli_runner().invoke(args=["pb", "assessment-aggregate"])
    assert "Recomputed the figures of 1 projects." in result.output
    page = public.get(f"{base}/assessment")
    assert b"5 residents rated this project." in page.data
    assert b"<td>3.40</td>" in page.data  # (4 + 5 + 3 + 4 + 1) / 5, every question alike
    assert b"Used every <em>day</em>." in page.data
    assert name.encode() not in page.data

    assert client.post(f"{base}/volunteer").status_code == 302
    assert client.post(f"{base}/volunteer").status_code == 409  # once
    inspection = db.session.scalars(sa.select(Inspection)).one()
    assert client.get(f"/inspections/{inspection.id}").status_code == 409  # not assigned yet
    assert f"{base}/assessment/manage".encode() in officer.get(f"{base}/assessment").data
    assert b"/assessment/manage" not in public.get(f"{base}/assessment").data
    staff_page = officer.get(f"{base}/assessment/manage")
    assert staff_page.status_code == 200 and email.encode() in staff_page.data
    assigned = officer.post(f"{base}/inspectors", data={"email": email})
    assert assigned.status_code == 302
    db.session.rollback()
    assert db.session.scalars(sa.select(Inspection)).one().assigned_at is not None
    assert f"/inspections/{inspection.id}".encode() in client.get("/assessment/invitations").data
    report = {f"item_{key}": "yes" for key in ("as_described", "in_place", "condition")}
    report |= {"item_accessible": "no", "item_in_use": "unsure", "findings": "No ramp at the gate."}
    assert client.post(f"/inspections/{inspection.id}", data=report).status_code == 302
    answer = {"response": "A ramp is ordered for March."}
    assert officer.post(f"/inspections/{inspection.id}/respond", data=answer).status_code == 302
    page = public.get(f"{base}/assessment")
    assert b"No ramp at the gate." in page.data and b"A ramp is ordered for March." in page.data
    assert client.post(f"/inspections/{inspection.id}", data=report).status_code == 409

    rating = db.session.scalars(sa.select(Rating).where(Rating.comment != "")).one()
    flagged = neighbour.post(f"/ratings/{rating.id}/report", data={"reason": "Names someone."})
    assert flagged.status_code == 302
    again = neighbour.post(f"/ratings/{rating.id}/report", data={"reason": "Still."})
    assert again.status_code == 409
    assert b"Names someone." in officer.get(f"{base}/assessment/manage").data
    hidden = officer.post(f"/ratings/{rating.id}/hide", data={"reason": "Names a neighbour."})
    assert hidden.status_code == 302
    page = public.get(f"{base}/assessment")
    assert b"Used every" not in page.data and b"Names a neighbour." in page.data
    db.session.rollback()
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"assessment.opened", "assessment.rated", "assessment.rating_changed"} <= actions
    assert {"inspection.offered", "inspection.assigned", "inspection.filed"} <= actions
    assert "inspection.responded" in actions
    assert {"assessment.comment_hidden", "assessment.aggregated"} <= actions


def test_other_wards_staff_and_other_residents_are_refused(app: Flask) -> None:
    found = delivered(residents=2)
    base = f"/rounds/{found.setup.round.id}/projects/{found.assessment.proposal_id}"
    other_ward = factories.ward()
    outsider = factories.user(Role.OFFICER, wards_=[other_ward])
    client = app.test_client()
    factories.login(client, outsider)
    assert client.get(f"{base}/assessment/manage").status_code == 403
    assert client.post(f"{base}/inspectors", data={"email": "x@example.test"}).status_code == 403
    officer = app.test_client()
    factories.login(officer, found.setup.officer)
    stranger = factories.user(Role.CITIZEN, home=other_ward)
    refused = officer.post(f"{base}/inspectors", data={"email": stranger.email})
    assert refused.status_code == 422 and b"No verified resident" in refused.data
    assigned = officer.post(f"{base}/inspectors", data={"email": found.residents[0].email})
    assert assigned.status_code == 302
    db.session.rollback()
    inspection = db.session.scalars(sa.select(Inspection)).one()
    nosy = app.test_client()
    factories.login(nosy, found.residents[1])
    assert nosy.get(f"/inspections/{inspection.id}").status_code == 404
    unverified = factories.user(Role.CITIZEN, home=found.setup.ward)
    with factories.writing():
        unverified.email_verified_at = None
    refused = app.test_client()
    factories.login(refused, unverified)
    answer = refused.post(f"{base}/rate", data={})
    assert answer.status_code == 403 and b"Confirm your e-mail address first" in answer.data
    visitor_outside = app.test_client()
    factories.login(visitor_outside, stranger)
    assert visitor_outside.get(f"{base}/rate").status_code == 403
