"""Map it and Focus it: residents suggest register entries, officers of the ward approve them,
a contact is published only with consent; councillors rank the ward's focus, and a new round
can take its categories from it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.community.models import CommunityEntry, EntryStatus, FocusArea
from pb.extensions import db
from tests import factories
from tests.access_world import signed_in

ENTRY = {
    "name": "Friends of Riverside Park",
    "activity": "Monthly litter picks and bulb planting.",
    "services": "Parks, street cleaning",
    "contact": "friends@example.test",
}


def test_suggest_approve_and_publish_with_consent(app: Flask) -> None:
    ward = factories.ward()
    resident = signed_in(app, factories.user(Role.CITIZEN, home=ward))
    assert resident.post(f"/wards/{ward.id}/community/suggest", data=ENTRY).status_code == 302
    quiet = {**ENTRY, "name": "Knit and natter", "contact": "07700 900123"}
    public = {
        **ENTRY,
        "name": "Repair cafe",
        "contact": "repair@example.test",
        "contact_public": "y",
    }
    resident.post(f"/wards/{ward.id}/community/suggest", data=quiet)
    resident.post(f"/wards/{ward.id}/community/suggest", data=public)
    register = app.test_client().get(f"/wards/{ward.id}/community").get_data(as_text=True)
    assert "Friends of Riverside Park" not in register  # waiting for an officer

    officer = signed_in(app, factories.user(Role.OFFICER, wards_=[ward]))
    queue = officer.get("/manage/community").get_data(as_text=True)
    assert "Friends of Riverside Park" in queue and "07700 900123" in queue
    db.session.rollback()
    ids = dict(db.session.execute(sa.select(CommunityEntry.name, CommunityEntry.id)).all())
    stranger = signed_in(app, factories.user(Role.OFFICER, wards_=[factories.ward()]))
    refused = stranger.post("/manage/community", data={"entry": ids["Repair cafe"], "approve": "1"})
    assert refused.status_code == 422
    for name in ("Knit and natter", "Repair cafe"):
        decision = {"entry": ids[name], "approve": "1"}
        assert officer.post("/manage/community", data=decision).status_code == 302
    rejected = {"entry": ids["Friends of Riverside Park"], "reject": "1"}
    assert officer.post("/manage/community", data=rejected).status_code == 302
    again = officer.post("/manage/community", data={"entry": ids["Repair cafe"], "reject": "1"})
    assert again.status_code == 409

    register = app.test_client().get(f"/wards/{ward.id}/community").get_data(as_text=True)
    assert "Knit and natter" in register and "Repair cafe" in register
    assert "Friends of Riverside Park" not in register
    assert "repair@example.test" in register  # consent given
    assert "07700 900123" not in register  # no consent: officers only
    db.session.rollback()
    statuses = dict(db.session.execute(sa.select(CommunityEntry.name, CommunityEntry.status)).all())
    assert statuses["Friends of Riverside Park"] is EntryStatus.REJECTED


def test_only_residents_suggest(app: Flask) -> None:
    ward = factories.ward()
    officer = signed_in(app, factories.user(Role.OFFICER, wards_=[ward]))
    assert officer.get(f"/wards/{ward.id}/community/suggest").status_code == 403
    resident = signed_in(app, factories.user(Role.CITIZEN, home=ward))
    assert (
        resident.post(f"/wards/{ward.id}/community/suggest", data={"name": "x"}).status_code == 422
    )
    assert resident.get("/wards/2147483647/community/suggest").status_code == 404


def test_focus_is_ranked_and_seeds_a_new_rounds_categories(app: Flask) -> None:
    ward = factories.ward()
    councillor = signed_in(app, factories.user(Role.COUNCILLOR, wards_=[ward]))
    areas = "Youth services\n  Parks  \nyouth services\nAdult social care\n"
    assert (
        councillor.post(f"/manage/wards/{ward.id}/focus", data={"areas": areas}).status_code == 302
    )
    db.session.rollback()
    ranked = db.session.scalars(
        sa.select(FocusArea.area).where(FocusArea.ward_id == ward.id).order_by(FocusArea.rank)
    ).all()
    assert ranked == ["Youth services", "Parks", "Adult social care"]
    register = app.test_client().get(f"/wards/{ward.id}/community").get_data(as_text=True)
    assert register.index("Youth services") < register.index("Parks") < register.index("Adult")

    focus = councillor.get(f"/manage/wards/{ward.id}/focus").get_data(as_text=True)
    link = (
        "/manage/rounds/new?category=Youth+services&amp;category=Parks"
        "&amp;category=Adult+social+care"
    )
    assert link in focus
    form = councillor.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Youth services\nParks\nAdult social care</textarea>" in form

    too_many = "\n".join(f"Area {n}" for n in range(11))
    assert (
        councillor.post(f"/manage/wards/{ward.id}/focus", data={"areas": too_many}).status_code
        == 422
    )
    assert (
        councillor.post(f"/manage/wards/{ward.id}/focus", data={"areas": "x" * 81}).status_code
        == 422
    )
    other = signed_in(app, factories.user(Role.COUNCILLOR, wards_=[factories.ward()]))
    assert other.get(f"/manage/wards/{ward.id}/focus").status_code == 403
    assert other.post(f"/manage/wards/{ward.id}/focus", data={"areas": "Mine"}).status_code == 403
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FocusArea)) == 3
