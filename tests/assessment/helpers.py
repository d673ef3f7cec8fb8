"""Builders for co-assessment tests: a published round whose first project was funded and is
done, with verified residents of its ward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pb.accounts.models import Role, User
from pb.assessment import services
from pb.assessment.models import ProjectAssessment
from pb.db import utcnow
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories


@dataclass
class Delivered:
    setup: factories.RoundSetup
    assessment: ProjectAssessment
    residents: list[User]
    opened: datetime


def funded_round(**overrides) -> factories.RoundSetup:  # type: ignore[no-untyped-def]
    """Published: project 1 funded (two ballots for it), projects 2 and 3 not."""
    return factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}, {0: 1}], **overrides)


def delivered(residents: int = 6, *, k: int | None = None) -> Delivered:
    """A funded project marked done now, with `residents` more verified residents invited."""
    setup = funded_round()
    people = [factories.user(Role.CITIZEN, home=setup.ward) for _ in range(residents)]
    opened = utcnow()
    with factories.writing():
        if k is not None:
            values = services.Config(k, 30, 7)
            texts = [services.label(c) for c in services.criteria(setup.round)]
            services.save_settings(setup.councillor, setup.round, values, texts)
        assessment = services.project_done(setup.projects[0].id, opened)
    db.session.commit()
    return Delivered(setup, assessment, people, opened)


def rate_all(
    found: Delivered, marks: list[tuple[int, ...]], *, now: datetime | None = None
) -> None:
    """Each resident in turn gives one tuple of marks (one per question, in order)."""
    criteria = services.criteria(found.setup.round)
    with factories.writing():
        for person, values in zip(found.residents, marks, strict=False):
            by_id = {c.id: v for c, v in zip(criteria, values, strict=True)}
            services.rate(person, found.assessment, by_id, "", now or found.opened)
