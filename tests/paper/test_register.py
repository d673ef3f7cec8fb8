"""The paper register: a person marked "paper" cannot vote online, and the reverse."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.eligibility import register
from pb.errors import Conflict
from pb.paper import services as paper
from pb.voting import eligibility
from pb.voting import services as voting
from tests import factories
from tests.eligibility.test_census import ALICE
from tests.paper.helpers import paper_round


def _census_voter(run):  # type: ignore[no-untyped-def]
    factories.census([(*ALICE, run.setup.ward.code)])
    person = factories.user(factories.Role.CITIZEN)
    register.bind(person, list(ALICE))
    return person, eligibility.voter_key(person, run.round)


def test_marked_for_paper_then_online_is_refused(app: Flask) -> None:
    run = paper_round(marks=0, online=0, close=False, verification_methods=["census"])
    person, key = _census_voter(run)
    paper.mark_issued(run.round, key, run.setup.ward.id)
    with pytest.raises(Conflict, match="already voted"):
        voting.cast(run.round, person, {run.setup.projects[0].id: 1})


def test_online_then_marked_for_paper_is_refused(app: Flask) -> None:
    run = paper_round(marks=0, online=0, close=False, verification_methods=["census"])
    person, key = _census_voter(run)
    voting.cast(run.round, person, {run.setup.projects[0].id: 1})
    with pytest.raises(Conflict, match="This person has already voted in this round"):
        paper.mark_issued(run.round, key, run.setup.ward.id)


def test_marks_only_while_voting_is_open(app: Flask) -> None:
    run = paper_round(marks=1, online=0)
    with pytest.raises(Conflict, match="only while voting is open"):
        paper.mark_issued(run.round, "census:late", run.setup.ward.id)


def test_no_ballot_papers_in_a_pairwise_round(app: Flask) -> None:
    run = paper_round(
        marks=0,
        online=0,
        close=False,
        ballot_format="pairwise",
        ballot_params={"pairs": 2},
        rule="pairwise-copeland",
    )
    with pytest.raises(Conflict, match="not available for pairwise rounds"):
        paper.mark_issued(run.round, "census:someone", run.setup.ward.id)
