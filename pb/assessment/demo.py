"""The demo's co-assessment, on the published Northfield round: its first funded project done
three weeks ago and rated by a dozen residents (figures shown), its second done days ago with
three ratings (below k: hidden), and one resident inspection answered by the officer."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from pb.accounts.models import User
from pb.assessment import aggregates, inspections, services
from pb.results import services as results
from pb.rounds.models import Round

COMMENTS = [
    "Used every morning by the walking group.",
    "Good, but the *lighting* went in late.",
    "",
    "Exactly what was promised.",
]


def populate(round_: Round, officer: User, residents: list[User], now: datetime) -> None:
    """Mark two funded projects done (the delivery demo sets the states shown elsewhere).
    Its own random marks, so the rest of the demo draws the same ballots as before."""
    rng = random.Random(15)
    funded = results.funded_projects(round_)
    if len(funded) < 2:
        return
    rated = services.project_done(funded[0].id, now - timedelta(days=21))
    _rate(rated, residents[:12], rng, now - timedelta(days=14))
    recent = services.project_done(funded[1].id, now - timedelta(days=3))
    _rate(recent, residents[12:15], rng, now - timedelta(days=2))
    inspection = inspections.assign(officer, rated, residents[20].email, now - timedelta(days=18))
    answers = dict.fromkeys(inspections.CHECKLIST, "yes") | {"accessible": "no"}
    findings = (
        "Installed where planned and already busy after school. The path from the north gate "
        "has a kerb with no dropped section, so wheelchair users cannot reach it."
    )
    inspections.file(residents[20], inspection, answers, findings, now - timedelta(days=16))
    response = (
        "Thank you. A dropped kerb at the north gate is ordered and will be in place within "
        "six weeks; the inspector will be asked to check it."
    )
    inspections.respond(officer, inspection, response, now - timedelta(days=15))
    inspections.volunteer(residents[21], rated, now - timedelta(days=1))  # for the officer
    for assessment in (rated, recent):
        aggregates.refresh(assessment, now)


def _rate(assessment, people: list[User], rng: random.Random, when: datetime) -> None:  # type: ignore[no-untyped-def]
    ids = [criterion.id for criterion in services.criteria(assessment.proposal.round)]
    for index, person in enumerate(people):
        marks = {cid: rng.choice((3, 4, 4, 5, 5)) for cid in ids}
        services.rate(person, assessment, marks, COMMENTS[index % len(COMMENTS)], when)
