"""Officers declare proposals that cannot be built together (issue 13, item 1): audited,
frozen with the configuration when voting opens, applied by the tally and by every recount."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role
from pb.audit import recount
from pb.audit.models import AuditEntry
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.proposals import conflicts
from pb.proposals import services as proposals
from pb.results import engine
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.voting import services as voting
from tests import factories

# budget 100,000; projects 0 and 1 (40,000 each) have the most votes and both fit, unless
# they are declared in conflict: then 1 (fewer votes) gives way and 2 (30,000) is funded.
COSTS = (40_000, 40_000, 30_000)
BALLOTS = [{0: 1, 1: 1}, {0: 1, 1: 1}, {0: 1, 2: 1}]


def to_closed(setup: factories.RoundSetup) -> None:
    """Review every proposal as feasible, open voting, cast BALLOTS, close."""
    with factories.writing():
        _review_vote_close(setup)


def _review_vote_close(setup: factories.RoundSetup) -> None:
    round_ = setup.round
    for project in setup.projects:
        proposals.review(
            project,
            officer=setup.officer,
            feasible=True,
            reason="Fine.",
            final_cost=project.estimated_cost,
        )
    rounds.advance_phase(round_, actor=setup.councillor, now=round_.proposals_close_at)
    moment = round_.voting_open_at + timedelta(minutes=1)
    for person, choices in zip(setup.voters, BALLOTS, strict=True):
        voting.cast(
            round_, person, {setup.projects[i].id: v for i, v in choices.items()}, now=moment
        )
    rounds.advance_phase(
        round_, actor=setup.councillor, now=round_.voting_close_at + timedelta(minutes=1)
    )


def test_a_declared_conflict_is_audited_frozen_and_counted(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW, costs=COSTS, voters=3)
    ids = [project.id for project in setup.projects]
    with factories.writing():
        conflicts.declare(setup.round, [ids[1], ids[0]], "Same site.", officer=setup.officer)
    logged = db.session.scalars(
        sa.select(AuditEntry.data).where(AuditEntry.action == "round.conflict_declared")
    ).all()
    assert [json.loads(data) for data in logged] == [
        {"projects": sorted(ids[:2]), "reason": "Same site."}
    ]
    to_closed(setup)
    config = engine.frozen_config(setup.round)
    assert config["conflicts"] == [[str(ids[0]), str(ids[1])]]
    result = results.get_result(setup.round)
    assert [line.proposal_id for line in result.projects if line.funded] == [ids[0], ids[2]]
    assert {line.proposal_id: line.reason for line in result.projects}[ids[1]] == "conflict"
    ballots = [voting.choices_of(b) for b in voting.round_ballots(setup.round)]
    stored = json.loads(result.outcome_json)
    assert engine.run(setup.round, ballots).to_json() == stored  # the recount replays it
    assert stored["details"]["withdrawn"] == {str(ids[1]): str(ids[0])}
    assert recount.allocate_from_config(config, engine.build_election(setup.round, ballots)[1])


def test_conflicts_are_declared_only_in_review_by_the_wards_officers(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW, costs=COSTS)
    ids = [project.id for project in setup.projects]
    with pytest.raises(InvalidInput):
        conflicts.declare(setup.round, [ids[0]], "Alone.", officer=setup.officer)
    with pytest.raises(InvalidInput):
        conflicts.declare(setup.round, [ids[0], 2**31 - 1], "Unknown.", officer=setup.officer)
    conflicts.declare(setup.round, ids[:2], "Same site.", officer=setup.officer)
    with pytest.raises(InvalidInput):
        conflicts.declare(setup.round, ids[:2], "Again.", officer=setup.officer)
    other = factories.user(Role.OFFICER, wards_=[factories.ward()])
    with pytest.raises(Forbidden):
        conflicts.declare(setup.round, ids[1:], "Not mine.", officer=other)
    conflicts.withdraw(setup.round, ids[:2], officer=setup.officer)
    assert setup.round.conflicts == []
    voting_round = factories.round_in_phase(Phase.VOTING, costs=COSTS)
    with pytest.raises(Conflict):
        conflicts.declare(
            voting_round.round,
            [p.id for p in voting_round.projects[:2]],
            "Too late.",
            officer=voting_round.officer,
        )
    assert "conflicts" not in engine.frozen_config(voting_round.round)  # none declared


def test_an_officer_declares_a_conflict_on_the_page(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW, costs=COSTS)
    ids = [project.id for project in setup.projects]
    client = app.test_client()
    factories.login(client, setup.officer)
    url = f"/review/rounds/{setup.round.id}/conflicts"
    assert client.get(url).status_code == 200
    refused = client.post(url, data={"projects": [ids[0]], "reason": "Same site."})
    assert refused.status_code == 422 and "Choose two or more" in refused.get_data(as_text=True)
    done = client.post(url, data={"projects": ids[:2], "reason": "Same site."})
    assert done.status_code == 303
    db.session.rollback()  # end the test's read snapshot: see what the request committed
    assert setup.round.conflicts == [sorted(ids[:2])]
    group = ",".join(map(str, sorted(ids[:2])))
    gone = client.post(url, data={"withdraw-group": group, "withdraw-submit": "1"})
    assert gone.status_code == 303
    db.session.rollback()
    assert setup.round.conflicts == []
