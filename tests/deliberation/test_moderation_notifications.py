"""Moderation (reports, hiding with a public reason, dismissing, who may), posting limits,
notifications with their unread count, and e-mail copies through a real local SMTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from flask import Flask
from flask_babel import force_locale, gettext

from pb.accounts.models import Role
from pb.audit.models import AuditEntry
from pb.deliberation import comments, moderation, notifications
from pb.deliberation.models import Comment, Notification, NotificationKind, ReportStatus
from pb.errors import Conflict, Forbidden
from pb.extensions import db
from pb.mail import delivery
from pb.proposals import services as proposals
from pb.rounds import services as rounds
from tests import factories
from tests.conftest import make_app
from tests.deliberation.helpers import deliberating_round
from tests.live import free_port
from tests.smtp import Sink, smtp_server


@pytest.fixture
def setup(app: Flask) -> factories.RoundSetup:
    return deliberating_round(voters=3)


def test_report_hide_with_public_reason_and_audit(app: Flask, setup: factories.RoundSetup) -> None:
    author, reporter, other = setup.voters
    proposal = setup.projects[0]
    comment = comments.post(proposal, author, "Rude words")
    first = moderation.report(reporter, proposal, "Insulting", comment=comment)
    second = moderation.report(other, proposal, "Abusive", comment=comment)
    with pytest.raises(Conflict):
        moderation.report(reporter, proposal, "Again", comment=comment)
    assert {r.id for r in moderation.queue(setup.councillor)} == {first.id, second.id}
    assert moderation.queue(factories.user(Role.COUNCILLOR, wards_=[factories.ward()])) == []
    with pytest.raises(Forbidden):
        moderation.hide(first, factories.user(Role.OFFICER, wards_=[factories.ward()]), "No")
    assert moderation.hide(first, setup.officer, "Personal attack") == 2
    assert comment.is_hidden and second.status is ReportStatus.HIDDEN
    db.session.commit()
    page = app.test_client().get(f"/rounds/{setup.round.id}/projects/{proposal.id}")
    html = page.get_data(as_text=True)
    assert "Hidden by moderation: Personal attack" in html and "Rude words" not in html
    actions = list(db.session.scalars(db.select(AuditEntry.action)))
    assert actions.count("moderation.reported") == 2 and "moderation.hidden" in actions


def test_hidden_proposal_and_dismissed_report(app: Flask, setup: factories.RoundSetup) -> None:
    _author, reporter, _ = setup.voters
    spam, fine = setup.projects[:2]
    hide_me = moderation.report(reporter, spam, "Advertising")
    keep = moderation.report(reporter, fine, "I just dislike it")
    moderation.hide(hide_me, setup.councillor, "Commercial advertising")
    moderation.dismiss(keep, setup.councillor)
    with pytest.raises(Conflict):
        moderation.dismiss(keep, setup.councillor)
    db.session.commit()
    client = app.test_client()
    html = client.get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert "Hidden by moderation: Commercial advertising" in html
    project = client.get(f"/rounds/{setup.round.id}/projects/{spam.id}").get_data(as_text=True)
    assert "A project the test suite proposed" not in project
    assert "Project 1" not in client.get("/search?q=project").get_data(as_text=True)


def test_a_moderator_restores_what_was_hidden_by_mistake(
    app: Flask, setup: factories.RoundSetup
) -> None:
    author, reporter, other = setup.voters
    proposal, spam = setup.projects[:2]
    comment = comments.post(proposal, author, "A fair point about the budget")
    first = moderation.report(reporter, proposal, "Rude", comment=comment)
    second = moderation.report(other, proposal, "Rude too", comment=comment)
    on_proposal = moderation.report(reporter, spam, "Advertising")
    moderation.hide(first, setup.councillor, "Personal attack")
    moderation.hide(on_proposal, setup.councillor, "Commercial advertising")
    db.session.commit()
    client = app.test_client()
    factories.login(client, setup.officer)
    queue = client.get("/moderation").get_data(as_text=True)
    assert queue.count('name="reason" maxlength="1000" required') == 3  # one form per report
    # the web: a reason is required, then the comment shows again and its reports are dismissed
    assert client.post(f"/moderation/reports/{second.id}/restore", data={}).status_code == 422
    done = client.post(
        f"/moderation/reports/{second.id}/restore", data={"reason": "Not an attack, reread"}
    )
    assert done.status_code == 302
    db.session.rollback()  # end the test's read transaction: see what the request committed
    assert not comment.is_hidden
    assert {first.status, second.status} == {ReportStatus.DISMISSED}
    page = client.get(f"/rounds/{setup.round.id}/projects/{proposal.id}").get_data(as_text=True)
    assert "A fair point about the budget" in page and "Personal attack" not in page
    again = client.post(f"/moderation/reports/{first.id}/restore", data={"reason": "Twice"})
    assert again.status_code == 409
    # the service: only the ward's moderators, only upheld reports, and it is audited
    with pytest.raises(Forbidden):
        moderation.restore(
            on_proposal, factories.user(Role.OFFICER, wards_=[factories.ward()]), "x"
        )
    assert moderation.restore(on_proposal, setup.councillor, "Was a real proposal") == 1
    db.session.commit()
    assert moderation.hidden_reasons([spam.id]) == {}
    entries = list(db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.seq)))
    restored = [e for e in entries if e.action == "moderation.restored"]
    assert [json.loads(e.data)["reason"] for e in restored] == [
        "Not an attack, reread",
        "Was a real proposal",
    ]
    assert (
        moderation.still_hidden(moderation.queue(setup.councillor, status=ReportStatus.HIDDEN))
        == set()
    )


def test_a_citizen_cannot_moderate(app: Flask, setup: factories.RoundSetup) -> None:
    author, reporter, _ = setup.voters
    item = moderation.report(reporter, setup.projects[0], "Spam")
    db.session.commit()
    client = app.test_client()
    factories.login(client, author)
    assert client.get("/moderation").status_code == 403
    hide = client.post(f"/moderation/reports/{item.id}/hide", data={"reason": "I do not like it"})
    assert hide.status_code == 403
    assert client.post(f"/moderation/reports/{item.id}/dismiss").status_code == 403
    restore = client.post(f"/moderation/reports/{item.id}/restore", data={"reason": "Mine"})
    assert restore.status_code == 403
    assert client.get(f"/rounds/{setup.round.id}/merge").status_code == 403


def test_posting_is_rate_limited_per_user(database_url: str) -> None:
    app = make_app(database_url, RATELIMIT_ENABLED=True, POSTING_RATE_LIMIT="3 per minute")
    with app.app_context():
        setup = deliberating_round(voters=2)
        url = f"/proposals/{setup.projects[0].id}/comments"
        client, other = app.test_client(), app.test_client()
        factories.login(client, setup.voters[0])
        factories.login(other, setup.voters[1])
        statuses = [client.post(url, data={"body": f"Comment {n}"}).status_code for n in range(5)]
        assert statuses == [302, 302, 302, 429, 429]
        assert other.post(url, data={"body": "My own budget"}).status_code == 302
        db.session.rollback()
        assert db.session.query(Comment).count() == 4
        db.session.remove()
        db.engine.dispose()


def test_notifications_for_replies_reviews_and_phases(
    app: Flask, setup: factories.RoundSetup
) -> None:
    author, neighbour, _ = setup.voters
    proposal = setup.projects[0]
    root = comments.post(proposal, author, "Question?")
    comments.post(proposal, neighbour, "Answer.", parent_id=root.id)
    comments.post(proposal, author, "Thanks, my own reply", parent_id=root.id)
    assert notifications.unread_count(author) == 1  # not notified of one's own reply
    rounds.advance_phase(setup.round, actor=setup.councillor, now=setup.round.proposals_close_at)
    kinds = set(
        db.session.scalars(db.select(Notification.kind).where(Notification.user_id == author.id))
    )
    assert kinds == {NotificationKind.COMMENT_REPLY, NotificationKind.PHASE_CHANGED}
    db.session.commit()
    client = app.test_client()
    factories.login(client, author)
    nav = client.get("/").get_data(as_text=True)
    assert 'Notifications <span class="tag">2' in nav
    page = client.get("/notifications").get_data(as_text=True)
    assert "replied to your comment" in page and "Deliberation" in page
    assert client.post("/notifications/read").status_code == 302
    db.session.rollback()
    assert notifications.unread_count(author) == 0


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    with smtp_server() as server:
        yield server


def test_email_copies_go_through_smtp_after_commit(
    database_url: str, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    app = make_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=port, SITE_URL="https://pb.test")
    with app.app_context():
        setup = deliberating_round(voters=2, threshold=None)
        author, neighbour = setup.voters
        proposal = setup.projects[0]
        root = comments.post(proposal, author, "Question?")
        db.session.commit()
        client = app.test_client()
        factories.login(client, neighbour)
        response = client.post(
            f"/proposals/{proposal.id}/comments",
            data={"body": "An answer", "parent_id": str(root.id)},
        )
        assert response.status_code == 302
        failed = client.post(f"/proposals/{proposal.id}/comments", data={"body": ""})
        assert failed.status_code == 422  # rolled back: no notification, no e-mail
        assert sink.envelopes == []  # nothing leaves inside the request: the worker sends it
        assert delivery.deliver_due().sent == 1
        assert len(sink.envelopes) == 1
        envelope = sink.envelopes[0]
        assert envelope.rcpt_tos == [author.email]
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert "replied to your comment" in message["Subject"]
        body = message.get_content()
        assert f"https://pb.test/rounds/{setup.round.id}/projects/{proposal.id}#comment-" in body
        # A review outside any request (a command) e-mails too.
        db.session.rollback()  # drop the read snapshot taken before the requests wrote
        rounds.advance_phase(
            setup.round, actor=setup.councillor, now=setup.round.proposals_close_at
        )
        rounds.advance_phase(
            setup.round, actor=setup.councillor, now=setup.round.deliberation_close_at
        )
        proposals.review(
            proposal, officer=setup.officer, feasible=False, reason="Too big", final_cost=None
        )
        db.session.commit()
        delivery.deliver_due()
        subjects = [message["Subject"] for message in sink.messages]
        assert any("was reviewed" in subject for subject in subjects)
        db.session.remove()
        db.engine.dispose()


def test_each_email_is_written_in_the_language_its_reader_chose(
    database_url: str, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    app = make_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    with app.app_context():
        setup = deliberating_round(voters=3, threshold=None)
        urdu_reader, replier, english_reader = setup.voters
        proposal = setup.projects[0]
        questions = [comments.post(proposal, who, "?") for who in (urdu_reader, english_reader)]
        db.session.commit()
        delivery.deliver_due()  # the author hears of the question on their proposal: not this test
        sink.envelopes.clear()
        chooser = app.test_client()
        factories.login(chooser, urdu_reader)
        chooser.post("/language", data={"lang": "ur"})
        client = app.test_client()
        factories.login(client, replier)
        for question in questions:
            reply = {"body": "An answer", "parent_id": str(question.id)}
            assert client.post(f"/proposals/{proposal.id}/comments", data=reply).status_code == 302
        delivery.deliver_due()
        received = {}
        for envelope in sink.envelopes:
            message = message_from_bytes(envelope.content, policy=policy.default)
            # the first to each is the reply; the proposal's author (urdu_reader) then also hears
            # that someone commented on their proposal
            received.setdefault(envelope.rcpt_tos[0], (message["Subject"], message.get_content()))
        db.session.rollback()
        with force_locale("ur"):
            urdu_footer = gettext("You receive this because you take part in a ward budget round.")
        subject, body = received[urdu_reader.email]
        assert urdu_footer in body and "replied to your comment" not in subject
        subject, body = received[english_reader.email]
        assert "replied to your comment" in subject and urdu_footer not in body
        db.session.remove()
        db.engine.dispose()


def test_an_unreachable_smtp_server_does_not_fail_the_request(database_url: str) -> None:
    app = make_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=2)
    with app.app_context():
        setup = deliberating_round(voters=2, threshold=None)
        root = comments.post(setup.projects[0], setup.voters[0], "Question?")
        db.session.commit()
        client = app.test_client()
        factories.login(client, setup.voters[1])
        response = client.post(
            f"/proposals/{setup.projects[0].id}/comments",
            data={"body": "Answer", "parent_id": str(root.id)},
        )
        assert response.status_code == 302
        db.session.rollback()
        assert notifications.unread_count(setup.voters[0]) == 1
        db.session.remove()
        db.engine.dispose()
