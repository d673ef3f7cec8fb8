"""The demo's co-assessment, on the published Northfield round: its first funded project done
three weeks ago and rated by a dozen residents (figures shown), its second done days ago with
three ratings (below k: hidden), and one resident inspection, with a photo, answered by the
officer."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

from PIL import Image, ImageDraw

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
    inspections.file(
        residents[20],
        inspection,
        answers,
        findings,
        now - timedelta(days=16),
        _kerb_photo(),
        "A drawing of the north gate: a high kerb, with no dropped section, between the path "
        "and the playground",
    )
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


def _kerb_photo() -> bytes:
    """A small picture drawn with Pillow: a grey path, a high kerb, a gate and the playground."""
    image = Image.new("RGB", (640, 400), (170, 210, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 640, 400), fill=(95, 165, 85))  # the playground's lawn
    draw.polygon([(250, 400), (390, 400), (340, 230), (300, 230)], fill=(150, 150, 150))  # path
    draw.rectangle((200, 300, 440, 325), fill=(210, 210, 205))  # the kerb across it
    draw.rectangle((280, 150, 290, 300), fill=(60, 60, 60))  # the gate posts and bar
    draw.rectangle((350, 150, 360, 300), fill=(60, 60, 60))
    draw.rectangle((280, 150, 360, 160), fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
