"""Stored XSS: hostile text in every field an officer types for delivery (milestone, update,
status reason, photo description) and in the project's title is inert on every page showing it."""

from __future__ import annotations

from datetime import date

from flask import Flask

from pb.accounts.models import Role
from pb.delivery import services as delivery
from pb.delivery.models import DeliveryStatus
from pb.extensions import db
from pb.following import services as following
from pb.following.models import FollowKind
from pb.security import CONTENT_SECURITY_POLICY
from tests import factories
from tests.deliberation.test_xss import EVERYTHING, _inert
from tests.delivery.helpers import published_round
from tests.media.test_images import picture


def test_delivery_payloads_are_inert_everywhere_for_everyone(app: Flask) -> None:
    setup = published_round()
    project = setup.projects[0]
    follower = factories.user(Role.CITIZEN, home=setup.ward)
    with factories.writing():
        project.title = "<script>alert(1)</script>{{7*7}}"
        following.follow(follower, FollowKind.PROJECT, project.id, email=False)
        delivery.add_milestone(setup.officer, project, EVERYTHING[:200], date(2027, 1, 5))
        delivery.post_update(
            setup.officer, project, date(2027, 1, 6), EVERYTHING, picture("PNG"), EVERYTHING[:300]
        )
        delivery.change_status(setup.officer, project, DeliveryStatus.DELAYED, EVERYTHING)
    db.session.commit()
    r, p = setup.round.id, project.id
    pages = [
        f"/rounds/{r}",
        f"/rounds/{r}/projects/{p}",
        f"/rounds/{r}/projects/{p}/delivery",
        f"/manage/rounds/{r}/projects/{p}/delivery",
        "/manage/delivery",
        "/following",
    ]
    people = {"anonymous": None, "follower": follower, "officer": setup.officer}
    problems, shown = [], 0
    for role, person in people.items():
        client = app.test_client()
        if person is not None:
            factories.login(client, person)
        for page in pages:
            response = client.get(page)
            assert response.status_code < 500, (role, page)
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            html = response.get_data(as_text=True)
            problems += [f"{role} {page}: {problem}" for problem in _inert(html)]
            shown += "{{7*7}}" in html
    assert problems == []
    assert shown >= 8  # the payloads really were on the pages checked
