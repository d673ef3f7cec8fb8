"""Ratings of a delivered project: who is asked, who may rate, one rating per resident, the
window, and figures published only from k raters (checked against hand-counted marks)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.assessment import aggregates, services
from pb.assessment.models import Invitation, Rating, Score
from pb.db import utcnow
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.mail.models import OutboxMessage
from tests import factories
from tests.assessment.helpers import delivered, funded_round, rate_all

# Six residents' marks for the three default questions, and what they add up to by hand:
# question 1: 5 4 5 3 5 2 -> one 2, one 3, one 4, three 5s; 24 / 6 = 4.00
# question 2: 4 4 3 5 4 1 -> one 1, one 3, three 4s, one 5;  21 / 6 = 3.50
# question 3: 3 2 3 1 4 5 -> one 1, one 2, two 3s, one 4, one 5; 18 / 6 = 3.00
MARKS = [(5, 4, 3), (4, 4, 2), (5, 3, 3), (3, 5, 1), (5, 4, 4), (2, 1, 5)]
EXPECTED = [
    ([0, 1, 1, 1, 3], "4.00"),
    ([1, 0, 1, 3, 1], "3.50"),
    ([1, 1, 2, 1, 1], "3.00"),
]


def test_done_invites_only_verified_residents_of_the_ward_and_mails_after_the_delay(
    app: Flask,
) -> None:
    setup = funded_round()
    unverified = factories.user(Role.CITIZEN, home=setup.ward)
    elsewhere = factories.user(Role.CITIZEN, home=factories.ward())
    resident = factories.user(Role.CITIZEN, home=setup.ward)
    with factories.writing():
        unverified.email_verified_at = None
    when = utcnow()
    with factories.writing():
        services.project_done(setup.projects[0].id, when)
    invited = set(db.session.scalars(sa.select(Invitation.user_id)))
    assert resident.id in invited and set(p.id for p in setup.voters) <= invited
    assert unverified.id not in invited and elsewhere.id not in invited
    mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == resident.email)
    ).one()
    assert mail.not_before == when + timedelta(days=7)  # the default delay
    assert f"/rounds/{setup.round.id}/projects/{setup.projects[0].id}/rate" in mail.body


def test_only_a_funded_project_opens_and_twice_changes_nothing(app: Flask) -> None:
    setup = funded_round()
    with factories.writing(), pytest.raises(Conflict):
        services.project_done(setup.projects[2].id, utcnow())
    with factories.writing():
        first = services.project_done(setup.projects[0].id, utcnow())
        again = services.project_done(setup.projects[0].id, utcnow())
    assert first is again
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 2  # the two voters


def test_figures_match_hand_counted_marks(app: Flask) -> None:
    found = delivered()
    rate_all(found, MARKS)
    with factories.writing():
        assert aggregates.refresh(found.assessment, found.opened)
    published = found.assessment.aggregate
    assert published["count"] == 6
    got = [(line["distribution"], line["mean"]) for line in published["criteria"]]
    assert got == EXPECTED


def test_below_k_nothing_is_published_not_even_the_count(app: Flask) -> None:
    found = delivered()
    rate_all(found, MARKS[:4])
    with factories.writing():
        aggregates.refresh(found.assessment, found.opened)
    assert found.assessment.aggregate == {}
    page = app.test_client().get(
        f"/rounds/{found.setup.round.id}/projects/{found.assessment.proposal_id}/assessment"
    )
    assert page.status_code == 200
    assert b"at least 5 residents" in page.data and b"<table" not in page.data


def test_figures_change_once_a_day_and_at_the_close_not_at_each_rating(app: Flask) -> None:
    found = delivered(residents=7, k=3)
    rate_all(found, MARKS)
    with factories.writing():
        aggregates.refresh(found.assessment, found.opened)

    late = found.opened + timedelta(hours=2)
    criteria = services.criteria(found.setup.round)
    with factories.writing():
        services.rate(
            found.residents[6],
            found.assessment,
            dict.fromkeys([c.id for c in criteria], 1),
            "",
            late,
        )
        assert not aggregates.refresh(found.assessment, late)
    assert found.assessment.aggregate["count"] == 6  # one rating later: still the old figures
    with factories.writing():
        assert aggregates.refresh_all(found.opened + timedelta(days=1)) == 1
    assert found.assessment.aggregate["count"] == 7
    with factories.writing():
        assert aggregates.refresh(found.assessment, found.assessment.closes_at)
        assert found.assessment.final
        assert not aggregates.refresh(
            found.assessment, found.assessment.closes_at + timedelta(days=3)
        )


def test_a_second_rating_changes_the_first_until_the_window_closes(app: Flask) -> None:
    found = delivered()
    person = found.residents[0]
    ids = [c.id for c in services.criteria(found.setup.round)]
    with factories.writing():
        services.rate(person, found.assessment, dict.fromkeys(ids, 2), "Fine.", found.opened)
        services.rate(person, found.assessment, dict.fromkeys(ids, 5), "Great.", found.opened)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1
    assert set(db.session.scalars(sa.select(Score.value))) == {5}
    closed = found.assessment.closes_at
    with factories.writing(), pytest.raises(Conflict, match="closed"):
        services.rate(person, found.assessment, dict.fromkeys(ids, 1), "", closed)


def test_unverified_and_other_wards_are_refused_and_bad_marks_too(app: Flask) -> None:
    found = delivered()
    ids = [c.id for c in services.criteria(found.setup.round)]
    outsider = factories.user(Role.CITIZEN, home=factories.ward())
    unverified = factories.user(Role.CITIZEN, home=found.setup.ward)
    with factories.writing():
        unverified.email_verified_at = None
    for person in (outsider, unverified):
        with factories.writing(), pytest.raises(Forbidden):
            services.rate(person, found.assessment, dict.fromkeys(ids, 3), "", found.opened)
    resident = found.residents[0]
    for marks in (dict.fromkeys(ids, 6), dict.fromkeys(ids[:1], 3), dict.fromkeys(ids, 0)):
        with factories.writing(), pytest.raises(InvalidInput):
            services.rate(resident, found.assessment, marks, "", found.opened)
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 0


def test_fifty_concurrent_ratings_by_one_resident_leave_one_row(app: Flask) -> None:
    found = delivered(residents=1)
    person = found.residents[0]
    ids = [c.id for c in services.criteria(found.setup.round)]
    url = f"/rounds/{found.setup.round.id}/projects/{found.assessment.proposal_id}/rate"
    clients = []
    for _ in range(50):
        client = app.test_client()
        assert factories.login(client, person).status_code == 302
        clients.append(client)
    start = Barrier(50)

    def rate(pair) -> int:  # type: ignore[no-untyped-def]
        index, client = pair
        start.wait()
        data = {f"mark_{cid}": str(index % 5 + 1) for cid in ids}
        return client.post(url, data=data).status_code

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(rate, enumerate(clients)))
    assert codes == [302] * 50, codes
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Rating.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Score)) == len(ids)
