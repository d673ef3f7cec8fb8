"""Following a proposal: notices on comments, amendments, the review and the result; its author
hears of comments and supports, at once or in one daily digest (real SMTP for the digest)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from pb.accounts.models import Role, User
from pb.db import utcnow
from pb.deliberation import amendments, comments, supports
from pb.extensions import db
from pb.following import digest
from pb.following import services as following
from pb.following.models import AuthorEmail, DigestItem, FollowKind, Notice
from pb.mail import delivery
from pb.mail.models import OutboxMessage
from pb.proposals import services as proposals
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from tests import factories
from tests.deliberation.helpers import deliberating_round, resident
from tests.delivery.helpers import signed_in


def _texts(user: User) -> list[str]:
    notices = db.session.scalars(
        select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)
    ).all()
    return [following.message(n) for n in notices]


def _mail_to(user: User) -> list[str]:
    query = select(OutboxMessage.subject).where(OutboxMessage.recipient == user.email)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_followers_hear_of_comments_and_amendments_and_the_author_of_comments(
    app: Flask,
) -> None:
    setup = deliberating_round(Phase.PROPOSALS, threshold=None)
    proposal, author = setup.projects[0], setup.voters[0]
    fan, talker = resident(setup), resident(setup)
    client = signed_in(app, fan)
    assert client.post(f"/follow/proposal/{proposal.id}", data={}).status_code == 302
    db.session.rollback()
    with factories.writing():
        comments.post(proposal, talker, "Lovely idea.")
        draft = amendments.AmendmentDraft(
            "Project 1, bigger", "The same project, only a bit bigger.", 30_000, "More room."
        )
        amendments.propose(proposal, talker, draft)
        comments.post(proposal, fan, "My own comment tells me nothing.")
    name = talker.display_name
    assert _texts(fan) == [
        f"{name} commented on “Project 1”.",
        f"{name} proposed an amendment to “Project 1”.",
    ]
    assert _texts(author) == [
        f"{name} commented on your proposal “Project 1”.",
        f"{fan.display_name} commented on your proposal “Project 1”.",
    ]
    assert _texts(talker) == []  # nobody hears of their own action


def test_followers_hear_of_the_review(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    fan = factories.user(Role.CITIZEN, home=setup.ward)
    with factories.writing():
        following.follow(fan, FollowKind.PROPOSAL, setup.projects[1].id, email=False)
        proposals.review(
            setup.projects[1],
            officer=setup.officer,
            feasible=False,
            reason="Too big.",
            final_cost=None,
        )
    assert _texts(fan) == ["“Project 2” was reviewed: Not feasible."]


def test_followers_hear_of_the_result(app: Flask) -> None:
    # greedy, budget 100 000: project 1 (30 000, 2 votes) and 3 (40 000) funded; 2 (50 000) not
    setup = factories.round_in_phase(
        Phase.VOTING,
        ballots=[{0: 1}, {0: 1, 2: 1}],
        voting_close_at=utcnow() - timedelta(minutes=1),  # voting over, the round not closed yet
    )
    fan = factories.user(Role.CITIZEN, home=setup.ward)
    with factories.writing():
        for project in setup.projects[:2]:
            following.follow(fan, FollowKind.PROPOSAL, project.id, email=False)
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)  # closed: nothing said yet
    assert _texts(fan) == []
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor)  # published
    assert sorted(_texts(fan)) == ["“Project 1” was funded.", "“Project 2” was not funded."]


def test_supports_reach_the_author_at_once_by_default(app: Flask) -> None:
    setup = deliberating_round(Phase.PROPOSALS, threshold=None)
    proposal, author = setup.projects[0], setup.voters[0]
    with factories.writing():
        supports.support(proposal, resident(setup))
    assert _texts(author) == ["Someone supported your proposal “Project 1”."]
    assert _mail_to(author) == ["Ward budgets: Someone supported your proposal “Project 1”."]


def test_a_daily_digest_groups_every_event_into_one_email(mailer: tuple[Flask, Any]) -> None:
    _app, sink = mailer
    setup = deliberating_round(Phase.PROPOSALS, threshold=None)
    author = setup.voters[0]
    with factories.writing():
        digest.choose(author, AuthorEmail.DAILY)
        for _ in range(4):
            supports.support(setup.projects[0], resident(setup))
        comments.post(setup.projects[1], resident(setup), "Yes please.")
    assert len(_texts(author)) == 5  # in the app at once
    assert _mail_to(author) == []  # but no e-mail yet
    with factories.writing():
        assert digest.send() == (1, 5)
    assert db.session.scalar(select(func.count()).select_from(DigestItem)) == 0
    with factories.writing():
        assert digest.send() == (0, 0)  # nothing held twice
    delivery.deliver_due()
    [message] = [m for m in sink.messages if m["To"] == author.email]
    assert message["Subject"] == "Ward budgets: 5 new notices about your proposals"
    body = message.get_content()
    assert body.count("Someone supported your proposal “Project 1”.") == 4
    assert "commented on your proposal “Project 2”." in body


def test_the_email_choice_is_saved_and_a_bad_one_refused(app: Flask) -> None:
    person = factories.user(Role.CITIZEN)
    client = signed_in(app, person)
    assert client.post("/following/email", data={"author_email": "hourly"}).status_code == 422
    assert client.post("/following/email", data={"author_email": "daily"}).status_code == 302
    db.session.rollback()
    assert digest.author_email(person.id) is AuthorEmail.DAILY
    html = client.get("/following").get_data(as_text=True)
    [checked] = re.findall(r'<input checked [^>]*value="(\w+)"', html)
    assert checked == "daily"


def test_follower_emails_and_the_digest_command(app: Flask) -> None:
    setup = deliberating_round(Phase.PROPOSALS, threshold=None)
    fan, author = resident(setup), setup.voters[0]
    with factories.writing():
        following.follow(fan, FollowKind.PROPOSAL, setup.projects[0].id, email=True)
        digest.choose(author, AuthorEmail.DAILY)
        comments.post(setup.projects[0], resident(setup), "Count me in.")
    [body] = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == fan.email)
    ).all()
    assert "you follow this proposal" in body
    address = author.email
    result = app.test_cli_runner().invoke(args=["pb", "digest"])
    assert result.exit_code == 0, result.output
    assert "Queued 1 digest e-mails for 1 notices." in result.output
    query = select(OutboxMessage.subject).where(OutboxMessage.recipient == address)
    assert db.session.scalars(query).all() == ["Ward budgets: 1 new notice about your proposals"]
