"""The time-credit ledger: a balance is always the sum of its entries, whatever sequence of
confirmations and corrections officers make; entries are never changed (ORM and database)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.errors import Conflict, Forbidden, InvalidInput
from pb.extensions import db
from pb.volunteering import ledger, queries, services
from pb.volunteering.models import AppendOnly, CreditEntry
from tests import factories
from tests.volunteering.helpers import funded_round, task

# A step: ("confirm", volunteer index, quarter hours) or ("reverse", volunteer index, which entry)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("confirm"), st.integers(0, 2), st.integers(-2, 900)),
        st.tuples(st.just("reverse"), st.integers(0, 2), st.integers(0, 20)),
    ),
    max_size=25,
)


def test_balance_is_the_sum_of_entries_under_any_sequence(app: Flask) -> None:
    world = funded_round(residents=3)
    the_task = task(world)
    with factories.writing():
        for resident in world.residents:
            services.pledge(resident, the_task)
        pledges = [services.pledge_of(r, the_task) for r in world.residents]

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
    @given(steps=STEPS)
    def run(steps: list[tuple[str, int, int]]) -> None:
        expected = {r.id: ledger.balance_minutes(r) for r in world.residents}
        with factories.writing():
            for kind, who, value in steps:
                pledge = pledges[who]
                try:
                    if kind == "confirm":
                        ledger.confirm_hours(world.officer, pledge, value * 15)
                        expected[pledge.user_id] += value * 15
                    else:
                        mine = [e for e in ledger.entries_of(pledge.user) if e.reverses_id is None]
                        if not mine:
                            continue
                        entry = mine[value % len(mine)]
                        ledger.reverse(world.officer, entry)
                        expected[pledge.user_id] -= entry.minutes
                except (InvalidInput, Conflict) as refusal:
                    # refused: out of range (0, negative, over 200 h) or reversed already
                    assert kind == "reverse" or not 0 < value * 15 <= 200 * 60, refusal
        for resident in world.residents:
            entries = ledger.entries_of(resident)
            assert ledger.balance_minutes(resident) == sum(e.minutes for e in entries)
            assert ledger.balance_minutes(resident) == expected[resident.id]
            assert ledger.balance_minutes(resident) >= 0  # corrections never go below zero
            reversed_ = [e.reverses_id for e in entries if e.reverses_id]
            assert len(reversed_) == len(set(reversed_))  # each entry reversed at most once
        total = sum(ledger.balance_minutes(r) for r in world.residents)
        assert queries.minutes_given(round_id=world.setup.round.id) == total

    run()


def test_entries_are_never_changed_or_deleted(app: Flask) -> None:
    world = funded_round(residents=1)
    the_task = task(world)
    with factories.writing():
        services.pledge(world.residents[0], the_task)
        entry = ledger.confirm_hours(
            world.officer, services.pledge_of(world.residents[0], the_task), 90
        )
    entry.minutes = 600
    with pytest.raises(AppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnly):
        db.session.delete(db.session.get(CreditEntry, entry.id))
        db.session.flush()
    db.session.rollback()
    # behind the ORM's back, the database refuses too
    with pytest.raises(sa.exc.DatabaseError), factories.writing():
        db.session.execute(sa.text("UPDATE time_credit_entries SET minutes = 600"))
    db.session.rollback()
    assert db.session.get(CreditEntry, entry.id).minutes == 90


def test_officer_of_another_ward_cannot_confirm(app: Flask) -> None:
    from pb.accounts.models import Role

    world = funded_round(residents=1)
    the_task = task(world)
    stranger = factories.user(Role.OFFICER, wards_=[factories.ward()])
    with factories.writing():
        services.pledge(world.residents[0], the_task)
        pledge = services.pledge_of(world.residents[0], the_task)
        with pytest.raises(Forbidden):
            ledger.confirm_hours(stranger, pledge, 60)


def test_report_figures_by_hand(app: Flask) -> None:
    """Two residents pledge to a 2-hour task and one to a 1.5-hour task; 3 h then 0.5 h are
    confirmed, and 0.5 h reversed: 5.5 h pledged, 3 h given, 2 volunteers."""
    world = funded_round(residents=2)
    a, b = world.residents
    long_task, short_task = task(world, minutes=120), task(world, minutes=90)
    with factories.writing():
        for person, t in ((a, long_task), (b, long_task), (a, short_task)):
            services.pledge(person, t)
        entry = ledger.confirm_hours(world.officer, services.pledge_of(a, long_task), 180)
        extra = ledger.confirm_hours(world.officer, services.pledge_of(b, long_task), 30)
        ledger.reverse(world.officer, extra)
    round_id, ward_id = world.setup.round.id, world.setup.ward.id
    assert queries.minutes_pledged(round_id=round_id) == 120 + 120 + 90
    assert queries.minutes_given(round_id=round_id) == 180 == entry.minutes
    assert queries.volunteers(round_id=round_id) == 2
    assert queries.minutes_pledged(ward_id=ward_id) == 330
    assert queries.volunteers(ward_id=factories.ward().id) == 0
