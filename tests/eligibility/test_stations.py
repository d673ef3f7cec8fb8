"""Polling stations (issue 11 item 4): a poll clerk marks a person on the census register, one
person takes part once whatever the channel and the order, and a kiosk casts exactly one ballot
per admission, then locks itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.accounts.models import Role, User
from pb.audit.models import AuditEntry
from pb.eligibility import register
from pb.eligibility.models import Kiosk, StationTally
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting.models import Ballot, Participation
from tests import factories
from tests.access_world import signed_in

ALICE = ("E-2001", "1975-06-07", "AB1 2CD")


@dataclass
class Station:
    setup: factories.RoundSetup
    clerk: User
    desk: FlaskClient

    @property
    def round(self) -> Round:
        return self.setup.round

    def mark(self, details: tuple[str, str, str] = ALICE, where: str = "paper") -> int:
        response = self.desk.post(
            f"/station/rounds/{self.round.id}", data={**_details(details), "where": where}
        )
        return response.status_code


def _details(details: tuple[str, str, str]) -> dict[str, str]:
    reference, born, postcode = details
    return {"col_reference": reference, "col_date_of_birth": born, "col_postcode": postcode}


def _station(app: Flask, methods: tuple[str, ...] = ("census", "in_person")) -> Station:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=list(methods))
    factories.census([(*ALICE, setup.ward.code)])
    clerk = factories.user(Role.POLL_CLERK, wards_=[setup.ward])
    return Station(setup, clerk, signed_in(app, clerk))


def _open_kiosk(app: Flask, station: Station) -> tuple[FlaskClient, int]:
    kiosk = signed_in(app, station.clerk)
    response = kiosk.post(f"/station/rounds/{station.round.id}/kiosk")
    assert response.status_code == 302 and response.headers["Location"] == "/kiosk"
    db.session.rollback()
    return kiosk, db.session.scalars(sa.select(Kiosk.id)).one()


def _participations() -> list[tuple[str, str, int | None]]:
    db.session.rollback()
    rows = db.session.execute(sa.select(Participation.voter_key, Participation.channel))
    return [(key.split(":")[0], channel, None) for key, channel in rows]


def _ballots() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(Ballot.id))) or 0


def _resident(station: Station) -> tuple[User, FlaskClient]:
    """Alice's own account, verified against the census (she could vote online)."""
    alice = factories.user(Role.CITIZEN, home=station.setup.ward)
    with factories.writing():
        register.bind(alice, list(ALICE))
    return alice, signed_in(station.desk.application, alice)


def _cast_online(client: FlaskClient, station: Station) -> int:
    project = station.setup.projects[0].id
    return client.post(
        f"/rounds/{station.round.id}/ballot/cast", data={f"project-{project}": "1"}
    ).status_code


def test_a_clerk_marks_a_person_then_online_voting_is_refused(app: Flask) -> None:
    station = _station(app)
    assert station.mark(where="paper") == 302
    assert _participations() == [("census", "paper", None)]
    _, alice = _resident(station)
    assert _cast_online(alice, station) == 409
    assert _ballots() == 0 and len(_participations()) == 1


def test_online_voting_then_a_clerk_mark_is_refused(app: Flask) -> None:
    station = _station(app)
    _, alice = _resident(station)
    assert _cast_online(alice, station) == 302
    response = station.desk.post(
        f"/station/rounds/{station.round.id}", data={**_details(ALICE), "where": "paper"}
    )
    assert response.status_code == 409
    assert "already taken part" in response.text
    assert _participations() == [("census", "web", None)] and _ballots() == 1


def test_a_second_mark_of_the_same_person_is_refused(app: Flask) -> None:
    station = _station(app)
    assert station.mark() == 302
    other_clerk = signed_in(app, factories.user(Role.POLL_CLERK, wards_=[station.setup.ward]))
    response = other_clerk.post(
        f"/station/rounds/{station.round.id}", data={**_details(ALICE), "where": "paper"}
    )
    assert response.status_code == 409
    assert len(_participations()) == 1


