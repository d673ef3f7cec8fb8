"""What an officer types is bounded: a clear 4xx and nothing written for huge or negative
spend, progress out of range, far-off dates, a missing reason or a bad photo."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import func, select

from pb.audit.models import AuditEntry
from pb.delivery import services as delivery
from pb.delivery.models import DeliveryStatus
from pb.extensions import db
from pb.media.models import Media
from tests.delivery.helpers import manage_url, published_round, signed_in
from tests.media.test_images import PDF


def _entries() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEntry.seq))) or 0


@pytest.mark.parametrize(
    "spent",
    ["-5", "1e20", "99999999999999999999", "10000000000000", "NaN", "Infinity", "12.345", "abc"],
)
def test_spend_out_of_bounds_is_refused(app: Flask, spent: str) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    before = _entries()
    response = officer.post(
        manage_url(setup, action="progress"),
        data={"progress-progress": "50", "progress-spent": spent},
    )
    assert response.status_code == 422
    assert _entries() == before
    plan = delivery.plan_of(setup.projects[0])
    assert (plan.progress, plan.spent) == (0, 0)


@pytest.mark.parametrize("progress", ["-1", "101", "1" * 40, "50.5", ""])
def test_progress_out_of_range_is_refused(app: Flask, progress: str) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    response = officer.post(
        manage_url(setup, action="progress"), data={"progress-progress": progress}
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("status", {"status-status": "done", "status-reason": "   "}),
        ("status", {"status-status": "finished", "status-reason": "Why not."}),
        ("status", {"status-status": "done", "status-reason": "x" * 2001}),
        ("milestones", {"milestone-title": "Dig", "milestone-due_on": "9999-01-01"}),
        ("milestones", {"milestone-title": "Dig", "milestone-due_on": "2027-02-30"}),
        ("milestones", {"milestone-title": "  ", "milestone-due_on": "2027-02-01"}),
        (
            "milestones/reached",
            {"reached-milestone": "99999999999", "reached-done_on": "2027-02-01"},
        ),
        ("updates", {"update-happened_on": "2027-02-01", "update-body": ""}),
    ],
)
def test_bad_forms_are_refused_and_nothing_is_written(
    app: Flask, action: str, data: dict[str, str]
) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    before = _entries()
    assert officer.post(manage_url(setup, action=action), data=data).status_code in (404, 422)
    assert _entries() == before
    assert delivery.delivery_status(setup.projects[0].id) == DeliveryStatus.PLANNED


@pytest.mark.parametrize(
    ("photo", "alt", "message"),
    [
        ((PDF, "bench.jpg"), "A bench", "not a JPEG, PNG or WebP"),
        ((b"hello", "bench.png"), "A bench", "not a JPEG, PNG or WebP"),
        ((b"", "empty.jpg"), "A bench", "The file is empty."),
    ],
)
def test_a_bad_photo_refuses_the_whole_update(
    app: Flask, photo: tuple, alt: str, message: str
) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    response = officer.post(
        manage_url(setup, action="updates"),
        data={
            "update-happened_on": "2027-02-01",
            "update-body": "Work started.",
            "update-photo": (io.BytesIO(photo[0]), photo[1]),
            "update-photo_alt": alt,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Media.id))) == 0
    assert delivery.plan_of(setup.projects[0]).updates == []


def test_a_photo_on_a_form_that_takes_none_is_refused(app: Flask) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    response = officer.post(
        manage_url(setup, action="status"),
        data={"status-status": "done", "status-reason": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_the_same_status_twice_is_a_conflict(app: Flask) -> None:
    setup = published_round()
    officer = signed_in(app, setup.officer)
    data = {"status-status": "in_progress", "status-reason": "Contractor on site."}
    assert officer.post(manage_url(setup, action="status"), data=data).status_code == 302
    assert officer.post(manage_url(setup, action="status"), data=data).status_code == 409
