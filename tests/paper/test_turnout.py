"""Turnout by channel next to turnout by method: on the results page, in the API."""

from __future__ import annotations

import re

from flask import Flask

from tests.paper.helpers import key_and_publish, paper_round


def test_turnout_by_channel_on_the_results_page_and_in_the_api(app: Flask) -> None:
    run = paper_round(marks=2, online=1)
    key_and_publish(run, (0,), (1, 2))
    client = app.test_client()
    page = client.get(f"/rounds/{run.round.id}/results").get_data(as_text=True)
    assert "Residents who voted, by channel" in page
    rows = dict(re.findall(r'<th scope="row">(\w[\w ]*)</th><td class="num">(\d+)</td>', page))
    assert {name: rows[name] for name in ("Online", "Access code", "Kiosk", "Paper")} == {
        "Online": "1",
        "Access code": "0",
        "Kiosk": "0",
        "Paper": "2",
    }
    assert "2 paper ballots were counted" in page
    api = client.get(f"/api/rounds/{run.round.id}/results").get_json()
    assert api["participated_by_channel"] == {"code": 0, "kiosk": 0, "paper": 2, "web": 1}
    assert api["paper_ballots"] == 2 and api["ballots"] == 3


def test_publishing_before_paper_entry_is_complete_is_a_clear_409(app: Flask) -> None:
    from tests import factories

    run = paper_round(marks=1, online=1)
    client = app.test_client()
    assert factories.login(client, run.setup.councillor).status_code == 302
    response = client.post(f"/manage/rounds/{run.round.id}/advance", data={"from_phase": "closed"})
    assert response.status_code == 409
    assert "Paper ballots are still being entered" in response.get_data(as_text=True)


def test_the_councillor_is_told_why_a_closed_round_is_not_counted(app: Flask) -> None:
    from tests import factories

    run = paper_round(marks=1, online=1)
    client = app.test_client()
    assert factories.login(client, run.setup.councillor).status_code == 302
    page = client.get(f"/manage/rounds/{run.round.id}").get_data(as_text=True)
    assert "Paper ballots are still being entered" in page
