"""Issue 15's whole cycle through the web client, as each role involved: the round is published,
the officer plans and updates the delivery and marks it done, the ward's resident is invited to
rate it and rates, an inspector is assigned, files a report with a photo, and the officer
answers in public. Nothing is called behind the web pages after the round is published."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.assessment import services as assessment
from pb.assessment.models import Inspection, Rating
from pb.extensions import db
from tests import factories
from tests.delivery.helpers import manage_url, published_round, signed_in
from tests.media.test_images import with_gps_and_rotation

CHECKLIST = {f"item_{key}": "yes" for key in ("as_described", "in_place", "condition")} | {
    "item_accessible": "no",
    "item_in_use": "unsure",
}


def test_publish_plan_update_done_invite_rate_inspect_answer(app: Flask) -> None:
    setup = published_round()
    project = setup.projects[0]
    resident = factories.user(Role.CITIZEN, home=setup.ward)
    officer, citizen = signed_in(app, setup.officer), signed_in(app, resident)
    public = app.test_client()
    base = f"/rounds/{setup.round.id}/projects/{project.id}"

    # the officer keeps the plan: a milestone, an update, then done with a public reason
    milestone = {"milestone-title": "Benches ordered", "milestone-due_on": "2027-03-01"}
    assert officer.post(manage_url(setup, action="milestones"), data=milestone).status_code == 302
    update = {"update-happened_on": "2027-02-10", "update-body": "The first two benches are in."}
    assert officer.post(manage_url(setup, action="updates"), data=update).status_code == 302
    assert citizen.get("/assessment/invitations").get_data(as_text=True).count(f"{base}/rate") == 0
    done = {"status-status": "done", "status-reason": "Handed over to the parks team."}
    assert officer.post(manage_url(setup, action="status"), data=done).status_code == 302

    # done: the resident is invited, and rates
    assert f"{base}/rate" in citizen.get("/assessment/invitations").get_data(as_text=True)
    db.session.rollback()
    ids = [criterion.id for criterion in assessment.criteria(setup.round)]
    marks = {f"mark_{cid}": "4" for cid in ids} | {"comment": "Used every day."}
    assert citizen.post(f"{base}/rate", data=marks).status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1

    # the resident volunteers as an inspector, the officer assigns them, they report with a photo
    assert citizen.post(f"{base}/volunteer").status_code == 302
    assert officer.post(f"{base}/inspectors", data={"email": resident.email}).status_code == 302
    db.session.rollback()
    inspection = db.session.scalars(sa.select(Inspection)).one()
    report = CHECKLIST | {
        "findings": "No ramp at the gate.",
        "photo": (io.BytesIO(with_gps_and_rotation()), "gate.jpg"),
        "photo_alt": "The kerb at the north gate",
    }
    filed = citizen.post(
        f"/inspections/{inspection.id}", data=report, content_type="multipart/form-data"
    )
    assert filed.status_code == 302
    answer = {"response": "A ramp is ordered for March."}
    assert officer.post(f"/inspections/{inspection.id}/respond", data=answer).status_code == 302

    page = public.get(f"{base}/assessment").get_data(as_text=True)
    assert "No ramp at the gate." in page and "A ramp is ordered for March." in page
    assert 'alt="The kerb at the north gate"' in page
    assert resident.display_name not in page  # reports and ratings are never shown with names
    delivery_page = public.get(f"{base}/delivery").get_data(as_text=True)
    assert "Handed over to the parks team." in delivery_page
