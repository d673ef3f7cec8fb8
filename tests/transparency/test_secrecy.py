"""The order of ballots in the database, on the board and in the exports says nothing about the
order in which they were cast: everything is ordered by a random id or by the receipt."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.audit import bundle, secrecy
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from tests import factories
from tests.audit.helpers import run_round, unpack

VOTERS = 24
# Kendall's tau of a random order against the casting order has a standard deviation of about
# 0.15 for 24 ballots; 0.7 is more than four and a half of them.
UNRELATED = 0.7


def kendall_tau(order: list[str], reference: list[str]) -> float:
    """+1: the same order, -1: reversed, near 0: unrelated."""
    rank = {item: position for position, item in enumerate(reference)}
    ranks = [rank[item] for item in order]
    pairs = concordant = 0
    for i in range(len(ranks)):
        for j in range(i + 1, len(ranks)):
            pairs += 1
            concordant += 1 if ranks[i] < ranks[j] else -1
    return concordant / pairs


def assert_unrelated(order: list[str], cast: list[str], *random_keys: dict[str, str]) -> None:
    """`order` holds the cast ballots once each, sorted by one of their random keys (the id,
    the receipt), and so is unrelated to the casting order."""
    assert sorted(order) == sorted(cast)
    assert any(order == sorted(cast, key=key.__getitem__) for key in random_keys), order
    assert abs(kendall_tau(order, cast)) < UNRELATED


def test_no_order_anywhere_follows_the_casting_order(app: Flask) -> None:
    ballots = [{i % 3: 1} for i in range(VOTERS)]
    run = run_round(ballots, publish=True)
    cast_ids, cast_receipts = run.cast_ids, run.cast_order
    round_id = run.setup.round.id
    db.session.rollback()
    by_id = {ballot_id: ballot_id for ballot_id in cast_ids}
    by_receipt = dict(zip(cast_ids, cast_receipts, strict=True))
    itself = {receipt: receipt for receipt in cast_receipts}

    # the database, read without ORDER BY, by table scan and by the round's index
    for statement in (
        "SELECT id FROM ballots",
        f"SELECT id FROM ballots WHERE round_id = {round_id}",
        "SELECT * FROM ballots",
    ):
        ids = [row[0] for row in db.session.execute(sa.text(statement))]
        assert_unrelated(ids, cast_ids, by_id, by_receipt)
    rows = db.session.execute(sa.text("SELECT ballot_id FROM ballot_choices")).scalars()
    assert_unrelated(list(dict.fromkeys(rows)), cast_ids, by_id)
    if db.engine.dialect.name == "postgresql":  # the physical position of each row
        physical = db.session.execute(sa.text("SELECT id FROM ballots ORDER BY ctid")).scalars()
        assert_unrelated(list(physical), cast_ids, by_id)

    # the bulletin board
    html = app.test_client().get(f"/rounds/{round_id}/board").data.decode()
    on_board = re.findall(r'<code class="hash">([0-9a-f]{64})</code>', html)
    assert_unrelated(on_board, cast_receipts, itself)

    # the export: ballots.csv and the pabulib file
    files = unpack(run.data)
    listed = [row[0] for row in csv.reader(io.StringIO(files[bundle.BALLOTS_CSV].decode()))][1:]
    assert_unrelated(listed, cast_receipts, itself)
    votes = files[bundle.BALLOTS_PB].decode().split("VOTES\n", 1)[1].splitlines()[1:]
    assert_unrelated([line.split(";")[0] for line in votes], cast_receipts, itself)

    # and nothing in a ballot row says when it was cast
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("ballots")}
    assert columns == {"id", "round_id", "receipt", "config_hash", "revote_hash"}
    assert files[bundle.BALLOTS_CSV].decode().splitlines()[0] == ",".join(bundle.BALLOT_COLUMNS)


def test_a_busy_table_delays_the_rewrite_to_the_scheduler_never_the_close(
    app: Flask, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite stores ballots by key from the start: nothing to rewrite")
    setup = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}] * 12)
    round_id = setup.round.id
    with db.engine.connect() as reader:  # someone else is reading the ballots, slowly
        reader.execute(sa.text("SELECT count(*) FROM ballots")).scalar()
        with factories.writing():
            round_ = db.session.get(Round, round_id)
            closing = round_.voting_close_at + timedelta(minutes=1)
            rounds.advance_phase(round_, actor=setup.councillor, now=closing)
        assert db.session.get(Round, round_id).phase is Phase.CLOSED
        assert not secrecy.in_key_order()
    result = app.test_cli_runner().invoke(args=["pb", "checkpoint"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert secrecy.in_key_order()
