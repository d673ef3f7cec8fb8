"""The paper entry pages: two officers key a batch over HTTP, one reconciles it; bad input is a
clear 4xx with nothing written; a hostile batch name is inert."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role, User
from pb.extensions import db
from pb.paper.models import PaperBatch
from pb.results import services as results
from tests import factories
from tests.deliberation.test_xss import SHORT, InertnessChecker
from tests.paper.helpers import lines, paper_round


def _client(app: Flask, person: User) -> FlaskClient:
    client = app.test_client()
    assert factories.login(client, person).status_code == 302
    return client


def test_two_officers_key_and_one_reconciles_over_http(app: Flask) -> None:
    run = paper_round(marks=2, online=1)
    base = f"/manage/rounds/{run.round.id}/paper"
    first, second = _client(app, run.first), _client(app, run.second)
    assert "Marked in the paper register" in first.get(base).get_data(as_text=True)
    assert f'{base}"' in first.get("/manage/paper").get_data(as_text=True)
    form = {"ward_id": str(run.setup.ward.id), "label": "Station 4, box 1", "size": "2"}
    response = first.post(f"{base}/batches", data=form)
    assert response.status_code == 302
    batch_url = response.headers["Location"]
    sheets = lines(run.setup, (0,), (1,))
    assert first.post(f"{batch_url}/readings", data={"sheets": sheets}).status_code == 302
    page = first.get(batch_url).get_data(as_text=True)
    assert "You keyed this batch" in page and 'name="sheets"' not in page
    again = first.post(f"{batch_url}/readings", data={"sheets": sheets})
    assert again.status_code == 409
    other = lines(run.setup, (0,), (2,))
    assert second.post(f"{batch_url}/readings", data={"sheets": other}).status_code == 302
    page = second.get(batch_url).get_data(as_text=True)
    assert "Sheet 2" in page and "Sheet 1" not in page  # only the sheet they disagree on
    assert "Project 2" in page and "Project 3" in page  # each reading with its titles
    assert first.post(f"{base}/complete").status_code == 409
    assert first.post(f"{batch_url}/sheets/2", data={"chosen": "1"}).status_code == 302
    assert first.post(f"{base}/complete").status_code == 302
    db.session.rollback()
    assert results.get_result(run.round).ballot_count == 3


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"ward_id": "{ward}", "label": "", "size": "1"}, "This field is required"),
        ({"ward_id": "{ward}", "label": "Box", "size": "99999999999999999999"}, "Number"),
        ({"ward_id": "{ward}", "label": "Box", "size": "3"}, "More paper ballots than"),
        ({"ward_id": "999999", "label": "Box", "size": "1"}, "Not a valid choice"),
        ({"ward_id": "{ward}", "label": "x" * 41, "size": "1"}, "Field cannot be longer"),
        ({"ward_id": "{ward}", "label": "Box", "size": "1e3"}, "Not a valid integer value"),
    ],
)
def test_a_bad_batch_is_refused_and_nothing_is_written(
    app: Flask, form: dict[str, str], message: str
) -> None:
    run = paper_round(marks=2, online=0)
    client = _client(app, run.first)
    before = factories.row_counts()
    data = {key: value.format(ward=run.setup.ward.id) for key, value in form.items()}
    response = client.post(f"/manage/rounds/{run.round.id}/paper/batches", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    after = factories.row_counts()
    assert {k: v for k, v in after.items() if k != "user_sessions"} == {
        k: v for k, v in before.items() if k != "user_sessions"
    }


def test_a_bad_reading_is_refused_with_its_line_and_nothing_is_written(app: Flask) -> None:
    run = paper_round(marks=2, online=0)
    client = _client(app, run.first)
    form = {"ward_id": str(run.setup.ward.id), "label": "Box", "size": "2"}
    batch_url = client.post(f"/manage/rounds/{run.round.id}/paper/batches", data=form).headers[
        "Location"
    ]
    before = factories.row_counts()
    for sheets, status, message in [
        ("1 2\n\u0000", 400, ""),  # refused before any view (pb.security)
        (lines(run.setup, (0,)) + "\nabc", 422, "Line 2: Use only project numbers"),
        ("9" * 5000, 422, "This batch has 2 sheets, but 1 lines were keyed"),
        (lines(run.setup, (0,)) + "\n\u0661", 422, "Line 2: Use only project numbers"),
    ]:
        response = client.post(f"{batch_url}/readings", data={"sheets": sheets})
        assert response.status_code == status, sheets
        assert message in response.get_data(as_text=True)
    assert client.post(f"{batch_url}/sheets/1", data={"chosen": "3"}).status_code == 422
    assert client.post(f"{batch_url}/sheets/1", data={"chosen": "1"}).status_code == 404
    after = factories.row_counts()
    assert {k: v for k, v in after.items() if k != "user_sessions"} == {
        k: v for k, v in before.items() if k != "user_sessions"
    }


def test_an_officer_of_another_ward_is_refused(app: Flask) -> None:
    run = paper_round(marks=1, online=0)
    stranger = factories.user(Role.OFFICER, wards_=[factories.ward()])
    client = _client(app, stranger)
    assert client.get(f"/manage/rounds/{run.round.id}/paper").status_code == 403


def test_a_hostile_batch_name_is_inert(app: Flask) -> None:
    run = paper_round(marks=1, online=0)
    client = _client(app, run.first)
    form = {"ward_id": str(run.setup.ward.id), "label": SHORT, "size": "1"}
    batch_url = client.post(f"/manage/rounds/{run.round.id}/paper/batches", data=form).headers[
        "Location"
    ]
    db.session.rollback()  # see what the request committed
    assert db.session.query(PaperBatch).one().label == SHORT
    for path in (f"/manage/rounds/{run.round.id}/paper", batch_url):
        page = client.get(path).get_data(as_text=True)
        checker = InertnessChecker()
        checker.feed(page)
        assert checker.problems == [], path
        # shown as typed, not evaluated (a "49" check would trip on tokens and times)
        assert "{{7*7}}" in page.split("<main", 1)[1].split("</main>")[0]


def test_the_demo_publishes_a_round_with_a_reconciled_paper_batch(app: Flask) -> None:
    import sqlalchemy as sa

    from pb.paper.models import BatchStatus, PaperDiscrepancy
    from pb.rounds.models import Phase, Round
    from pb.voting import services as voting

    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    db.session.rollback()
    (batch,) = db.session.scalars(sa.select(PaperBatch))
    published = db.session.get(Round, batch.round_id)
    assert published.phase is Phase.PUBLISHED and batch.status is BatchStatus.CONFIRMED
    assert [d.chosen for d in db.session.scalars(sa.select(PaperDiscrepancy))] == [1]
    assert voting.paper_ballot_count(published) == batch.size == 20
    assert results.get_result(published).ballot_count == 250
    page = app.test_client().get(f"/rounds/{published.id}/results").get_data(as_text=True)
    assert "20 paper ballots were counted" in page
