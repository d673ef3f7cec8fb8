"""Stored XSS: hostile text in every field of co-assessment (questions, comments, the hiding
reason, inspection findings and answers, project titles, names) is inert on every page that
shows it, for every role involved."""

from __future__ import annotations

from flask import Flask

from pb.accounts.models import Role
from pb.assessment import aggregates, inspections, services
from pb.db import utcnow
from pb.extensions import db
from tests import factories
from tests.assessment.helpers import funded_round
from tests.deliberation.test_xss import EVERYTHING, PAYLOADS, SHORT, _inert


def test_payloads_are_inert_on_every_assessment_page(app: Flask) -> None:
    setup = funded_round()
    people = [factories.user(Role.CITIZEN, home=setup.ward) for _ in range(5)]
    now = utcnow()
    with factories.writing():
        project = setup.projects[0]
        project.title = ("<script>alert(1)</script>{{7*7}}" + PAYLOADS[1])[:200]
        people[0].display_name = SHORT
        texts = [payload[:200] for payload in PAYLOADS[:4]] + [SHORT]
        services.save_settings(setup.councillor, setup.round, services.Config(5, 30, 0), texts)
        assessment = services.project_done(project.id, now)
        ids = [c.id for c in services.criteria(setup.round)]
        for person in people:
            services.rate(person, assessment, dict.fromkeys(ids, 3), EVERYTHING, now)
        hidden = services.rating_of(people[1], assessment)
        services.hide_comment(setup.officer, hidden, EVERYTHING)
        inspection = inspections.assign(setup.officer, assessment, people[0].email, now)
        answers = dict.fromkeys(inspections.CHECKLIST, "yes")
        inspections.file(people[0], inspection, answers, EVERYTHING, now)
        inspections.respond(setup.officer, inspection, EVERYTHING, now)
        aggregates.refresh(assessment, now)
    db.session.commit()
    base = f"/rounds/{setup.round.id}/projects/{project.id}"
    pages = {
        None: [f"{base}/assessment", base],
        people[0]: [
            f"{base}/assessment",
            f"{base}/rate",
            "/assessment/invitations",
            f"/inspections/{inspection.id}",
        ],
        setup.officer: [f"{base}/assessment/manage", f"{base}/assessment"],
        setup.councillor: [f"{base}/assessment/manage", f"/rounds/{setup.round.id}/assessment"],
    }
    problems, shown = [], 0
    for person, paths in pages.items():
        client = app.test_client()
        if person is not None:
            factories.login(client, person)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            html = response.get_data(as_text=True)
            problems += [f"{path}: {problem}" for problem in _inert(html)]
            shown += "{{7*7}}" in html
    assert problems == []
    assert shown == 10  # the payloads really were on every page checked
