"""The measures agree with pabutools' analysis functions where pabutools has the same measure
(pabutools is a test-only dependency): on random small approval elections and on real files."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given

pytest.importorskip("pabutools", reason="pabutools is a test-only dependency")

from pabutools import election as pe
from pabutools.analysis.justifiedrepresentation import is_EJR_one_approval
from pabutools.analysis.votersatisfaction import (
    avg_satisfaction,
    gini_coefficient_of_satisfaction,
    percent_non_empty_handed,
)

from pb.allocation import Instance, Profile, allocate
from pb.allocation.analysis import measure
from pb.allocation.ejr import ejr_up_to_one

from .conftest import load, local_files
from .test_properties import SETTINGS, elections


def to_pabutools(instance: Instance, profile: Profile):  # type: ignore[no-untyped-def]
    projects = {p.id: pe.Project(p.id, p.cost) for p in instance.projects}
    theirs = pe.Instance(projects.values(), budget_limit=instance.budget)
    ballots = []
    for ballot in profile.ballots:
        for _ in range(ballot.weight):
            ballots.append(pe.ApprovalBallot(projects[pid] for pid in ballot.supported()))
    return theirs, pe.ApprovalProfile(ballots, instance=theirs), projects


def assert_agrees(instance: Instance, profile: Profile, rule: str, ejr: bool) -> None:
    outcome = allocate(instance, profile, rule)
    theirs, their_profile, projects = to_pabutools(instance, profile)
    chosen = [projects[pid] for pid in outcome.selected]
    ours = measure(instance, profile, outcome)
    if not profile.ballots:
        return
    assert ours.share_with_funded_project == Fraction(
        str(percent_non_empty_handed(theirs, their_profile, chosen))
    )
    card = avg_satisfaction(theirs, their_profile, chosen, pe.Cardinality_Sat)
    assert ours.mean_satisfaction_cardinality == Fraction(str(card))
    if instance.budget:
        cost = avg_satisfaction(theirs, their_profile, chosen, pe.Cost_Sat)
        assert ours.mean_satisfaction_cost == Fraction(str(cost)) / instance.budget
    gini = gini_coefficient_of_satisfaction(theirs, their_profile, chosen, pe.Cardinality_Sat)
    assert ours.gini_cardinality == Fraction(str(gini))
    if ejr:
        expected = is_EJR_one_approval(theirs, their_profile, pe.Cardinality_Sat, chosen)
        assert ejr_up_to_one(instance, profile, outcome.selected).holds is expected


@SETTINGS
@given(elections(("approval",)))
def test_measures_and_ejr_agree_with_pabutools_on_random_elections(election) -> None:  # type: ignore[no-untyped-def]
    instance, profile = election
    for rule in ("greedy", "equalshares", "phragmen"):
        assert_agrees(instance, profile, rule, ejr=True)


APPROVAL_FILES = [p for p in local_files() if load(p).profile.vote_type == "approval"]


@pytest.mark.parametrize("path", APPROVAL_FILES, ids=lambda p: p.stem)
def test_measures_agree_with_pabutools_on_real_files(path) -> None:  # type: ignore[no-untyped-def]
    election = load(path)
    assert_agrees(election.instance, election.profile, "greedy", ejr=False)
