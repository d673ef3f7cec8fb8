"""Stored XSS: hostile project titles, rating questions and ward names are inert on the
outcomes pages, and a title that a spreadsheet would run as a formula is neutralised in the CSV."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from pb.assessment.models import Criterion
from pb.extensions import db
from pb.security import CONTENT_SECURITY_POLICY
from tests import factories
from tests.deliberation.test_xss import EVERYTHING, _inert
from tests.outcomes.helpers import counted_round


def test_outcomes_payloads_are_inert(app: Flask) -> None:
    counted = counted_round()
    setup = counted.setup
    with factories.writing():
        setup.projects[0].title = "<script>alert(1)</script>{{7*7}}"
        setup.projects[2].title = '=HYPERLINK("http://x")'
        for criterion in db.session.scalars(select(Criterion)):
            criterion.text = EVERYTHING[:200]
        setup.ward.name = "<img src=x onerror=alert(1)>{{7*7}}"
    db.session.commit()
    pages = [f"/rounds/{setup.round.id}/outcomes", f"/wards/{setup.ward.id}/outcomes"]
    problems, shown = [], 0
    for person in (None, counted.residents[0], setup.councillor):
        client = app.test_client()
        if person is not None:
            factories.login(client, person)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, page
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            html = response.get_data(as_text=True)
            problems += [f"{page}: {problem}" for problem in _inert(html)]
            shown += "{{7*7}}" in html
    assert problems == []
    assert shown == 6
    csv_text = app.test_client().get(f"/rounds/{setup.round.id}/outcomes.csv").get_data()
    assert b"'=HYPERLINK" in csv_text
    assert b"\n=HYPERLINK" not in csv_text and b",=HYPERLINK" not in csv_text
