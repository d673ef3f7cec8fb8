"""The round's questions and settings: the councillor edits them (audited), bad numbers are a
422 with nothing written, and the questions are fixed once a project opened for rating."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.assessment import services
from pb.assessment.models import AssessmentSettings, Criterion, ProjectAssessment
from pb.audit.models import AuditEntry
from pb.db import utcnow
from pb.extensions import db
from tests import factories
from tests.assessment.helpers import delivered, funded_round

FORM = {"min_raters": "7", "window_days": "30", "email_delay_days": "2"}


def test_the_councillor_sets_questions_and_numbers_and_they_apply_to_new_windows(
    app: Flask,
) -> None:
    setup = funded_round()
    client = app.test_client()
    factories.login(client, setup.councillor)
    url = f"/rounds/{setup.round.id}/assessment"
    page = client.get(url)
    assert page.status_code == 200 and b"Was it delivered as promised?" in page.data
    data = FORM | {"criterion_0": "Is it clean?", "criterion_1": "", "criterion_2": "Is it safe?"}
    assert client.post(url, data=data).status_code == 302
    db.session.rollback()
    texts = db.session.scalars(sa.select(Criterion.text).order_by(Criterion.position)).all()
    assert texts == ["Is it clean?", "Is it safe?"]
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "assessment.settings_saved")
    ).one()
    assert json.loads(entry.data)["criteria"] == ["Is it clean?", "Is it safe?"]
    with factories.writing():
        opened = services.project_done(setup.projects[0].id, utcnow())
    assert opened.min_raters == 7
    assert (opened.closes_at - opened.opens_at).days == 30


def test_bad_numbers_are_refused_and_nothing_is_written(app: Flask) -> None:
    setup = funded_round()
    client = app.test_client()
    factories.login(client, setup.councillor)
    url = f"/rounds/{setup.round.id}/assessment"
    for bad in ({"min_raters": "0"}, {"window_days": "9" * 40}, {"email_delay_days": "-1"}):
        response = client.post(url, data=FORM | {"criterion_0": "Fine?"} | bad)
        assert response.status_code == 422, bad
    assert client.post(url, data=FORM).status_code == 422  # no question left
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssessmentSettings)) == 0


def test_questions_are_fixed_once_a_window_opened_but_numbers_are_not(app: Flask) -> None:
    found = delivered(residents=1)
    client = app.test_client()
    factories.login(client, found.setup.councillor)
    url = f"/rounds/{found.setup.round.id}/assessment"
    assert b"its questions are fixed" in client.get(url).data
    assert client.post(url, data=FORM | {"criterion_0": "Another?"}).status_code == 409
    same = {
        f"criterion_{i}": text
        for i, text in enumerate(
            ["Was it delivered as promised?", "Is it used?", "Was it worth the money?"]
        )
    }
    assert client.post(url, data=FORM | same).status_code == 302
    db.session.rollback()
    assert db.session.get(AssessmentSettings, found.setup.round.id).min_raters == 7
    assert db.session.get(ProjectAssessment, found.assessment.proposal_id).min_raters == 5


def test_another_wards_councillor_is_refused(app: Flask) -> None:
    setup = funded_round()
    other = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    client = app.test_client()
    factories.login(client, other)
    assert client.get(f"/rounds/{setup.round.id}/assessment").status_code == 403


def test_a_hidden_comment_stays_hidden_when_rewritten(app: Flask) -> None:
    found = delivered(residents=1)
    person = found.residents[0]
    ids = [c.id for c in services.criteria(found.setup.round)]
    with factories.writing():
        rating = services.rate(
            person, found.assessment, dict.fromkeys(ids, 3), "Rude.", found.opened
        )
        services.hide_comment(found.setup.officer, rating, "Insulting.")
        services.rate(person, found.assessment, dict.fromkeys(ids, 3), "Still rude.", found.opened)
    assert rating.hidden_at is not None and rating.hidden_reason == "Insulting."
