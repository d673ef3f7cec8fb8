"""CSV downloads for the council's report: what each file holds, who gets it, and that files
naming people leave a trace in the audit chain."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.audit.models import AuditEntry
from pb.deliberation.models import Comment
from pb.exports.csvfile import amount, cell, csv_bytes
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories

# budget 100k; costs 30k, 50k, 40k: projects 1 (4 votes) and 0 (2) funded, 2 (2) does not fit
APPROVALS = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}, {1: 1}]


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: spreadsheets read Urdu right
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _client(app: Flask, person):  # type: ignore[no-untyped-def]
    client = app.test_client()
    factories.login(client, person)
    return client


def _downloads() -> int:
    query = sa.select(sa.func.count()).where(AuditEntry.action == "export.downloaded")
    return factories.db.session.scalar(query)


def test_proposals_with_decisions_and_costs_are_audited(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, ballots=APPROVALS)
    before = _downloads()
    response = _client(app, setup.councillor).get(f"/manage/rounds/{setup.round.id}/proposals.csv")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    rows = _rows(response.data)
    assert [row["Title"] for row in rows] == ["Project 1", "Project 2", "Project 3"]
    assert [row["Final cost"] for row in rows] == ["300.00", "500.00", "400.00"]
    assert {row["Status"] for row in rows} == {"Feasible: on the ballot"}
    assert {row["Review reason"] for row in rows} == {"Feasible."}
    factories.db.session.rollback()
    assert _downloads() == before + 1


def test_participation_by_day_ward_and_channel(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, ballots=APPROVALS)
    auditor = _client(app, factories.user(Role.AUDITOR))
    rows = _rows(auditor.get(f"/manage/rounds/{setup.round.id}/participation.csv").data)
    assert sum(int(row["Residents who voted"]) for row in rows) == len(APPROVALS)
    assert {row["Ward"] for row in rows} == {setup.ward.name}
    assert {row["Channel"] for row in rows} == {"web"}


def test_staff_of_other_wards_and_residents_get_nothing(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, ballots=APPROVALS)
    other = factories.user(Role.COUNCILLOR, wards_=[factories.ward()])
    other_officer = factories.user(Role.OFFICER, wards_=[factories.ward()])
    url = f"/manage/rounds/{setup.round.id}/proposals.csv"
    assert _client(app, other).get(url).status_code == 403
    assert _client(app, other_officer).get(url).status_code == 403
    assert _client(app, setup.voters[0]).get(url).status_code == 403
    assert _client(app, setup.officer).get(url).status_code == 200


def test_results_with_votes_and_reasons_follow_the_results_page(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    url = f"/rounds/{setup.round.id}/results.csv"
    assert app.test_client().get(url).status_code == 404
    checked = _client(app, setup.councillor).get(url)
    assert checked.status_code == 200 and checked.headers["Cache-Control"] == "no-store"
    factories.db.session.rollback()  # a fresh snapshot: the sign-in above wrote since
    rounds.advance_phase(setup.round, actor=setup.councillor)
    factories.db.session.commit()
    public = app.test_client().get(url)
    assert "Cache-Control" not in public.headers
    rows = _rows(public.data)
    by_title = {row["Title"]: row for row in rows}
    assert by_title["Project 2"]["Votes"] == "4" and by_title["Project 2"]["Funded"] == "yes"
    assert by_title["Project 3"]["Funded"] == "no" and by_title["Project 3"]["Why"]
    assert [row["Rank"] for row in rows] == ["1", "2", "3"]


def test_comments_for_moderators_neutralise_formulas_and_are_audited(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    author = setup.voters[0]
    factories.db.session.add_all(
        [
            Comment(proposal_id=setup.projects[0].id, author_id=author.id, body="Lovely idea"),
            Comment(
                proposal_id=setup.projects[0].id,
                author_id=author.id,
                body='=HYPERLINK("http://evil.example","click")',
            ),
        ]
    )
    factories.db.session.commit()
    before = _downloads()
    response = _client(app, setup.officer).get("/moderation/comments.csv")
    rows = _rows(response.data)
    assert [row["Text"] for row in rows] == [
        "Lovely idea",
        '\'=HYPERLINK("http://evil.example","click")',
    ]
    assert {row["Written by"] for row in rows} == {author.display_name}
    factories.db.session.rollback()
    assert _downloads() == before + 1
    elsewhere = factories.user(Role.OFFICER, wards_=[factories.ward()])
    assert _rows(_client(app, elsewhere).get("/moderation/comments.csv").data) == []


def test_cells_and_amounts() -> None:
    assert [cell(v) for v in ("+1", "-x", "@a", "\tb", "ok", None, True, -5)] == [
        "'+1", "'-x", "'@a", "'\tb", "ok", "", "yes", "-5",
    ]  # fmt: skip
    assert amount(2_100_050, "GBP") == "21000.50" and amount(5, "JPY") == "5"
    assert csv_bytes(["a"], [["b,c"]]).decode("utf-8-sig") == 'a\r\n"b,c"\r\n'
