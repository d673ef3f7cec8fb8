"""On the ballot's steps the signed-in user's statement also reads the census entry, the
participations the step asks about and the header's counts (pb/accounts/sessions.py): the
answers must be the ones the separate statements give, in every case they can differ, and the
kept values are taken once."""

from __future__ import annotations

import pytest
from flask import Flask

from pb import header, inbox
from pb.accounts.models import Role, User
from pb.accounts.sessions import load_user, open_session
from pb.deliberation.models import Notification, NotificationKind
from pb.eligibility import register
from pb.eligibility import services as eligibility
from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.voting import services as voting
from tests import factories

ALICE = ("E-1001", "1980-02-03", "AB1 2CD")
BOB = ("E-1002", "1971-05-06", "AB1 9ZZ")


def _separately(user: User, round_: Round) -> tuple[eligibility.Participant | None, bool]:
    found = eligibility.participant(user, round_)
    return found, found is not None and eligibility.voted_under(round_, found.key)


def _refuse_own_statements(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("read again after the user's statement")

    for name in ("census_entry", "_entry_and_participation", "voted_under"):
        monkeypatch.setattr(eligibility, name, refuse)


@pytest.mark.parametrize("endpoint", ["ballot", "ballot/review", "ballot/cast"])
def test_the_answers_read_with_the_user_are_the_separate_ones(
    app: Flask, monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, verification_methods=["census", "email"])
    other = factories.round_in_phase(Phase.VOTING, verification_methods=["census"])
    factories.census([(*ALICE, setup.ward.code), (*BOB, setup.ward.code)])
    voter, waiting, unbound, emailed = (
        factories.user(Role.CITIZEN, home=setup.ward) for _ in range(4)
    )
    register.bind(voter, list(ALICE))
    register.bind(waiting, list(BOB))
    voting.cast(setup.round, voter, {setup.projects[0].id: 1})
    voting.cast(setup.round, emailed, {setup.projects[0].id: 1})  # self-declared, voted
    staff = factories.user(Role.OFFICER, home=setup.ward)
    cases = [
        (voter, setup.round),  # bound, voted in this round
        (waiting, setup.round),  # bound, not voted
        (unbound, setup.round),  # not bound: self-declared, under "user:<id>", not voted
        (emailed, setup.round),  # self-declared, voted
        (voter, other.round),  # bound, voted elsewhere only
        (staff, setup.round),  # may not take part
    ]
    keys = {user.id: open_session(user) for user in {user for user, _ in cases}}
    db.session.commit()
    expected = [_separately(user, round_) for user, round_ in cases]
    assert [answer[1] for answer in expected] == [True, False, False, True, False, False]
    answers = []
    with monkeypatch.context() as patched:
        _refuse_own_statements(patched)
        for user, round_ in cases:
            with app.test_request_context(f"/rounds/{round_.id}/{endpoint}", method="POST"):
                record = load_user(f"{user.id}:{keys[user.id]}")
                assert record is not None
                answers.append(eligibility.participant_and_voted(record, round_))
    assert answers == expected


def test_the_kept_answer_is_taken_once(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    voter = setup.voters[0]
    key = open_session(voter)
    db.session.commit()
    with app.test_request_context(f"/rounds/{setup.round.id}/ballot"):
        record = load_user(f"{voter.id}:{key}")
        assert record is not None
        assert eligibility.participant_and_voted(record, setup.round)[1] is False
        voting.cast(setup.round, voter, {setup.projects[0].id: 1})
        # after a write in the same request, the next question reads afresh
        assert eligibility.participant_and_voted(record, setup.round)[1] is True


def test_the_ballot_page_and_review_show_the_counts_read_with_the_user(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    voter = setup.voters[0]
    db.session.add(
        Notification(user_id=voter.id, kind=NotificationKind.PHASE_CHANGED, round_id=setup.round.id)
    )
    db.session.commit()
    unread = f'Notifications <span class="tag">{inbox.unread_count(Notification, voter)}<'
    client = app.test_client()
    factories.login(client, voter)

    def refuse() -> None:
        raise AssertionError("the header's counts read again after the user's statement")

    monkeypatch.setattr(header, "_statement", refuse)
    path = f"/rounds/{setup.round.id}/ballot"
    page = client.get(path)
    assert page.status_code == 200 and unread in page.text
    review = client.post(path + "/review", data={f"project-{setup.projects[0].id}": "1"})
    assert review.status_code == 200 and unread in review.text