def test_a_clerk_of_another_ward_is_refused(app: Flask) -> None:
    station = _station(app)
    outsider = signed_in(app, factories.user(Role.POLL_CLERK, wards_=[factories.ward()]))
    address = f"/station/rounds/{station.round.id}"
    assert outsider.get(address).status_code == 403
    assert outsider.post(address, data={**_details(ALICE), "where": "paper"}).status_code == 403
    assert outsider.post(f"{address}/kiosk").status_code == 403
    assert station.round.title not in outsider.get("/station").text
    assert _participations() == []


def test_a_person_on_another_wards_register_is_refused(app: Flask) -> None:
    station = _station(app)
    elsewhere = factories.ward()
    bob = ("E-3001", "1990-01-01", "ZZ1 1ZZ")
    factories.census(
        [(*bob, elsewhere.code)], actor=factories.user(Role.OFFICER, wards_=[elsewhere])
    )
    assert station.mark(bob) == 409
    assert _participations() == []


def test_wrong_details_are_refused_without_saying_which(app: Flask) -> None:
    station = _station(app)
    for details in [("E-2001", "1975-06-08", "AB1 2CD"), ("NOPE", "1975-06-07", "AB1 2CD")]:
        response = station.desk.post(
            f"/station/rounds/{station.round.id}", data={**_details(details), "where": "paper"}
        )
        assert response.status_code == 422
        assert "do not match the register" in response.text
    assert _participations() == []


def test_a_round_without_in_person_voting_has_no_station(app: Flask) -> None:
    station = _station(app, methods=("census",))
    assert station.desk.get(f"/station/rounds/{station.round.id}").status_code == 404
    assert station.round.title not in station.desk.get("/station").text


def test_a_kiosk_casts_one_ballot_for_the_admitted_person_then_locks(app: Flask) -> None:
    station = _station(app)
    kiosk, kiosk_id = _open_kiosk(app, station)
    assert "This kiosk is locked" in kiosk.get("/kiosk").text
    assert kiosk.get("/kiosk/ballot").headers["Location"] == "/kiosk"  # nobody admitted
    assert station.mark(where=f"kiosk-{kiosk_id}") == 302
    assert "Start voting" in kiosk.get("/kiosk").text
    ballot = kiosk.get("/kiosk/ballot")
    assert ballot.status_code == 200 and "/kiosk/ballot/review" in ballot.text
    assert "/proposals/" not in ballot.text  # no link away from the kiosk
    choice = {f"project-{station.setup.projects[1].id}": "1"}
    review = kiosk.post("/kiosk/ballot/review", data=choice)
    assert review.status_code == 200 and "/kiosk/ballot/cast" in review.text
    done = kiosk.post("/kiosk/ballot/cast", data=choice)
    assert done.status_code == 200 and "Your receipt code is" in done.text
    assert _ballots() == 1 and _participations() == [("census", "kiosk", None)]
    # replaying the cast, or going back to the ballot, finds the kiosk locked
    assert kiosk.post("/kiosk/ballot/cast", data=choice).status_code == 409
    assert kiosk.get("/kiosk/ballot").headers["Location"] == "/kiosk"
    assert _ballots() == 1
    tally = db.session.get(StationTally, (station.round.id, station.clerk.id))
    assert (tally.kiosk_admitted, tally.kiosk_ballots, tally.kiosk_unused) == (1, 1, 0)


def test_a_kiosk_reaches_only_the_kiosk_pages(app: Flask) -> None:
    station = _station(app)
    kiosk, _ = _open_kiosk(app, station)
    for address in ("/", "/station", f"/station/rounds/{station.round.id}", "/account"):
        response = kiosk.get(address)
        assert response.status_code == 302 and response.headers["Location"] == "/kiosk"
    assert kiosk.post("/logout").headers["Location"] == "/kiosk"
    page = kiosk.get("/kiosk").text
    assert "Sign out" not in page and "/station" not in page


