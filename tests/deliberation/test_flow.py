"""The whole deliberation flow through the web client: propose → comment → amend → accept →
support → reach the threshold → review → on the ballot."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask

from pb.accounts.models import Role
from pb.db import utcnow
from pb.deliberation.models import Amendment, AmendmentStatus, Comment, Support
from pb.extensions import db
from pb.proposals.models import Proposal, ProposalStatus
from pb.rounds.models import Phase, Round
from tests import factories

FORMAT = "%Y-%m-%dT%H:%M"


def _client(app: Flask, person):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert factories.login(client, person).status_code == 302
    return client


def _id_from(location: str, pattern: str) -> int:
    match = re.search(pattern, location)
    assert match, location
    return int(match.group(1))


def test_propose_discuss_amend_support_review_vote(app: Flask, time_machine) -> None:
    ward = factories.ward()
    councillor = factories.user(Role.COUNCILLOR, wards_=[ward])
    officer = factories.user(Role.OFFICER, wards_=[ward])
    author, neighbour, third = (factories.user(Role.CITIZEN, home=ward) for _ in range(3))
    start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=1)

    # The councillor sets up a round with a deliberation phase and a threshold of two supports.
    cllr = _client(app, councillor)
    response = cllr.post(
        "/manage/rounds/new",
        data={
            "title": "Deliberated round",
            "description": "Residents discuss before they vote.",
            "wards": [str(ward.id)],
            "budget": "1000",
            "currency": "GBP",
            "proposals_open_at": start.strftime(FORMAT),
            "proposals_close_at": (start + timedelta(hours=2)).strftime(FORMAT),
            "deliberation_close_at": (start + timedelta(hours=3)).strftime(FORMAT),
            "support_threshold": "2",
            "voting_open_at": (start + timedelta(hours=4)).strftime(FORMAT),
            "voting_close_at": (start + timedelta(days=10)).strftime(FORMAT),
            "categories": "Parks\nStreets",
            "ballot_format": "approval",
            "approval_min_projects": "1",
            "rule": "greedy",
            "tie_break": "lexicographic",
            "verification_methods": "email",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    round_id = _id_from(response.headers["Location"], r"/manage/rounds/(\d+)")
    db.session.rollback()  # end this session's read snapshot to see the requests' writes
    round_ = db.session.get(Round, round_id)
    assert round_.support_threshold == 2 and round_.deliberation_close_at is not None
    assert (
        cllr.post(f"/manage/rounds/{round_id}/advance", data={"from_phase": "draft"}).status_code
        == 302
    )

    # Propose two projects.
    proposer = _client(app, author)
    ids = []
    for title in ("Benches by the pond", "A fountain nobody wants"):
        response = proposer.post(
            f"/rounds/{round_id}/proposals/new",
            data={
                "title": title,
                "description": "Six benches around the pond so older residents can rest.",
                "estimated_cost": "300",
                "ward": str(ward.id),
                "category": "Parks",
            },
        )
        assert response.status_code == 302
        ids.append(_id_from(response.headers["Location"], r"/projects/(\d+)"))
    benches, fountain = ids

    # Discuss: a neighbour comments, the author replies.
    other = _client(app, neighbour)
    response = other.post(
        f"/proposals/{benches}/comments", data={"body": "Could they face the sun?"}
    )
    assert response.status_code == 302
    comment_id = _id_from(response.headers["Location"], r"#comment-(\d+)")
    response = proposer.post(
        f"/proposals/{benches}/comments", data={"body": "Good idea!", "parent_id": str(comment_id)}
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Comment, comment_id).replies[0].body == "Good idea!"

    # Amend and accept.
    response = other.post(
        f"/proposals/{benches}/amendments/new",
        data={
            "title": "Sunny benches by the pond",
            "description": "Six benches round the pond, facing south, so older residents can rest.",
            "estimated_cost": "350",
            "reason": "Benches in the sun get used all year.",
        },
    )
    assert response.status_code == 302
    amendment_id = _id_from(response.headers["Location"], r"/amendments/(\d+)")
    page = proposer.get(f"/amendments/{amendment_id}").get_data(as_text=True)
    assert "<ins>Sunny </ins>" in page or "<ins>Sunny" in page
    response = proposer.post(
        f"/amendments/{amendment_id}/decide", data={"decision": "accept", "reason": "Thanks!"}
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Amendment, amendment_id).status is AmendmentStatus.ACCEPTED
    assert db.session.get(Proposal, benches).title == "Sunny benches by the pond"
    history = other.get(f"/proposals/{benches}/history").get_data(as_text=True)
    assert "Version 2" in history and "accepted amendment" in history

    # Support: two residents back the benches (the threshold); one backs the fountain.
    for client in (other, _client(app, third)):
        assert client.post(f"/proposals/{benches}/support").status_code == 302
    assert other.post(f"/proposals/{fountain}/support").status_code == 302
    db.session.rollback()
    count = db.session.query(Support).filter_by(proposal_id=benches).count()
    assert count == 2
    card = other.get(f"/rounds/{round_id}").get_data(as_text=True)
    assert "Enough supports to go to review (2 needed)" in card

    # Proposals close → deliberation → review: below-threshold proposals stop here.
    time_machine.travel(start + timedelta(hours=2, minutes=1))
    assert (
        cllr.post(
            f"/manage/rounds/{round_id}/advance", data={"from_phase": "proposals"}
        ).status_code
        == 302
    )
    db.session.rollback()
    assert db.session.get(Round, round_id).phase is Phase.DELIBERATION
    assert (
        other.post(f"/proposals/{benches}/comments", data={"body": "Still talking."}).status_code
        == 302
    )
    time_machine.travel(start + timedelta(hours=3, minutes=1))
    assert (
        cllr.post(
            f"/manage/rounds/{round_id}/advance", data={"from_phase": "deliberation"}
        ).status_code
        == 302
    )
    db.session.rollback()
    assert db.session.get(Proposal, fountain).status is ProposalStatus.NOT_SHORTLISTED
    assert db.session.get(Proposal, benches).status is ProposalStatus.SUBMITTED

    # Review puts the benches on the ballot; voting opens; the ballot shows the amended project.
    reviewer = _client(app, officer)
    response = reviewer.post(
        f"/review/proposals/{benches}",
        data={"decision": "feasible", "final_cost": "350", "reason": "Feasible."},
    )
    assert response.status_code == 302
    assert (
        cllr.post(f"/manage/rounds/{round_id}/advance", data={"from_phase": "review"}).status_code
        == 302
    )
    time_machine.travel(start + timedelta(hours=4, minutes=1))
    ballot = proposer.get(f"/rounds/{round_id}/ballot").get_data(as_text=True)
    assert "Sunny benches by the pond" in ballot
    assert "A fountain nobody wants" not in ballot
    notes = proposer.get("/notifications").get_data(as_text=True)
    assert "proposed an amendment" in notes and "was reviewed" in notes
