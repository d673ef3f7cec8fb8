"""A published round with a funded project, its ward's officer, and a task posted on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pb.accounts.models import Role, User
from pb.proposals.models import Proposal
from pb.results import services as results
from pb.rounds.models import Phase
from pb.volunteering import services
from pb.volunteering.models import VolunteerTask
from tests import factories


@dataclass
class Funded:
    setup: factories.RoundSetup
    project: Proposal
    officer: User
    residents: list[User]


def funded_round(residents: int = 2) -> Funded:
    setup = factories.round_in_phase(Phase.PUBLISHED, voters=residents, ballots=[{0: 1}])
    project = results.funded_projects(setup.round)[0]
    return Funded(setup, project, setup.officer, setup.voters)


def task(
    world: Funded, *, minutes: int = 120, safeguarding: bool = False, skill: str = "Gardening"
) -> VolunteerTask:
    draft = services.TaskDraft(
        "Plant bulbs", "Along the path.", skill, minutes, 3, date(2027, 3, 6), "10:00", safeguarding
    )
    with factories.writing():
        return services.post_task(world.officer, world.project, draft)


def citizen_elsewhere() -> User:
    return factories.user(Role.CITIZEN, home=factories.ward())


def direct_task(proposal: Proposal) -> VolunteerTask:
    """A task written without the service (which posts tasks on funded projects only), for the
    route matrices: any round's proposal can carry one."""
    from pb.db import utcnow
    from pb.extensions import db

    task = VolunteerTask(
        proposal_id=proposal.id,
        title="Plant bulbs",
        skill="Gardening",
        minutes=120,
        volunteers_needed=2,
        starts_on=utcnow().date(),
    )
    db.session.add(task)
    db.session.flush()
    return task
