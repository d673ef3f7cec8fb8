"""The whole delivery cycle through the web client: publish, plan, milestones, an update with a
photo, done with a reason; the follower hears of it in the app and by real SMTP."""

from __future__ import annotations

import io
import re
from datetime import datetime

from flask import Flask
from sqlalchemy import select

from pb.accounts.models import Role
from pb.audit.models import AuditEntry
from pb.delivery import services as delivery
from pb.delivery.models import DeliveryPlan, DeliveryStatus
from pb.extensions import db
from pb.mail import delivery as outbox_delivery
from tests import factories
from tests.conftest import custom_app
from tests.delivery.helpers import manage_url, other_ward_officer, published_round, signed_in
from tests.media.test_images import with_gps_and_rotation
from tests.smtp import Sink


def test_publish_plan_update_done_and_the_follower_is_told(mailer: tuple[Flask, Sink]) -> None:
    app, sink = mailer
    seen: list[tuple[int, str, datetime]] = []
    delivery.STATUS_HOOKS.append(lambda *args: seen.append(args))
    try:
        _cycle(app, sink, seen)
    finally:
        delivery.STATUS_HOOKS.pop()


def _cycle(app: Flask, sink: Sink, seen: list) -> None:  # type: ignore[type-arg]
    setup = published_round()
    funded, unfunded = setup.projects[0], setup.projects[1]
    plans = db.session.scalars(select(DeliveryPlan)).all()
    assert {p.proposal_id for p in plans} == {funded.id, setup.projects[2].id}  # publication
    assert delivery.delivery_status(funded.id) == "planned"
    assert delivery.delivery_status(unfunded.id) is None

    follower = factories.user(Role.CITIZEN, home=setup.ward)
    resident = signed_in(app, follower)
    page = f"/rounds/{setup.round.id}/projects/{funded.id}/delivery"
    assert resident.post(f"/follow/project/{funded.id}", data={"email": "y"}).status_code == 302
    assert resident.post(f"/follow/project/{unfunded.id}", data={}).status_code == 404

    officer = signed_in(app, setup.officer)
    assert officer.get(manage_url(setup)).status_code == 200
    assert (
        officer.post(
            manage_url(setup, action="milestones"),
            data={"milestone-title": "Benches ordered", "milestone-due_on": "2027-03-01"},
        ).status_code
        == 302
    )
    assert (
        officer.post(
            manage_url(setup, action="progress"),
            data={"progress-progress": "40", "progress-spent": "120.50"},
        ).status_code
        == 302
    )
    photo = (io.BytesIO(with_gps_and_rotation()), "bench.jpg")
    assert (
        officer.post(
            manage_url(setup, action="updates"),
            data={
                "update-happened_on": "2027-02-10",
                "update-body": "The first two benches are in.",
                "update-photo": photo,
                "update-photo_alt": "Two new benches by the pond",
            },
            content_type="multipart/form-data",
        ).status_code
        == 302
    )
    assert (
        officer.post(
            manage_url(setup, action="status"),
            data={"status-status": "done", "status-reason": "Handed over to the parks team."},
        ).status_code
        == 302
    )

    db.session.rollback()
    plan = delivery.plan_of(funded)
    assert (plan.status, plan.progress, plan.spent) == (DeliveryStatus.DONE, 100, 12_050)
    assert [m.title for m in plan.milestones] == ["Benches ordered"]
    assert seen and seen[0][:2] == (funded.id, "done")

    public = app.test_client().get(page).get_data(as_text=True)
    assert "Done" in public and "Handed over to the parks team." in public
    assert "Two new benches by the pond" in public and "£120.50 of £300.00 allocated" in public
    image = app.test_client().get(f"/media/{plan.updates[0].media_id}")
    assert image.mimetype == "image/jpeg" and b"SecretCam" not in image.data
    project_page = app.test_client().get(f"/rounds/{setup.round.id}/projects/{funded.id}")
    assert "Delivery: Done" in project_page.get_data(as_text=True)
    round_page = app.test_client().get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert "Delivery: Done" in round_page and "Delivery: Planned" in round_page

    notices = resident.get("/following").get_data(as_text=True)
    assert "New delivery update on “Project 1”." in notices
    assert "“Project 1” is now: Done. Reason: Handed over to the parks team." in notices
    assert '<span class="tag">2<span class="visually-hidden"> unread' in notices

    outbox_delivery.deliver_due()
    mails = [m for m in sink.messages if m["To"] == follower.email]
    assert len(mails) == 2
    assert "“Project 1” is now: Done." in mails[-1]["Subject"]
    assert "asked for e-mail" in mails[-1].get_content()

    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
    for action in (
        "delivery.planned",
        "delivery.milestone_added",
        "delivery.progress_updated",
        "media.stored",
        "delivery.update_posted",
        "delivery.status_changed",
        "follow.started",
    ):
        assert action in actions


def test_an_officer_of_another_ward_is_refused(app: Flask) -> None:
    setup = published_round()
    stranger = signed_in(app, other_ward_officer())
    assert stranger.get(manage_url(setup)).status_code == 403
    refused = stranger.post(
        manage_url(setup, action="status"),
        data={"status-status": "cancelled", "status-reason": "Not mine to cancel."},
    )
    assert refused.status_code == 403
    db.session.rollback()
    assert delivery.delivery_status(setup.projects[0].id) == "planned"


def test_a_project_that_was_not_funded_has_no_delivery(app: Flask) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    assert officer.get(manage_url(setup, 1)).status_code == 404
    url = f"/rounds/{setup.round.id}/projects/{setup.projects[1].id}/delivery"
    assert app.test_client().get(url).status_code == 404


def test_the_officer_forms_carry_working_tokens(database_url: str) -> None:
    """With CSRF on, each prefixed form of the editing page posts with the token it renders."""
    with custom_app(database_url, WTF_CSRF_ENABLED=True) as app:
        setup = published_round()
        client = app.test_client()
        login_page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
        credentials = {"email": setup.officer.email, "password": factories.PASSWORD}
        assert client.post("/login", data={"csrf_token": token, **credentials}).status_code == 302
        page = client.get(manage_url(setup)).get_data(as_text=True)
        tokens = dict(
            re.findall(r'name="((?:status|milestone)-csrf_token)"[^>]*value="([^"]+)"', page)
        )
        data = {"status-status": "in_progress", "status-reason": "Contractor on site."}
        assert client.post(manage_url(setup, action="status"), data=data).status_code == 400
        data["status-csrf_token"] = tokens["status-csrf_token"]
        assert client.post(manage_url(setup, action="status"), data=data).status_code == 302
        page = client.get(manage_url(setup)).get_data(as_text=True)
        milestone = {"milestone-title": "Dig", "milestone-due_on": "2027-02-01"}
        milestone["milestone-csrf_token"] = tokens["milestone-csrf_token"]
        assert (
            client.post(manage_url(setup, action="milestones"), data=milestone).status_code == 302
        )
        page = client.get(manage_url(setup)).get_data(as_text=True)
        reached = re.search(r'name="reached-csrf_token" value="([^"]+)"', page).group(1)
        done = {"reached-csrf_token": reached, "reached-done_on": "2027-02-02"}
        done["reached-milestone"] = re.search(
            r'name="reached-milestone" value="(\d+)"', page
        ).group(1)
        url = manage_url(setup, action="milestones/reached")
        assert client.post(url, data=done).status_code == 302
