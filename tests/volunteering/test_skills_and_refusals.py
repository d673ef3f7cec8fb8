"""Skills are opt-in, seen only by officers of the resident's ward, and deleted on withdrawal;
officers of another ward are refused with exact statuses; bad input is a 4xx that writes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.extensions import db
from pb.volunteering.models import CreditEntry, Pledge, VolunteerProfile, VolunteerTask
from tests import factories
from tests.access_world import signed_in
from tests.volunteering.helpers import funded_round, task


def _profiles() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerProfile)) or 0


def test_skills_need_consent_and_withdrawing_deletes_them(app: Flask) -> None:
    world = funded_round(residents=1)
    resident = world.residents[0]
    client = signed_in(app, resident)
    form = {"skills": "Gardening\ncarpentry, gardening", "availability": "Saturdays"}
    assert client.post("/account/skills", data=form).status_code == 422  # no consent
    assert _profiles() == 0
    assert client.post("/account/skills", data={**form, "consent": "y"}).status_code == 302
    db.session.rollback()
    assert db.session.get(VolunteerProfile, resident.id).skills == ["Gardening", "carpentry"]

    the_task = task(world, skill="gardening")
    officer_page = signed_in(app, world.officer).get("/manage/volunteering")
    assert resident.display_name in officer_page.get_data(as_text=True)

    assert client.post("/account/skills/withdraw").status_code == 302
    assert _profiles() == 0
    after = signed_in(app, world.officer).get(f"/manage/tasks/{the_task.id}")
    assert resident.display_name not in after.get_data(as_text=True)


def test_officer_of_another_ward_is_refused(app: Flask) -> None:
    world = funded_round(residents=1)
    resident = world.residents[0]
    the_task = task(world)
    signed_in(app, resident).post(f"/tasks/{the_task.id}/pledge")
    db.session.rollback()
    pledge = db.session.scalars(sa.select(Pledge)).one()
    stranger = signed_in(app, factories.user(Role.OFFICER, wards_=[factories.ward()]))
    project = world.project.id
    assert stranger.get(f"/manage/projects/{project}/tasks/new").status_code == 403
    assert stranger.get(f"/manage/tasks/{the_task.id}").status_code == 403
    hours = {"pledge": pledge.id, "hours": "2"}
    assert stranger.post(f"/manage/tasks/{the_task.id}/hours", data=hours).status_code == 403
    check = {"pledge": pledge.id}
    assert stranger.post(f"/manage/tasks/{the_task.id}/safeguarding", data=check).status_code == 403
    assert resident.display_name not in stranger.get("/manage/volunteering").get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 0


def test_residents_skills_are_not_shown_to_officers_of_other_wards(app: Flask) -> None:
    world = funded_round(residents=1)
    resident = world.residents[0]
    signed_in(app, resident).post("/account/skills", data={"skills": "Gardening", "consent": "y"})
    other_ward = factories.ward()
    other = factories.user(Role.OFFICER, wards_=[other_ward])
    elsewhere = funded_round(residents=1)
    with factories.writing():
        other.wards.append(elsewhere.setup.ward)
    task(elsewhere, skill="Gardening")
    page = signed_in(app, other).get("/manage/volunteering").get_data(as_text=True)
    assert "Plant bulbs" in page and resident.display_name not in page


BAD_HOURS = [
    "-1",
    "0",
    "999999999999999999999",
    "2.3",
    "1e3",
    "NaN",
    "２",
    "1,5,5",
    "\x00",
    "x" * 5000,
]


@pytest.mark.parametrize("hours", BAD_HOURS, ids=range(len(BAD_HOURS)))
def test_bad_hours_are_refused_and_write_nothing(app: Flask, hours: str) -> None:
    world = funded_round(residents=1)
    the_task = task(world)
    signed_in(app, world.residents[0]).post(f"/tasks/{the_task.id}/pledge")
    db.session.rollback()
    pledge = db.session.scalars(sa.select(Pledge)).one()
    officer = signed_in(app, world.officer)
    response = officer.post(
        f"/manage/tasks/{the_task.id}/hours", data={"pledge": pledge.id, "hours": hours}
    )
    assert response.status_code in (400, 422)  # 400: a NUL byte, refused before any view
    new = {
        "title": "T",
        "skill": "S",
        "hours": hours,
        "volunteers_needed": "1",
        "starts_on": "2027-01-01",
    }
    response = officer.post(f"/manage/projects/{world.project.id}/tasks/new", data=new)
    assert response.status_code in (400, 422)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VolunteerTask)) == 1


def test_odd_input_is_a_4xx(app: Flask) -> None:
    world = funded_round(residents=1)
    the_task = task(world)
    officer = signed_in(app, world.officer)
    base = f"/manage/tasks/{the_task.id}"
    for data in (
        {"pledge": str(2**63), "hours": "1"},
        {"pledge": "-5", "hours": "1"},
        {"pledge": "abc", "hours": "1"},
        {"entry": str(2**40)},
        {"entry": "1\x00"},
    ):
        target = "/reverse" if "entry" in data else "/hours"
        assert officer.post(base + target, data=data).status_code in (400, 422), data
    huge = {"title": "T", "skill": "S", "hours": "1", "starts_on": "2027-01-01"}
    for needed in ("0", "-3", "501", "9" * 40, "1.5"):
        response = officer.post(
            f"/manage/projects/{world.project.id}/tasks/new",
            data={**huge, "volunteers_needed": needed},
        )
        assert response.status_code == 422, needed
    file_part = {"skills": (__import__("io").BytesIO(b"\xff\xfe"), "skills.txt"), "consent": "y"}
    response = signed_in(app, world.residents[0]).post(
        "/account/skills", data=file_part, content_type="multipart/form-data"
    )
    assert 400 <= response.status_code < 500
    assert _profiles() == 0
