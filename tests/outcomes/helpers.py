"""A small published round whose every outcome figure was counted by hand (docs/outcomes.md).

Budget 1,000.00 (100 000 pence), greedy; ballots {P1}, {P1, P3}: P1 (300.00) and P3 (400.00)
are funded, P2 (500.00) is not. Allocated: 700.00.
- P1: milestones due 10 Jan and 1 Feb 2027, done 8 Jan and 30 Jan; done; spent 295.00: on time.
- P3: one milestone due 15 Jan 2027, done 20 Jan; done; spent 410.00: late.
  Spent 705.00; delivered 2; on time 1 (300.00).
- A 2-hour task on P1: three residents pledge (6 h pledged); hours confirmed: 2 h and 1.5 h,
  and a 1 h entry reversed (3.5 h given). At 12.21 an hour: 42.735 -> 42.74; with the money:
  742.74.
- k = 3. P1 rated by three residents: (5, 4, 3), (4, 4, 2), (3, 5, 1): answers 3 each, means
  4.00, 4.33, 2.00. P3 rated by one (withheld: fewer than k). Raters: 3 (only
  those counted in published figures: P3's one rater is not).
- Proposers: 1 (the factory's author wrote all three). Commenters: 2 (one wrote two comments,
  another one; a deleted comment still counts). Voters: 2. Volunteers: 3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pb.accounts.models import Role, User
from pb.assessment import aggregates
from pb.assessment import services as assessment
from pb.db import utcnow
from pb.deliberation.models import Comment
from pb.delivery import services as delivery
from pb.delivery.models import DeliveryStatus
from pb.extensions import db
from pb.rounds.models import Phase
from pb.volunteering import ledger
from pb.volunteering import services as volunteering
from tests import factories


@dataclass
class Counted:
    setup: factories.RoundSetup
    residents: list[User]


def counted_round() -> Counted:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}, {0: 1, 2: 1}])
    residents = [factories.user(Role.CITIZEN, home=setup.ward) for _ in range(4)]
    with factories.writing():
        # k = 3 before delivery: marking a project done opens its rating window (pb/assessment's
        # delivery hook), and the questions and k lock once a window is open
        texts = [assessment.label(c) for c in assessment.criteria(setup.round)]
        assessment.save_settings(setup.councillor, setup.round, assessment.Config(3, 30, 7), texts)
        _deliver(setup)
        _volunteer(setup, residents[:3])
        _rate(setup, residents)
        _comment(setup)
    return Counted(setup, residents)


def _deliver(setup: factories.RoundSetup) -> None:
    officer, first, third = setup.officer, setup.projects[0], setup.projects[2]
    for project, spent, milestones in (
        (
            first,
            29_500,
            [(date(2027, 1, 10), date(2027, 1, 8)), (date(2027, 2, 1), date(2027, 1, 30))],
        ),
        (third, 41_000, [(date(2027, 1, 15), date(2027, 1, 20))]),
    ):
        for due, done in milestones:
            milestone = delivery.add_milestone(officer, project, "Step", due)
            delivery.complete_milestone(officer, project, milestone.id, done)
        delivery.set_progress(officer, project, 90, spent)
        delivery.change_status(officer, project, DeliveryStatus.DONE, "Finished.")


def _volunteer(setup: factories.RoundSetup, people: list[User]) -> None:
    draft = volunteering.TaskDraft(
        "Plant bulbs", "", "Gardening", 120, 3, date(2027, 3, 6), "10:00", False
    )
    task = volunteering.post_task(setup.officer, setup.projects[0], draft)
    for person in people:
        volunteering.pledge(person, task)
    first, second, third = (volunteering.pledge_of(person, task) for person in people)
    ledger.confirm_hours(setup.officer, first, 120)
    ledger.confirm_hours(setup.officer, second, 90)
    wrong = ledger.confirm_hours(setup.officer, third, 60)
    ledger.reverse(setup.officer, wrong, "Entered twice.")


def _rate(setup: factories.RoundSetup, people: list[User]) -> None:
    opened = utcnow()  # the windows opened when delivery marked the projects done
    rated = assessment.project_done(setup.projects[0].id, opened)
    withheld = assessment.project_done(setup.projects[2].id, opened)
    criteria = assessment.criteria(setup.round)
    for person, marks in zip(people, [(5, 4, 3), (4, 4, 2), (3, 5, 1)], strict=False):
        scores = {c.id: v for c, v in zip(criteria, marks, strict=True)}
        assessment.rate(person, rated, scores, "", opened)
    scores = {c.id: 3 for c in criteria}
    assessment.rate(people[3], withheld, scores, "", opened)
    later = opened + timedelta(days=31)  # both windows closed: the final figures
    aggregates.refresh(rated, later)
    aggregates.refresh(withheld, later)


def _comment(setup: factories.RoundSetup) -> None:
    first, second = setup.voters[0], setup.voters[1]
    project = setup.projects[1]
    db.session.add_all(
        [
            Comment(proposal_id=project.id, author_id=first.id, body="Yes."),
            Comment(proposal_id=project.id, author_id=first.id, body="Again."),
            Comment(proposal_id=project.id, author_id=second.id, body="Gone.", deleted_at=utcnow()),
        ]
    )
    db.session.flush()
