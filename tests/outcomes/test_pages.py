"""The outcomes report as pages, CSV and API: nothing before publication, the hand-counted
figures after (tests/outcomes/helpers.py), a ward's report, and the API's delivery field."""

from __future__ import annotations

from flask import Flask

from pb.rounds.models import Phase
from tests import factories
from tests.outcomes.helpers import counted_round


def test_nothing_before_publication(app: Flask) -> None:
    client = app.test_client()
    for phase in (Phase.VOTING, Phase.CLOSED):
        setup = factories.round_in_phase(phase, ballots=[{0: 1}])
        auditor = factories.user(factories.Role.AUDITOR)
        for who in (client, None):
            seen = who or app.test_client()
            if who is None:
                factories.login(seen, auditor)
            for path in ("outcomes", "outcomes.csv"):
                assert seen.get(f"/rounds/{setup.round.id}/{path}").status_code == 404
            assert seen.get(f"/api/v1/rounds/{setup.round.id}/outcomes").status_code == 404


def test_page_csv_and_api_show_the_hand_count(app: Flask) -> None:
    counted = counted_round()
    round_id = counted.setup.round.id
    client = app.test_client()

    page = client.get(f"/rounds/{round_id}/outcomes").get_data(as_text=True)
    assert "£700.00" in page and "£705.00" in page and "£742.74" in page
    assert "<svg" in page and 'role="img"' in page
    assert "2 projects have been delivered, 1 of them on time." in page

    response = client.get(f"/rounds/{round_id}/outcomes.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data().decode("utf-8-sig").splitlines()
    assert lines[0] == "section,item,measure,value"
    assert "money,,allocated,700.00" in lines
    assert "time,,hours_pledged,6" in lines and "time,,hours_given,3.5" in lines
    assert "participation,,commenters,2" in lines

    data = client.get(f"/api/v1/rounds/{round_id}/outcomes").get_json()
    assert data["money"] == {
        "allocated": 70_000,
        "spent": 70_500,
        "projects_funded": 2,
        "projects_delivered": 2,
        "projects_delivered_on_time": 1,
    }
    assert data["time"]["value"] == 4274
    assert data["participation"]["raters"] == 3

    project = counted.setup.projects[0].id
    delivery = client.get(f"/api/v1/rounds/{round_id}/projects/{project}").get_json()["delivery"]
    assert delivery == {
        "status": "done",
        "progress": 100,
        "spent": 29_500,
        "milestones": 2,
        "milestones_done": 2,
    }
    unfunded = counted.setup.projects[1].id
    found = client.get(f"/api/v1/rounds/{round_id}/projects/{unfunded}").get_json()
    assert found["delivery"] is None


def test_a_wards_report_in_polish(app: Flask) -> None:
    counted = counted_round()
    ward_id = counted.setup.ward.id
    client = app.test_client()
    client.post("/language", data={"language": "pl"})
    page = client.get(f"/wards/{ward_id}/outcomes", headers={"Accept-Language": "pl"})
    assert page.status_code == 200
    data = client.get(f"/api/v1/wards/{ward_id}/outcomes").get_json()
    assert (data["rounds"], data["money"]["allocated"], data["ward_id"]) == (1, 70_000, ward_id)
    lines = client.get(f"/wards/{ward_id}/outcomes.csv").get_data().decode("utf-8-sig")
    assert "money,,spent,705.00" in lines.splitlines()
    empty = factories.ward()
    assert client.get(f"/wards/{empty.id}/outcomes").status_code == 200
    assert client.get("/wards/999999/outcomes").status_code == 404
