"""Supports and the threshold; amendments and version history; merging proposals."""

from __future__ import annotations

import pytest
from flask import Flask

from pb.deliberation import amendments, merging, supports
from pb.deliberation.amendments import AmendmentDraft
from pb.deliberation.models import AmendmentStatus, ProposalMerge, Support
from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.proposals.models import ProposalStatus
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories
from tests.deliberation.helpers import deliberating_round, resident


@pytest.fixture
def setup(app: Flask) -> factories.RoundSetup:
    return deliberating_round(voters=3, threshold=2)


def _draft(**changes: object) -> AmendmentDraft:
    values = {
        "title": "Project 1, improved",
        "description": "A project the test suite proposed, and then improved by a neighbour.",
        "estimated_cost": 35_000,
        "reason": "Clearer and cheaper.",
    }
    values.update(changes)
    return AmendmentDraft(**values)  # type: ignore[arg-type]


def test_support_once_withdraw_and_support_again(setup: factories.RoundSetup) -> None:
    citizen = setup.voters[1]
    proposal = setup.projects[0]
    assert supports.support(proposal, citizen) is True
    assert supports.support(proposal, citizen) is False
    assert supports.counts([proposal.id]) == {proposal.id: 1}
    assert supports.withdraw(proposal, citizen) is True
    assert supports.withdraw(proposal, citizen) is False
    assert supports.support(proposal, citizen) is True


def test_only_residents_support_and_only_before_review(app: Flask) -> None:
    setup = deliberating_round(voters=1)
    outsider = factories.user(factories.Role.CITIZEN, home=factories.ward())
    with pytest.raises(Forbidden):
        supports.support(setup.projects[0], outsider)
    in_review = factories.round_in_phase(Phase.REVIEW, voters=1)
    with pytest.raises(Conflict):
        supports.support(in_review.projects[0], in_review.voters[0])


def test_threshold_decides_who_goes_to_review(setup: factories.RoundSetup) -> None:
    _a, b, c = setup.voters
    popular, lonely, ignored = setup.projects
    supports.support(popular, b)
    supports.support(popular, c)
    supports.support(lonely, b)
    assert supports.progress(setup.round, 1).percent == 50
    close = setup.round.deliberation_close_at
    rounds.advance_phase(setup.round, actor=setup.councillor, now=setup.round.proposals_close_at)
    assert setup.round.phase is Phase.DELIBERATION
    with pytest.raises(Conflict):  # deliberation runs to its date
        rounds.advance_phase(setup.round, actor=setup.councillor, now=close.replace(year=2000))
    rounds.advance_phase(setup.round, actor=setup.councillor, now=close)
    assert setup.round.phase is Phase.REVIEW
    assert popular.status is ProposalStatus.SUBMITTED
    assert lonely.status is ProposalStatus.NOT_SHORTLISTED
    assert ignored.status is ProposalStatus.NOT_SHORTLISTED


def test_a_round_without_deliberation_skips_it(app: Flask) -> None:
    plain = factories.round_in_phase(Phase.PROPOSALS, voters=1)
    assert rounds.next_phase(plain.round) is Phase.REVIEW


def test_amendment_accepted_changes_the_proposal_with_history(
    setup: factories.RoundSetup,
) -> None:
    author, neighbour, _ = setup.voters
    proposal = setup.projects[0]
    amendment = amendments.propose(proposal, neighbour, _draft())
    assert amendment.base_version == 1
    with pytest.raises(Forbidden):  # only the proposal's author decides
        amendments.decide(amendment, neighbour, accept=True, reason="")
    amendments.decide(amendment, author, accept=True, reason="Thank you")
    assert proposal.title == "Project 1, improved" and proposal.estimated_cost == 35_000
    history = amendments.history(proposal)
    assert [v.version.number for v in history] == [2, 1]
    assert history[0].version.amendment_id == amendment.id
    assert ("insert", "1, improved") in [(c.op, c.text) for c in history[0].title_diff]
    with pytest.raises(Conflict):
        amendments.decide(amendment, author, accept=False, reason="Changed my mind")


def test_amendment_rules(setup: factories.RoundSetup) -> None:
    author, neighbour, _ = setup.voters
    proposal = setup.projects[0]
    with pytest.raises(Conflict):
        amendments.propose(proposal, author, _draft())  # your own: edit it instead
    with pytest.raises(InvalidInput):
        amendments.propose(proposal, neighbour, _draft(estimated_cost=10**9))
    with pytest.raises(InvalidInput):
        amendments.propose(
            proposal,
            neighbour,
            _draft(title=proposal.title, description=proposal.description, estimated_cost=30_000),
        )
    amendment = amendments.propose(proposal, neighbour, _draft())
    with pytest.raises(InvalidInput):
        amendments.decide(amendment, author, accept=False, reason=" ")
    amendments.decide(amendment, author, accept=False, reason="Too expensive to maintain")
    assert amendment.status is AmendmentStatus.REJECTED
    assert proposal.title == "Project 1"


def test_citizen_cannot_accept_an_amendment_to_someone_elses_proposal(
    app: Flask, setup: factories.RoundSetup
) -> None:
    _, neighbour, third = setup.voters
    amendment = amendments.propose(setup.projects[0], neighbour, _draft())
    db.session.commit()
    client = app.test_client()
    factories.login(client, third)
    response = client.post(
        f"/amendments/{amendment.id}/decide", data={"decision": "accept", "reason": ""}
    )
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.get(type(amendment), amendment.id).status is AmendmentStatus.PENDING


def test_merge_counts_supports_once_keeps_links_and_credits(setup: factories.RoundSetup) -> None:
    a, b, c = setup.voters
    target, source, other = setup.projects
    supports.support(target, b)
    supports.support(source, b)  # supported both: counted once after the merge
    supports.support(source, c)
    pending = amendments.propose(source, b, _draft())
    moved = merging.merge(
        target,
        [source],
        officer=setup.officer,
        reason="The same idea twice.",
        title="Projects 1 and 2 together",
    )
    assert moved == 1
    assert supports.counts([target.id, source.id]) == {target.id: 2}
    assert source.status is ProposalStatus.MERGED
    assert merging.merged_into(source).target_id == target.id
    assert [m.source_id for m in merging.merged_from(target)] == [source.id]
    assert pending.status is AmendmentStatus.CLOSED
    assert target.title == "Projects 1 and 2 together"
    with pytest.raises(Conflict):
        supports.support(source, a)
    outsider = factories.user(factories.Role.OFFICER, wards_=[factories.ward()])
    with pytest.raises(Forbidden):
        merging.merge(target, [other], officer=outsider, reason="No")
    with pytest.raises(InvalidInput):
        merging.merge(target, [target], officer=setup.officer, reason="Self")
    assert db.session.get(ProposalMerge, source.id) is not None
    assert db.session.query(Support).count() == 2
    assert resident(setup)
