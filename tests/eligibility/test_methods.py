"""Verification methods: part of the frozen configuration, shown with the round and its results,
turnout counted per method (counts only), and self-declared rounds labelled as such."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.audit.models import AuditEntry
from pb.eligibility import methods, register
from pb.eligibility import services as eligibility
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services as voting
from tests import factories

ALICE = ("E-1001", "1980-02-03", "AB1 2CD")


def test_the_methods_are_part_of_the_frozen_configuration(app: Flask) -> None:
    census = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
    self_declared = factories.round_in_phase(Phase.VOTING)
    assert json.loads(census.round.config_json)["verification_methods"] == ["census"]
    assert json.loads(self_declared.round.config_json)["verification_methods"] == ["email"]
    assert census.round.config_hash != self_declared.round.config_hash


def test_the_assurance_of_a_round_is_its_weakest_method() -> None:
    assert methods.round_assurance(["census"]) is methods.Assurance.CENSUS
    assert methods.round_assurance(["census", "email"]) is methods.Assurance.SELF_DECLARED
    assert methods.one_per_person(["census"]) and not methods.one_per_person(["census", "email"])


def test_turnout_by_method_on_the_results_page_in_the_api_and_in_the_log(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.VOTING, voters=2, verification_methods=["census", "email"]
    )
    factories.census([(*ALICE, setup.ward.code)])
    census_voter = factories.user(Role.CITIZEN)
    register.bind(census_voter, list(ALICE))
    choice = {setup.projects[0].id: 1}
    for person in (census_voter, *setup.voters):
        voting.cast(setup.round, person, choice)
    assert eligibility.turnout_by_method(setup.round) == {"census": 1, "email": 2}
    after = setup.round.voting_close_at
    with factories.writing():
        factories.rounds.advance_phase(setup.round, actor=setup.councillor, now=after)
        factories.rounds.advance_phase(setup.round, actor=setup.councillor, now=after)
    tallied = db.session.scalars(
        sa.select(AuditEntry.data).where(AuditEntry.action == "round.tallied")
    ).one()
    assert json.loads(tallied)["participated_by_method"] == {"census": 1, "email": 2}
    page = app.test_client().get(f"/rounds/{setup.round.id}/results").get_data(as_text=True)
    assert "Residents who voted, by how they were verified" in page
    assert "Self-declared round." in page  # its weakest method decides its level
    api = app.test_client().get(f"/api/rounds/{setup.round.id}/results").get_json()
    assert api["participated_by_method"] == {"census": 1, "email": 2}
    assert api["verification"]["assurance"] == "self_declared"


def test_self_declared_rounds_are_labelled_where_their_results_appear(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}])
    client = app.test_client()
    for path in (f"/rounds/{setup.round.id}", f"/rounds/{setup.round.id}/results"):
        assert "Self-declared round." in client.get(path).get_data(as_text=True), path
    assert client.get(f"/api/rounds/{setup.round.id}").get_json()["verification"]["self_declared"]
