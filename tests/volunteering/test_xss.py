"""Stored XSS: the deliberation payload set typed into every field of volunteering and the ward
register (tasks, skills, notes, entries, focus, display names) is inert on every page that shows
it, for every role, posters included."""

from __future__ import annotations

from datetime import date

from flask import Flask

from pb.community import services as community
from pb.extensions import db
from pb.volunteering import ledger, services
from tests import factories
from tests.access_world import signed_in
from tests.deliberation.test_xss import EVERYTHING, PAYLOADS, SHORT, _inert
from tests.volunteering.helpers import funded_round


def test_payloads_are_inert_everywhere(app: Flask) -> None:
    world = funded_round(residents=1)
    resident = world.residents[0]
    ward = world.setup.ward
    with factories.writing():
        resident.display_name = SHORT
        draft = services.TaskDraft(
            PAYLOADS[0] + PAYLOADS[1][:60],
            EVERYTHING,
            SHORT[:60],
            60,
            2,
            date(2027, 5, 1),
            SHORT,
            True,
        )
        task = services.post_task(world.officer, world.project, draft)
        services.save_skills(resident, [SHORT[:60]], EVERYTHING[:300])
        services.pledge(resident, task)
        pledge = services.pledge_of(resident, task)
        services.confirm_safeguarding(world.officer, pledge)
        entry = ledger.confirm_hours(world.officer, pledge, 60, EVERYTHING[:200])
        ledger.reverse(world.officer, entry, SHORT)
        for approve in (True, False):
            suggestion = community.suggest(
                resident,
                ward,
                community.EntryDraft(SHORT, EVERYTHING, EVERYTHING[:300], SHORT, True),
            )
            if approve:
                community.decide(world.officer, suggestion.id, approve=True)
        community.set_focus(world.setup.councillor, ward, [p[:80] for p in PAYLOADS])
    db.session.commit()
    round_id, project_id = world.setup.round.id, world.project.id
    pages = {
        None: [
            f"/tasks/{task.id}",
            f"/tasks/{task.id}/poster",
            f"/wards/{ward.id}/community",
            f"/rounds/{round_id}/projects/{project_id}",
            f"/rounds/{round_id}/projects/{project_id}/poster",
        ],
        resident: ["/my/volunteering", "/account", "/account/skills", f"/tasks/{task.id}"],
        world.officer: [
            "/manage/volunteering",
            f"/manage/tasks/{task.id}",
            "/manage/community",
            f"/rounds/{round_id}/projects/{project_id}",
        ],
        world.setup.councillor: [f"/manage/wards/{ward.id}/focus", f"/wards/{ward.id}/community"],
    }
    checked = 0
    for person, paths in pages.items():
        client = signed_in(app, person)
        for path in paths:
            response = client.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert _inert(html) == [], (path, _inert(html))
            assert "<script>alert" not in html
            checked += 1
    assert checked == 15
