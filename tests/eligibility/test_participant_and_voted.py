"""`participant_and_voted` (pb/eligibility/services.py) answers "may they take part, under which
key" and "did they vote already" in one statement on a census round: the same answers as
`participant` then `voted_under`, in every case the two can differ."""

from __future__ import annotations

from flask import Flask

from pb.accounts.models import Role, User
from pb.eligibility import register
from pb.eligibility import services as eligibility
from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.voting import services as voting
from tests import factories
from tests.sql import recorded_statements

ALICE = ("E-1001", "1980-02-03", "AB1 2CD")
BOB = ("E-1002", "1971-05-06", "AB1 9ZZ")


def _separately(user: User, round_: Round) -> tuple[eligibility.Participant | None, bool]:
    found = eligibility.participant(user, round_)
    return found, found is not None and eligibility.voted_under(round_, found.key)


def _selects(call) -> int:  # type: ignore[no-untyped-def]
    with recorded_statements(lambda sql: sql.lstrip().upper().startswith("SELECT")) as seen:
        call()
    return len(seen)


def test_census_answers_match_the_two_questions_and_take_one_statement(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census", "email"])
    other = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
    factories.census([(*ALICE, setup.ward.code), (*BOB, setup.ward.code)])
    voter, waiting, unbound = (factories.user(Role.CITIZEN, home=setup.ward) for _ in range(3))
    register.bind(voter, list(ALICE))
    register.bind(waiting, list(BOB))
    voting.cast(setup.round, voter, {setup.projects[0].id: 1})
    staff = factories.user(Role.OFFICER, home=setup.ward)
    cases = {
        (voter, setup.round): True,  # bound, voted in this round
        (waiting, setup.round): False,  # bound, not voted
        (unbound, setup.round): False,  # not bound: self-declared, under "user:<id>"
        (voter, other.round): False,  # bound, voted elsewhere only: not in this round
        (staff, setup.round): False,  # may not take part
    }
    for (user, round_), voted in cases.items():
        both = eligibility.participant_and_voted(user, round_)
        assert both == _separately(user, round_) and both[1] is voted
        assert voting.has_voted(user, round_) is voted
    assert eligibility.participant_and_voted(voter, setup.round)[0].key.startswith("census:")
    assert eligibility.participant_and_voted(unbound, setup.round)[0].key.startswith("user:")
    assert eligibility.participant_and_voted(staff, setup.round) == (None, False)
    # one statement for both answers on the census path, where it took two
    assert _selects(lambda: eligibility.participant_and_voted(voter, setup.round)) == 1
    assert _selects(lambda: _separately(voter, setup.round)) == 2


def test_a_voter_s_ballot_page_says_they_voted_on_a_census_round(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
    factories.census([(*ALICE, setup.ward.code)])
    voter = factories.user(Role.CITIZEN, home=setup.ward)
    register.bind(voter, list(ALICE))
    db.session.commit()  # the pages run in transactions of their own
    client = app.test_client()
    factories.login(client, voter)
    path = f"/rounds/{setup.round.id}/ballot"
    notice = "You have already voted."
    assert notice not in client.get(path).text
    cast = client.post(path + "/cast", data={f"project-{setup.projects[0].id}": "1"})
    assert cast.status_code == 302
    assert notice in client.get(path).text