def test_leaving_kiosk_mode_needs_the_clerks_password(app: Flask) -> None:
    station = _station(app)
    kiosk, _ = _open_kiosk(app, station)
    assert kiosk.post("/kiosk/leave", data={"password": "guess"}).status_code == 422
    assert kiosk.get("/station").headers["Location"] == "/kiosk"
    response = kiosk.post("/kiosk/leave", data={"password": factories.PASSWORD})
    assert response.status_code == 302
    assert kiosk.get("/station").status_code == 200
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Kiosk.id))) == 0


def test_a_person_who_walks_away_keeps_the_mark_and_gets_no_ballot(app: Flask) -> None:
    station = _station(app)
    kiosk, kiosk_id = _open_kiosk(app, station)
    assert station.mark(where=f"kiosk-{kiosk_id}") == 302
    # the kiosk is busy: nobody else can be sent to it until it is free
    carol = ("E-2002", "1960-01-01", "AB1 2CD")
    factories.census([(*ALICE, station.setup.ward.code), (*carol, station.setup.ward.code)])
    assert station.mark(carol, where=f"kiosk-{kiosk_id}") == 409
    release = f"/station/rounds/{station.round.id}/release"
    assert station.desk.post(release, data={"kiosk": str(kiosk_id)}).status_code == 302
    assert "This kiosk is locked" in kiosk.get("/kiosk").text
    assert station.mark(where="paper") == 409  # the same person again
    assert station.desk.post(release, data={"kiosk": str(kiosk_id)}).status_code == 409
    # the next person, who declines at the kiosk
    assert station.mark(carol, where=f"kiosk-{kiosk_id}") == 302
    assert kiosk.post("/kiosk/decline").headers["Location"] == "/kiosk"
    assert _ballots() == 0 and len(_participations()) == 2
    tally = db.session.get(StationTally, (station.round.id, station.clerk.id))
    assert (tally.kiosk_admitted, tally.kiosk_ballots, tally.kiosk_unused) == (2, 0, 2)


def test_the_close_logs_each_stations_counts_and_nothing_per_person(app: Flask) -> None:
    station = _station(app)
    kiosk, kiosk_id = _open_kiosk(app, station)
    assert station.mark(where=f"kiosk-{kiosk_id}") == 302  # then the polls close on them
    carol = ("E-2002", "1960-01-01", "AB1 2CD")
    factories.census([(*ALICE, station.setup.ward.code), (*carol, station.setup.ward.code)])
    assert station.mark(carol, where="paper") == 302
    db.session.rollback()
    round_ = db.session.get(Round, station.round.id)
    with factories.writing():
        rounds.advance_phase(
            round_, actor=station.setup.councillor, now=round_.voting_close_at + timedelta(1)
        )
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "station.closed")
    ).all()
    assert [json.loads(entry.data) for entry in entries] == [
        {"kiosk_admitted": 1, "kiosk_ballots": 0, "kiosk_unused": 1, "paper_issued": 1}
    ]
    keys = [key for (key,) in db.session.execute(sa.select(Participation.voter_key))]
    log = " ".join(str(entry.data) for entry in db.session.scalars(sa.select(AuditEntry)))
    assert all(key.split(":")[1] not in log for key in keys)
    assert "This kiosk is locked" not in kiosk.get("/kiosk").text  # voting is over
    assert kiosk.get("/kiosk/ballot").headers["Location"] == "/kiosk"


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({**_details(ALICE), "where": "kiosk-99999999999999999999"}, 422),
        ({**_details(ALICE), "where": "kiosk-1"}, 422),  # no such kiosk of this clerk
        ({**_details(ALICE), "where": ""}, 422),
        ({**_details(("E" * 5000, "1975-06-07", "AB1 2CD")), "where": "paper"}, 422),
        ({**_details(("\x00", "x", "y")), "where": "paper"}, 400),  # refused before any view
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    app: Flask, form: dict[str, str], status: int
) -> None:
    station = _station(app)
    before = factories.row_counts()
    address = f"/station/rounds/{station.round.id}"
    assert station.desk.post(address, data=form).status_code == status
    release = f"/station/rounds/{station.round.id}/release"
    for value in ("abc", "99999999999999999999", "-1", ""):
        assert station.desk.post(release, data={"kiosk": value}).status_code == 422
    assert factories.row_counts() == before


