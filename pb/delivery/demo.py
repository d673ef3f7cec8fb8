"""The demo's delivery: on the published Northfield round, funded projects in every delivery
state, with milestones, spending, dated updates and a photo (drawn here with Pillow, so no
binary file is kept in the repository); the demo resident follows one of them."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from PIL import Image, ImageDraw

from pb.accounts.models import User
from pb.delivery import services
from pb.delivery.models import DeliveryStatus
from pb.following import services as following
from pb.following.models import FollowKind
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.rounds.models import Round

# (status, reason, progress %, share of the cost spent in %): one funded project each, in order.
STATES = [
    (DeliveryStatus.DONE, "Opened to the public; the parks team now looks after it.", 100, 97),
    (DeliveryStatus.IN_PROGRESS, "The contractor started on site.", 45, 40),
    (DeliveryStatus.DELAYED, "The supplier could not deliver before spring.", 20, 15),
    (
        DeliveryStatus.CANCELLED,
        "The land turned out to be privately owned; the money returns to the ward's next budget.",
        0,
        2,
    ),
    (DeliveryStatus.PLANNED, "", 0, 0),
]


def populate(round_: Round, officer: User, follower: User, now: datetime) -> None:
    funded = results.funded_projects(round_)
    today = now.date()
    for project, state in zip(funded, STATES, strict=False):
        _deliver(project, officer, today, *state)
    if funded:
        following.follow(follower, FollowKind.PROJECT, funded[0].id, email=True)
        services.post_update(
            officer, funded[0], today, "Thank you to everyone who came to the opening."
        )


def _deliver(
    project: Proposal,
    officer: User,
    today: date,
    status: DeliveryStatus,
    reason: str,
    progress: int,
    spent_percent: int,
) -> None:
    start = today - timedelta(days=120)
    services.add_milestone(officer, project, "Design agreed with residents", start)
    services.add_milestone(officer, project, "Work on site", start + timedelta(days=90))
    services.add_milestone(officer, project, "Open to the public", start + timedelta(days=200))
    if status is DeliveryStatus.PLANNED:
        return
    done = services.plan_of(project).milestones[0]  # type: ignore[union-attr]
    services.complete_milestone(officer, project, done.id, start + timedelta(days=5))
    if status is DeliveryStatus.DONE:  # every step reached, the last before its date: on time
        later = services.plan_of(project).milestones[1:]  # type: ignore[union-attr]
        for milestone, days in zip(later, (85, 117), strict=True):
            services.complete_milestone(
                officer, project, milestone.id, start + timedelta(days=days)
            )
    services.set_progress(officer, project, progress, project.cost * spent_percent // 100)
    photo = _photo() if status is DeliveryStatus.DONE else None
    services.post_update(
        officer,
        project,
        start + timedelta(days=30),
        "Residents chose the final design at a drop-in session in the community centre.",
        photo,
        "A drawing of the finished project: a bench under a tree on a green lawn" if photo else "",
    )
    services.change_status(officer, project, status, reason)


def _photo() -> bytes:
    """A small picture drawn with Pillow: sky, lawn, a tree and a bench."""
    image = Image.new("RGB", (640, 400), (150, 200, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 260, 640, 400), fill=(90, 160, 80))
    draw.rectangle((430, 150, 450, 280), fill=(110, 75, 40))
    draw.ellipse((370, 60, 510, 190), fill=(40, 120, 50))
    draw.rectangle((180, 250, 340, 262), fill=(120, 80, 40))
    draw.rectangle((180, 225, 340, 235), fill=(120, 80, 40))
    for x in (190, 325):
        draw.rectangle((x, 262, x + 8, 290), fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
