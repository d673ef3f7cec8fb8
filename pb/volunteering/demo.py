"""The demo's volunteering: tasks on the published round's funded projects, pledges (the demo
resident's among them), a safeguarding check, confirmed hours and one correction (README)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pb.accounts.models import User
from pb.results import services as results
from pb.rounds.models import Round
from pb.volunteering import ledger, services

TASKS = (
    # (title, description, skill, minutes, volunteers, days from now, times, safeguarding)
    (
        "Plant the community orchard",
        "Dig, plant and mulch forty fruit trees with the parks team. Tools and gloves provided.",
        "Gardening",
        180,
        8,
        14,
        "Saturday 10:00 to 13:00",
        False,
    ),
    (
        "Reading buddies at the new library corner",
        "Read with children aged 6 to 9 after school, with a librarian present.",
        "Reading with children",
        120,
        4,
        21,
        "Wednesdays 15:30 to 17:30",
        True,
    ),
    (
        "Paint the new benches",
        "Two coats of weatherproof paint on the benches before they go out.",
        "Painting",
        150,
        6,
        10,
        "Sunday 11:00 to 13:30",
        False,
    ),
)
SKILLS = (["Gardening", "Carpentry"], ["Painting"], ["Gardening"], ["Reading with children"])


def populate(
    published: Round, officer: User, citizen: User, people: list[User], now: datetime
) -> None:
    funded = results.funded_projects(published)
    if not funded:
        return
    services.save_skills(citizen, ["Gardening", "First aid"], "Saturday mornings")
    for person, skills in zip(people[:8], SKILLS * 2, strict=False):
        services.save_skills(person, skills, "Weekends")
    tasks = []
    for index, (title, text, skill, minutes, needed, days, times, check) in enumerate(TASKS):
        draft = services.TaskDraft(
            title, text, skill, minutes, needed, (now + timedelta(days=days)).date(), times, check
        )
        tasks.append(services.post_task(officer, funded[index % len(funded)], draft))
    orchard, reading, benches = tasks
    for person in [citizen, *people[:5]]:
        services.pledge(person, orchard)
    for person in people[5:8]:
        services.pledge(person, reading)
    services.pledge(citizen, benches)
    # hours given so far: the demo resident's account thanks them for 5.5 hours
    for person, minutes in ((citizen, 180), (people[0], 180), (people[1], 165)):
        ledger.confirm_hours(officer, services.pledge_of(person, orchard), minutes)
    mistake = ledger.confirm_hours(officer, services.pledge_of(people[2], orchard), 1800)
    ledger.reverse(officer, mistake, "Typed 30 hours instead of 3")
    ledger.confirm_hours(officer, services.pledge_of(people[2], orchard), 180, "Corrected")
    ledger.confirm_hours(officer, services.pledge_of(citizen, benches), 150)
    checked = services.pledge_of(people[5], reading)
    services.confirm_safeguarding(officer, checked)
    ledger.confirm_hours(officer, checked, 120)