def test_an_admin_creates_a_poll_clerk_for_a_ward(app: Flask) -> None:
    ward = factories.ward()
    admin = signed_in(app, factories.user(Role.ADMIN))
    response = admin.post(
        "/admin/users/new",
        data={
            "email": "clerk@example.org",
            "display_name": "A clerk",
            "role": "clerk",
            "wards": [str(ward.id)],
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    clerk = db.session.scalars(sa.select(User).where(User.email == "clerk@example.org")).one()
    assert clerk.role is Role.POLL_CLERK and [w.id for w in clerk.wards] == [ward.id]


def test_hostile_text_is_inert_on_the_station_and_kiosk_pages(app: Flask) -> None:
    from tests.deliberation.test_xss import EVERYTHING, SHORT, _inert

    setup = factories.round_in_phase(
        Phase.VOTING, verification_methods=["census", "in_person"], title=SHORT
    )
    with factories.writing():
        setup.projects[0].title = EVERYTHING
    factories.census([(*ALICE, setup.ward.code)])
    clerk = factories.user(Role.POLL_CLERK, wards_=[setup.ward])
    station = Station(setup, clerk, signed_in(app, clerk))
    kiosk, kiosk_id = _open_kiosk(app, station)
    typed = station.desk.post(
        f"/station/rounds/{station.round.id}",
        data={**_details((SHORT, SHORT, SHORT)), "where": "paper"},
    )
    assert typed.status_code == 422 and _inert(typed.text) == []
    assert station.mark(where=f"kiosk-{kiosk_id}") == 302
    pages = [station.desk.get("/station"), station.desk.get(f"/station/rounds/{setup.round.id}")]
    pages += [kiosk.get("/kiosk"), kiosk.get("/kiosk/ballot")]
    data = "<script> [('type', 'application/json')"  # the ballot's messages: data, not code
    for page in pages:
        problems = [problem for problem in _inert(page.text) if not problem.startswith(data)]
        assert page.status_code == 200 and problems == []


def test_turnout_counts_station_marks_as_in_person_and_online_ones_as_census(app: Flask) -> None:
    from pb.eligibility.services import turnout_by_method

    station = _station(app)
    carol = ("E-2002", "1960-01-01", "AB1 2CD")
    factories.census([(*ALICE, station.setup.ward.code), (*carol, station.setup.ward.code)])
    _, alice = _resident(station)
    assert _cast_online(alice, station) == 302
    assert station.mark(carol, where="paper") == 302
    db.session.rollback()
    round_ = db.session.get(Round, station.round.id)
    assert turnout_by_method(round_) == {"census": 1, "in_person": 1}


def test_a_pairwise_round_hands_out_no_ballot_paper(app: Flask) -> None:
    """Paper ballots are keyed as sheets of the round's format; pairwise has none (pb/paper)."""
    setup = factories.round_in_phase(
        Phase.VOTING,
        verification_methods=["census", "in_person"],
        ballot_format="pairwise",
        ballot_params={"pairs": 2},
        rule="pairwise-copeland",
    )
    factories.census([(*ALICE, setup.ward.code)])
    clerk = factories.user(Role.POLL_CLERK, wards_=[setup.ward])
    station = Station(setup, clerk, signed_in(app, clerk))
    assert station.mark(where="paper") == 409
    assert _participations() == []
