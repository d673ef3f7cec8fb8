"""Following is a person's own choice: one row per (person, thing), never from a ballot; the
notices are theirs alone, and e-mail only when asked for."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pb.accounts.models import Role
from pb.delivery import services as delivery
from pb.extensions import db
from pb.following import services as following
from pb.following.models import Follow, FollowKind, Notice
from pb.mail.models import OutboxMessage
from tests import factories
from tests.delivery.helpers import published_round, signed_in


def test_following_twice_keeps_one_row_and_the_last_email_choice(app: Flask) -> None:
    setup = published_round()
    resident = signed_in(app, factories.user(Role.CITIZEN, home=setup.ward))
    url = f"/follow/project/{setup.projects[0].id}"
    assert resident.post(url, data={"email": "y"}).status_code == 302
    assert resident.post(url, data={}).status_code == 302
    db.session.rollback()
    follows = db.session.scalars(select(Follow)).all()
    assert [(f.kind, f.object_id, f.email) for f in follows] == [
        (FollowKind.PROJECT, setup.projects[0].id, False)
    ]


def test_the_database_refuses_a_second_row(app: Flask) -> None:
    setup = published_round()
    person = factories.user(Role.CITIZEN)
    with pytest.raises(IntegrityError), factories.writing():
        for _ in range(2):
            db.session.add(
                Follow(user_id=person.id, kind="project", object_id=setup.projects[0].id)
            )
            db.session.flush()
    db.session.rollback()


def test_voters_follow_nothing_until_they_choose(app: Flask) -> None:
    setup = published_round()  # two residents voted for project 1
    assert db.session.scalar(select(func.count(Follow.id))) == 0
    with factories.writing():
        delivery.post_update(setup.officer, setup.projects[0], date(2027, 1, 1), "Started.")
    assert db.session.scalar(select(func.count(Notice.id))) == 0


def test_in_app_only_followers_get_no_email_and_stop_when_they_unfollow(app: Flask) -> None:
    setup = published_round()
    quiet, loud = (factories.user(Role.CITIZEN, home=setup.ward) for _ in range(2))
    project = setup.projects[0]
    with factories.writing():
        following.follow(quiet, FollowKind.PROJECT, project.id, email=False)
        following.follow(loud, FollowKind.PROJECT, project.id, email=True)
        delivery.post_update(setup.officer, project, date(2027, 1, 1), "Started.")
    assert following.unread_count(quiet) == following.unread_count(loud) == 1
    recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
    assert loud.email in recipients and quiet.email not in recipients
    client = signed_in(app, quiet)
    assert client.post(f"/unfollow/project/{project.id}").status_code == 302
    assert client.post("/following/read").status_code == 302
    db.session.rollback()
    with factories.writing():
        delivery.post_update(setup.officer, project, date(2027, 1, 2), "Going well.")
    assert following.unread_count(quiet) == 0 and following.unread_count(loud) == 2


def test_unknown_kinds_are_404(app: Flask) -> None:
    client = signed_in(app, factories.user(Role.CITIZEN))
    assert client.post("/follow/ballot/1").status_code == 404
    assert client.post("/unfollow/ballot/1").status_code == 404
