"""The demo shows issue 18 on its published round: tasks with pledges and confirmed hours, the
demo resident's thank-you, a ward register and focus, posters."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from pb.community.models import CommunityEntry, EntryStatus
from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.volunteering import queries
from pb.volunteering.models import VolunteerTask
from pb.wards.models import Ward


def test_demo_has_volunteering_and_a_register(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    db.session.rollback()
    published = db.session.scalars(sa.select(Round).where(Round.phase == Phase.PUBLISHED)).one()
    tasks = db.session.scalars(sa.select(VolunteerTask).order_by(VolunteerTask.id)).all()
    assert len(tasks) == 3
    # pledged: 6 x 3 h + 3 x 2 h + 1 x 2.5 h; given: 3 + 3 + 2.75 + 3 + 2.5 + 2 hours
    assert queries.minutes_pledged(round_id=published.id) == 6 * 180 + 3 * 120 + 150
    assert queries.minutes_given(round_id=published.id) == 180 + 180 + 165 + 180 + 150 + 120
    assert queries.volunteers(round_id=published.id) == 9
    northfield = db.session.scalars(sa.select(Ward).where(Ward.code == "NTH")).one()
    statuses = db.session.scalars(
        sa.select(CommunityEntry.status).where(CommunityEntry.ward_id == northfield.id)
    ).all()
    assert sorted(statuses) == sorted([EntryStatus.APPROVED] * 3 + [EntryStatus.PENDING])

    client = app.test_client()
    register = client.get(f"/wards/{northfield.id}/community").get_data(as_text=True)
    assert "Friends of Northfield Park" in register and "Parks and green spaces" in register
    assert client.get(f"/rounds/{published.id}/poster").status_code == 200
    assert client.get(f"/tasks/{tasks[0].id}/poster").status_code == 200
    client.post("/login", data={"email": "citizen@demo.test", "password": "demo"})
    account = client.get("/account").get_data(as_text=True)
    assert "you have given 5.5 hours to funded projects, 5.5 time credits" in account
    client = app.test_client()
    client.post("/login", data={"email": "officer@demo.test", "password": "demo"})
    assert "Reading buddies" in client.get("/manage/volunteering").get_data(as_text=True)
