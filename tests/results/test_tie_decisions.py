"""Official tie decisions in the platform (issue 13, item 1): a councillor records the council's
order at a real tie, with a reason, between counting and publication; the round is counted
again, the decision is on the results page and in the audit log, and `pb verify` replays it."""

from __future__ import annotations

import copy
import html

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from pb.audit import bundle, export
from pb.audit.verify import VerificationFailed, verify_bundle
from pb.extensions import db
from pb.results import services as results
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories
from tests.audit.helpers import head_of, log_entries, rechain, repack, resign, unpack, write_log

REASON = "Drawn by lot at the council meeting of 3 March"


def tied_round() -> factories.RoundSetup:
    """Projects 0 and 1 tie (one vote each, same cost); the budget funds one; 2 has no vote."""
    return factories.round_in_phase(
        Phase.CLOSED,
        costs=[10_000, 10_000, 10_000],
        budget=10_000,
        ballots=[{0: 1, 1: 1}],
        tie_break="numeric",
    )


def funded(setup: factories.RoundSetup) -> list[int]:
    db.session.rollback()  # end the read transaction: see what the request committed
    result = results.get_result(setup.round)
    return [line.proposal_id for line in result.projects if line.funded]


def decide(app: Flask, setup: factories.RoundSetup, order: list[int], reason: str = REASON):
    client = app.test_client()
    factories.login(client, setup.councillor)
    data = {"order": ", ".join(map(str, order)), "reason": reason}
    return client.post(f"/manage/rounds/{setup.round.id}/tie-decision", data=data)


def decision_count() -> int:
    from pb.audit.models import AuditEntry

    db.session.rollback()
    return db.session.query(AuditEntry).filter_by(action="round.tie_decided").count()


def test_a_decision_at_a_real_tie_is_counted_shown_published_and_verified(app: Flask) -> None:
    setup = tied_round()
    first, second, _ = (project.id for project in setup.projects)
    assert funded(setup) == [first]  # the numeric tie-break
    answer = decide(app, setup, [second, first])
    assert answer.status_code == 302, answer.get_data(True)
    assert answer.location.endswith(f"/rounds/{setup.round.id}/results"), answer.location
    assert funded(setup) == [second]
    page = html.unescape(app.test_client().get(f"/rounds/{setup.round.id}/results").get_data(True))
    assert "Tie decided by the council" not in page  # not published: the public sees nothing
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)
    page = html.unescape(app.test_client().get(f"/rounds/{setup.round.id}/results").get_data(True))
    assert f"Tie decided by the council: {second}." in page
    assert f"Reason: {REASON}" in page
    data = export.round_bundle(setup.round, None)
    db.session.commit()
    report = verify_bundle(data)
    assert any("round.tie_decided" in fact for fact in report.facts)

    files = unpack(data)
    entries = log_entries(files)
    where = next(i for i, e in enumerate(entries) if e.get("action") == "round.tie_decided")
    removed = entries[:where] + entries[where + 1 :]
    altered = copy.deepcopy(entries)
    altered[where]["data"]["order"] = [first, second]
    for edited in (removed, altered):
        rechain(edited, where)
        tampered = dict(files)
        write_log(tampered, edited)
        resign(tampered, edited, Ed25519PrivateKey.generate())  # re-signed by a careful tamperer
        with pytest.raises(VerificationFailed, match="recount"):
            verify_bundle(repack(tampered, log_head=head_of(edited)))


def test_a_decision_between_projects_that_are_not_tied_is_refused(app: Flask) -> None:
    setup = tied_round()
    _, second, third = (project.id for project in setup.projects)
    before, entries = funded(setup), decision_count()
    answer = decide(app, setup, [third, second])  # 1 vote against none: not tied
    assert answer.status_code == 422
    assert "not tied" in html.unescape(answer.get_data(as_text=True))
    assert funded(setup) == before and decision_count() == entries


@pytest.mark.parametrize("reason", ["", " "])
def test_a_decision_needs_a_reason(app: Flask, reason: str) -> None:
    setup = tied_round()
    first, second, _ = (project.id for project in setup.projects)
    assert decide(app, setup, [second, first], reason).status_code == 422
    assert funded(setup) == [first]


def test_no_decision_after_publication(app: Flask) -> None:
    setup = tied_round()
    first, second, _ = (project.id for project in setup.projects)
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)
    assert decide(app, setup, [second, first]).status_code == 409
    assert funded(setup) == [first]


def test_the_bundle_log_carries_the_decision(app: Flask) -> None:
    setup = tied_round()
    first, second, _ = (project.id for project in setup.projects)
    decide(app, setup, [second, first])
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)
    files = unpack(export.round_bundle(setup.round, None))
    entry = next(e for e in log_entries(files) if e.get("action") == "round.tie_decided")
    assert entry["data"]["order"] == [second, first]
    assert entry["data"]["reason"] == REASON
    assert entry["data"]["selected"] == [second]
    assert bundle.LOG in files
