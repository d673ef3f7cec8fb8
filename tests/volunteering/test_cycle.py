"""The whole cycle through the web client: an officer posts a task on a funded project, a
resident pledges, the officer confirms the hours, the ledger holds them, and the resident's
account page thanks them with their credits; a correction reverses an entry; the round's
outcomes report counts the hours."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.volunteering import ledger
from pb.volunteering.models import CreditEntry, Pledge, VolunteerTask
from tests.access_world import signed_in
from tests.volunteering.helpers import funded_round


def test_task_pledge_hours_ledger_account(app: Flask) -> None:
    world = funded_round()
    resident = world.residents[0]
    officer = signed_in(app, world.officer)

    page = officer.get(f"/rounds/{world.setup.round.id}/projects/{world.project.id}")
    assert f"/manage/projects/{world.project.id}/tasks/new" in page.get_data(as_text=True)
    response = officer.post(
        f"/manage/projects/{world.project.id}/tasks/new",
        data={
            "title": "Paint the benches",
            "skill": "Painting",
            "hours": "2.5",
            "volunteers_needed": "4",
            "starts_on": "2027-04-10",
            "when_text": "10:00 to 12:30",
        },
    )
    assert response.status_code == 302
    db.session.rollback()  # see what the requests wrote
    task = db.session.scalars(sa.select(VolunteerTask)).one()
    assert (task.minutes, task.volunteers_needed, task.safeguarding_required) == (150, 4, False)

    person = signed_in(app, resident)
    assert person.post(f"/tasks/{task.id}/pledge").status_code == 302
    assert person.post(f"/tasks/{task.id}/pledge").status_code == 302  # again: still one
    assert "You pledged your time" in person.get(f"/tasks/{task.id}").get_data(as_text=True)
    db.session.rollback()
    pledge = db.session.scalars(sa.select(Pledge)).one()
    assert pledge.user_id == resident.id

    manage = officer.get(f"/manage/tasks/{task.id}").get_data(as_text=True)
    assert resident.display_name in manage
    response = officer.post(
        f"/manage/tasks/{task.id}/hours", data={"pledge": pledge.id, "hours": "2.75"}
    )
    assert response.status_code == 302
    response = officer.post(
        f"/manage/tasks/{task.id}/hours", data={"pledge": pledge.id, "hours": "1"}
    )
    assert response.status_code == 302
    db.session.rollback()
    first, second = db.session.scalars(sa.select(CreditEntry).order_by(CreditEntry.id)).all()
    assert (first.minutes, second.minutes) == (165, 60)
    # the second was a mistake: corrected by a reversing entry, never by editing
    response = officer.post(
        f"/manage/tasks/{task.id}/reverse", data={"entry": second.id, "note": "Typed twice"}
    )
    assert response.status_code == 302
    db.session.rollback()
    entries = db.session.scalars(sa.select(CreditEntry).order_by(CreditEntry.id)).all()
    assert [(e.minutes, e.reverses_id) for e in entries] == [
        (165, None),
        (60, None),
        (-60, second.id),
    ]
    assert ledger.balance_minutes(resident) == 165
    again = officer.post(f"/manage/tasks/{task.id}/reverse", data={"entry": second.id})
    assert again.status_code == 409  # reversed once only

    mine = person.get("/my/volunteering").get_data(as_text=True)
    assert "Time credits: 2.75" in mine and "Paint the benches" in mine
    account = person.get("/account").get_data(as_text=True)
    assert "you have given 2.75 hours to funded projects, 2.75 time credits" in account
    # then the outcomes report: 2.5 hours pledged (the task's), 2.75 given, at 12.21 an hour
    # 33.5775 -> 33.58, on top of the 800.00 funded (greedy also fills the budget with project 2)
    report = (
        app.test_client().get(f"/rounds/{world.setup.round.id}/outcomes").get_data(as_text=True)
    )
    assert "1 resident pledged 2.5 hours of their time and gave 2.75 hours, worth £33.58" in report
    assert "£833.58 of value was co-produced" in report

    db.session.rollback()
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.seq)))
    cycle = [a for a in actions if a.startswith("volunteering.")]
    assert cycle == [
        "volunteering.task_posted",
        "volunteering.pledged",
        "volunteering.hours_confirmed",
        "volunteering.hours_confirmed",
        "volunteering.hours_reversed",
    ]


def test_safeguarding_check_comes_before_hours(app: Flask) -> None:
    from tests.volunteering.helpers import task as make_task

    world = funded_round()
    task = make_task(world, safeguarding=True)
    person = signed_in(app, world.residents[0])
    person.post(f"/tasks/{task.id}/pledge")
    db.session.rollback()
    pledge = db.session.scalars(sa.select(Pledge)).one()
    officer = signed_in(app, world.officer)
    refused = officer.post(
        f"/manage/tasks/{task.id}/hours", data={"pledge": pledge.id, "hours": "2"}
    )
    assert refused.status_code == 409
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 0
    checked = officer.post(f"/manage/tasks/{task.id}/safeguarding", data={"pledge": pledge.id})
    assert checked.status_code == 302
    done = officer.post(f"/manage/tasks/{task.id}/hours", data={"pledge": pledge.id, "hours": "2"})
    assert done.status_code == 302
    db.session.rollback()
    assert ledger.balance_minutes(world.residents[0]) == 120


def test_no_task_on_a_project_that_was_not_funded(app: Flask) -> None:
    from pb.rounds.models import Phase
    from tests import factories

    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    officer = signed_in(app, setup.officer)
    assert officer.get(f"/manage/projects/{setup.projects[0].id}/tasks/new").status_code == 409
