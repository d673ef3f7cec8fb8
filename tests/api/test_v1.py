"""/api/v1 as an integrator uses it: paging, ETags, and nothing from the votes before
publication."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.accounts.models import Role
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories

APPROVALS = [{0: 1, 1: 1}, {0: 1}, {2: 1}]


def test_a_published_round_through_the_api(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    client = app.test_client()
    base = f"/api/v1/rounds/{setup.round.id}"
    detail = client.get(base).get_json()
    assert detail["id"] == setup.round.id and detail["phase"] == "published"
    assert detail["config_hash"] == setup.round.config_hash

    results = client.get(f"{base}/results").get_json()
    assert results["ballots"] == 3 and results["published_at"] is not None
    lines = {line["id"]: line for line in results["projects"]}
    first, second, third = (p.id for p in setup.projects)
    assert lines[first]["votes"] == 2 and lines[first]["funded"] is True
    assert all(line["explanation"] for line in lines.values())

    projects = client.get(f"{base}/projects").get_json()
    assert [p["id"] for p in projects["items"]] == [first, second, third]
    assert projects["items"][0]["result"]["funded"] is True
    assert projects["items"][0]["status"] == "feasible"
    assert projects["items"][0]["delivery"] == {  # published with a plan, planned, nothing spent
        "status": "planned",
        "progress": 0,
        "spent": 0,
        "milestones": 0,
        "milestones_done": 0,
    }
    one = client.get(f"{base}/projects/{second}").get_json()
    assert one["result"]["votes"] == 1

    why = client.get(f"{base}/results/why?choice={first}&choice={third}").get_json()
    assert why["chosen"] == [first, third]
    assert {answer["project_id"] for answer in why["answers"]} == {first, third}

    turnout = client.get(f"{base}/participation").get_json()
    assert turnout["ballots"] == 3
    assert sum(count["ballots"] for count in turnout["by_day"]) == 3


def test_a_project_of_another_round_is_not_found(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    other = factories.round_in_phase(Phase.REVIEW)
    client = app.test_client()
    url = f"/api/v1/rounds/{setup.round.id}/projects/{other.projects[0].id}"
    response = client.get(url)
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


@pytest.mark.parametrize("phase", [Phase.VOTING, Phase.CLOSED])
def test_nothing_from_the_votes_before_publication(app: Flask, phase: Phase) -> None:
    setup = factories.round_in_phase(phase, ballots=APPROVALS)
    client = app.test_client()
    base = f"/api/v1/rounds/{setup.round.id}"
    for path in ("/results", "/participation", f"/results/why?choice={setup.projects[0].id}"):
        assert client.get(base + path).status_code == 404, path
    projects = client.get(f"{base}/projects").get_json()["items"]
    assert [project["result"] for project in projects] == [None, None, None]
    assert client.get(f"{base}/projects/{setup.projects[0].id}").get_json()["result"] is None
    # the round's councillor checks the count once voting has closed
    factories.login(client, setup.councillor)
    expected = 200 if phase is Phase.CLOSED else 404
    assert client.get(f"{base}/results").status_code == expected
    published_at = client.get(f"{base}/results").get_json().get("published_at", "absent")
    assert published_at is None if phase is Phase.CLOSED else published_at == "absent"


def test_a_draft_round_is_not_there(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.DRAFT)
    client = app.test_client()
    assert client.get(f"/api/v1/rounds/{setup.round.id}").status_code == 404
    assert client.get(f"/api/v1/rounds/{setup.round.id}/projects").status_code == 404
    listed = client.get("/api/v1/rounds").get_json()["items"]
    assert setup.round.id not in {r["id"] for r in listed}


def _rounds(count: int) -> list[int]:
    for _ in range(count):
        factories.round_in_phase(Phase.PROPOSALS)
    return [r.id for r in rounds.public_rounds()]


def test_rounds_are_paged_with_links_and_a_total(app: Flask) -> None:
    ids = _rounds(5)
    client = app.test_client()
    response = client.get("/api/v1/rounds?page=2&per_page=2")
    body = response.get_json()
    assert [r["id"] for r in body["items"]] == ids[2:4]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert response.headers["X-Total-Count"] == "5"
    links = dict(
        (part.split("; ")[1], part.split("; ")[0]) for part in response.headers["Link"].split(", ")
    )
    assert links == {
        'rel="first"': "<http://localhost/api/v1/rounds?page=1&per_page=2>",
        'rel="last"': "<http://localhost/api/v1/rounds?page=3&per_page=2>",
        'rel="prev"': "<http://localhost/api/v1/rounds?page=1&per_page=2>",
        'rel="next"': "<http://localhost/api/v1/rounds?page=3&per_page=2>",
    }
    last = client.get("/api/v1/rounds?page=3&per_page=2")
    assert [r["id"] for r in last.get_json()["items"]] == ids[4:]
    assert 'rel="next"' not in last.headers["Link"]


def test_a_page_past_the_end_is_empty(app: Flask) -> None:
    _rounds(2)
    response = app.test_client().get("/api/v1/rounds?page=7&per_page=2")
    assert response.status_code == 200
    body = response.get_json()
    assert body["items"] == [] and body["total"] == 2 and body["pages"] == 1
    assert 'rel="prev"' in response.headers["Link"] and 'rel="next"' not in response.headers["Link"]


@pytest.mark.parametrize(
    "query",
    [
        "per_page=101",
        "per_page=99999999999999999999999",
        "per_page=0",
        "per_page=-1",
        "per_page=ten",
        "page=0",
        "page=-3",
        "page=1.5",
        "page=99999999999999999999999",
    ],
)
def test_bad_paging_is_refused_with_the_parameter_named(app: Flask, query: str) -> None:
    for path in ("/api/v1/rounds", "/api/v1/checkpoints"):
        response = app.test_client().get(f"{path}?{query}")
        assert response.status_code == 422
        body = response.get_json()
        assert body["status"] == 422
        assert set(body["errors"]["query"]) == {query.split("=")[0]}


def test_a_control_character_is_refused_before_the_view(app: Flask) -> None:
    assert app.test_client().get("/api/v1/rounds?page=%00").status_code == 400


def test_a_bad_choice_is_refused(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    url = f"/api/v1/rounds/{setup.round.id}/results/why?choice=x"
    assert app.test_client().get(url).status_code == 422


def test_an_unchanged_answer_is_304(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    client = app.test_client()
    for path in (f"/api/v1/rounds/{setup.round.id}/results", "/api/v1/rounds"):
        first = client.get(path)
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_etag_changes_with_the_answer(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    client = app.test_client()
    url = f"/api/v1/rounds/{setup.round.id}/projects"
    before = client.get(url).headers["ETag"]
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)
    response = client.get(url, headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.get_json()["items"][0]["result"] is not None


def test_checkpoints_newest_first(app: Flask) -> None:
    factories.round_in_phase(Phase.PUBLISHED)
    body = app.test_client().get("/api/v1/checkpoints?per_page=2").get_json()
    seqs = [checkpoint["seq"] for checkpoint in body["items"]]
    assert body["total"] >= 2 and seqs == sorted(seqs, reverse=True)
    assert all(checkpoint["signature"] for checkpoint in body["items"])


def test_staff_get_no_more_than_the_public_from_lists(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    client = app.test_client()
    factories.login(client, factories.user(Role.AUDITOR))
    projects = client.get(f"/api/v1/rounds/{setup.round.id}/projects").get_json()["items"]
    assert all("internal_note" not in project for project in projects)
