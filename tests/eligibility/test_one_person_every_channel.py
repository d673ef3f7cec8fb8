"""Issue 11's promise, across every channel at once: one person with five e-mail addresses and
one census identity takes part exactly once, online, by a code posted to them, at a kiosk or on
paper, whatever the order. The first channel used wins; every later one is refused, and the
round holds one participation for that person and at most one ballot (a paper mark's ballot is
keyed after the close, pb/paper)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import permutations

import sqlalchemy as sa
from flask import Flask

from pb.accounts.models import Role, User
from pb.eligibility import access_codes, kiosks, register, stations
from pb.eligibility.models import Kiosk
from pb.errors import DomainError
from pb.extensions import db
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.voting.models import Ballot, Participation
from tests import factories
from tests.access_world import signed_in

CHANNELS = ("online", "code", "kiosk", "paper")
ORDERS = list(permutations(CHANNELS))  # 24


def _person(number: int) -> tuple[str, str, str]:
    return (f"P-{number:04d}", "1980-02-03", "ZZ1 1ZZ")


def _attempt(action: Callable[[], object]) -> bool:
    """Run one channel's step as its request would: committed if accepted, rolled back if not."""
    try:
        action()
    except DomainError:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def _counts(key_prefix: str = "census:") -> tuple[int, int]:
    db.session.rollback()
    participations = db.session.scalar(
        sa.select(sa.func.count(Participation.id)).where(
            Participation.voter_key.startswith(key_prefix)
        )
    )
    return participations or 0, db.session.scalar(sa.select(sa.func.count(Ballot.id))) or 0


def test_one_person_takes_part_once_through_any_channel_in_every_order(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.VOTING, verification_methods=["census", "code", "in_person"]
    )
    round_, ward = setup.round, setup.ward
    factories.census([(*_person(n), ward.code) for n in range(len(ORDERS))])
    clerk = factories.user(Role.POLL_CLERK, wards_=[ward])
    kiosk_browser = signed_in(app, clerk)
    assert kiosk_browser.post(f"/station/rounds/{round_.id}/kiosk").status_code == 302
    db.session.rollback()
    kiosk = db.session.scalars(sa.select(Kiosk)).one()
    choices = {setup.projects[0].id: 1}

    for number, order in enumerate(ORDERS):
        details = list(_person(number))
        # five addresses, one person: the register entry binds to the first account only
        accounts = [factories.user(Role.CITIZEN, home=ward) for _ in range(5)]
        assert [_attempt(partial(register.bind, a, details)) for a in accounts] == [
            True,
            False,
            False,
            False,
            False,
        ]
        with factories.writing():
            (code,) = access_codes.issue(
                round_, ward.id, actor=setup.officer, references=[details[0]]
            )

        def online(accounts: list[User] = accounts) -> None:
            for account in accounts[1:]:  # not bound: not eligible in a census-only round
                assert not _attempt(partial(voting.cast, round_, account, choices))
            voting.cast(round_, accounts[0], choices)

        def kiosk_vote(details: list[str] = details) -> None:
            stations.admit(clerk, round_, details, "kiosk", kiosk.id)
            kiosks.cast(db.session.get(Kiosk, kiosk.id), round_, choices)

        steps = {
            "online": online,
            "code": lambda code=code: access_codes.redeem(code.code, choices, client="test"),
            "kiosk": kiosk_vote,
            "paper": lambda details=details: stations.admit(clerk, round_, details, "paper"),
        }
        before_participations, before_ballots = _counts()
        outcomes = [_attempt(steps[channel]) for channel in order]
        assert outcomes == [True, False, False, False], order
        participations, ballots = _counts()
        assert participations == before_participations + 1, order
        assert ballots == before_ballots + (0 if order[0] == "paper" else 1), order
    # one participation per person, all under census keys; one ballot per non-paper first channel
    assert _counts() == (len(ORDERS), len(ORDERS) - len(ORDERS) // 4)
