"""Comments: threads two levels deep, edit window with an "edited" mark, delete placeholders,
agree/disagree, sorting, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from pb.accounts.models import Role
from pb.audit.models import AuditEntry
from pb.db import utcnow
from pb.deliberation import comments
from pb.deliberation.models import Comment
from pb.errors import Conflict, Forbidden, NotFound
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories
from tests.deliberation.helpers import deliberating_round, resident


@pytest.fixture
def setup(app: Flask) -> factories.RoundSetup:
    return deliberating_round(voters=3)


def test_replies_stay_two_levels_deep(setup: factories.RoundSetup) -> None:
    a, b, c = setup.voters
    proposal = setup.projects[0]
    root = comments.post(proposal, a, "Root")
    reply = comments.post(proposal, b, "Reply", parent_id=root.id)
    deeper = comments.post(proposal, c, "Reply to the reply", parent_id=reply.id)
    assert reply.parent_id == root.id and deeper.parent_id == root.id
    thread = comments.thread(proposal, "oldest", None)
    assert [v.comment.body for v in thread] == ["Root"]
    assert [v.comment.body for v in thread[0].replies] == ["Reply", "Reply to the reply"]


def test_edit_within_the_window_is_marked_and_later_refused(setup: factories.RoundSetup) -> None:
    author, other, _ = setup.voters
    comment = comments.post(setup.projects[0], author, "Frist")
    comments.edit(comment, author, "First")
    assert comment.body == "First" and comment.edited_at is not None
    with pytest.raises(NotFound):
        comments.edit(comment, other, "Hijacked")
    with pytest.raises(Conflict):
        comments.edit(comment, author, "Too late", now=utcnow() + timedelta(minutes=16))


def test_delete_leaves_a_placeholder_only_when_answered(setup: factories.RoundSetup) -> None:
    a, b, _ = setup.voters
    proposal = setup.projects[0]
    lonely = comments.post(proposal, a, "Nobody answers")
    answered = comments.post(proposal, a, "Somebody answers")
    comments.post(proposal, b, "Me", parent_id=answered.id)
    assert comments.delete(lonely, a) is True
    assert comments.delete(answered, a) is False
    db.session.flush()
    assert db.session.get(Comment, lonely.id) is None
    assert answered.is_deleted and answered.body == ""
    assert comments.counts([proposal.id])[proposal.id] == 1  # the reply; not the placeholder


def test_agree_disagree_toggle_and_sort_by_most_agreed(setup: factories.RoundSetup) -> None:
    a, b, c = setup.voters
    proposal = setup.projects[0]
    first = comments.post(proposal, a, "First")
    second = comments.post(proposal, a, "Second")
    assert comments.react(second, b, 1) == 1
    assert comments.react(second, c, 1) == 1
    assert comments.react(first, b, -1) == -1
    assert comments.react(first, b, -1) == 0  # the same choice again takes it back
    with pytest.raises(Conflict):
        comments.react(first, a, 1)  # not on your own comment
    assert [v.comment.id for v in comments.thread(proposal, "agreed", None)] == [
        second.id,
        first.id,
    ]
    assert next(v.comment.id for v in comments.thread(proposal, "newest", None)) == second.id
    assert next(v.comment.id for v in comments.thread(proposal, "nonsense", None)) == second.id


def test_only_residents_and_ward_staff_may_comment(setup: factories.RoundSetup) -> None:
    outsider = factories.user(Role.CITIZEN, home=factories.ward())
    with pytest.raises(Forbidden):
        comments.post(setup.projects[0], outsider, "I live elsewhere")
    staff = comments.post(setup.projects[0], setup.officer, "Officer here: this is feasible.")
    assert staff.author_id == setup.officer.id


def test_discussion_closes_with_voting(app: Flask) -> None:
    closed = factories.round_in_phase(Phase.CLOSED, voters=1)
    with pytest.raises(Conflict):
        comments.post(closed.projects[0], closed.voters[0], "Too late")


def test_comment_web_actions_and_audit(app: Flask, setup: factories.RoundSetup) -> None:
    author, other, _ = setup.voters
    proposal = setup.projects[0]
    client = app.test_client()
    factories.login(client, author)
    assert client.post(f"/proposals/{proposal.id}/comments", data={"body": ""}).status_code == 422
    too_long = client.post(f"/proposals/{proposal.id}/comments", data={"body": "x" * 6000})
    assert too_long.status_code == 422
    bad_parent = {"body": "Hi", "parent_id": "999999"}
    assert client.post(f"/proposals/{proposal.id}/comments", data=bad_parent).status_code == 422
    weird_parent = {"body": "Hi", "parent_id": "１２"}  # full-width digits are not an id
    assert client.post(f"/proposals/{proposal.id}/comments", data=weird_parent).status_code == 302
    db.session.rollback()
    comment = db.session.scalars(db.select(Comment)).one()
    intruder = app.test_client()
    factories.login(intruder, other)
    assert intruder.get(f"/comments/{comment.id}/edit").status_code == 404
    assert intruder.post(f"/comments/{comment.id}/edit", data={"body": "x"}).status_code == 404
    assert intruder.post(f"/comments/{comment.id}/delete").status_code == 404
    assert intruder.post(f"/comments/{comment.id}/react", data={"value": "meh"}).status_code == 422
    page = client.get(f"/rounds/{setup.round.id}/projects/{proposal.id}").get_data(as_text=True)
    assert "Edit</a>" in page
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert "comment.posted" in actions
    assert resident(setup).id
