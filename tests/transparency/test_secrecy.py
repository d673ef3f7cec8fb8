"""The order of ballots in the database, on the board and in the exports says nothing about the
order in which they were cast: everything is ordered by a random id or by the receipt."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import timedelta
from itertools import combinations

import pytest
import sqlalchemy as sa
from flask import Flask

from pb.audit import bundle, secrecy
from pb.audit.chain import receipt_of
from pb.audit.verify import verify_bundle
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase, Round
from pb.voting import services as voting
from pb.voting.models import Ballot, BallotSeal
from tests import factories
from tests.audit.helpers import run_round, unpack

VOTERS = 24
# Kendall's tau of a random order against the casting order has a standard deviation of about
# 0.15 for 24 ballots; 0.7 is more than four and a half of them.
UNRELATED = 0.7
DAY = timedelta(days=1)


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
    itself = {receipt: receipt for receipt in cast_receipts}

    # the database, read without ORDER BY, by table scan and by the round's index: the ballots
    # carry ids given at close, listed in the order of those (random) ids
    sealed_ids = sorted(db.session.scalars(sa.select(Ballot.id)))
    assert len(sealed_ids) == VOTERS and not set(sealed_ids) & set(cast_ids)
    for statement in (
        "SELECT id FROM ballots",
        f"SELECT id FROM ballots WHERE round_id = {round_id}",
        "SELECT id FROM ballots ORDER BY "
        + ("ctid" if db.engine.dialect.name == "postgresql" else "id"),
    ):
        assert [row[0] for row in db.session.execute(sa.text(statement))] == sealed_ids
    rows = db.session.execute(sa.text("SELECT ballot_id FROM ballot_choices")).scalars()
    assert list(dict.fromkeys(rows)) == sealed_ids
    receipts = db.session.execute(sa.text("SELECT receipt FROM ballot_receipts")).scalars()
    assert_unrelated(list(receipts), cast_receipts, itself)

    # the bulletin board
    html = app.test_client().get(f"/rounds/{round_id}/board").data.decode()
    on_board = re.findall(r'<code class="hash">([0-9a-f]{64})</code>', html)
    assert_unrelated(on_board, cast_receipts, itself)

    # the export: receipts.csv, ballots.csv and the pabulib file
    files = unpack(run.data)
    listed = [row[0] for row in csv.reader(io.StringIO(files[bundle.RECEIPTS_CSV].decode()))][1:]
    assert_unrelated(listed, cast_receipts, itself)
    exported = [row[0] for row in csv.reader(io.StringIO(files[bundle.BALLOTS_CSV].decode()))][1:]
    assert exported == sealed_ids
    votes = files[bundle.BALLOTS_PB].decode().split("VOTES\n", 1)[1].splitlines()[1:]
    assert [line.split(";")[0] for line in votes] == sealed_ids

    # and nothing in a ballot row says when it was cast
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("ballots")}
    # (channel: NULL for every ballot but a paper one, keyed in a batch after the close)
    assert columns == {"id", "round_id", "receipt", "config_hash", "revote_hash", "channel"}
    assert {b.channel for b in db.session.scalars(sa.select(Ballot))} == {None}
    header = files[bundle.BALLOTS_CSV].decode().splitlines()[0]
    assert header == ",".join(bundle.SEPARATE_BALLOT_COLUMNS)


def _lookup_section(html: str) -> str:
    start = html.index('<section aria-labelledby="lookup-heading"')
    return html[start : html.index("</section>", start)]


def test_a_receipt_reveals_nothing_about_its_ballot_after_close(app: Flask) -> None:
    """Issue 12, item 2: with only a receipt, neither the board nor the bundle tells anyone
    (a vote buyer) what that ballot chose; the counts still add up."""
    run = run_round([{0: 1}, {1: 1}, {2: 1}, {0: 1, 1: 1}], publish=True)
    round_id = run.setup.round.id
    first, second = run.cast_order[0], run.cast_order[1]  # ballots with different choices
    client = app.test_client()

    def looked_up(receipt: str) -> str:
        page = client.get(f"/rounds/{round_id}/board", query_string={"receipt": receipt})
        assert page.status_code == 200 and b"Your receipt is on the board" in page.data
        html = page.data.decode()
        for shown in (receipt, voting.short_code(receipt)):
            html = html.replace(shown, "RECEIPT")
        return html.replace(voting.short_code(receipt).lower(), "RECEIPT")

    # the answer to a lookup is the same, whatever the ballot said
    assert _lookup_section(looked_up(first)) == _lookup_section(looked_up(second))
    files = unpack(run.data)
    for name, data in files.items():
        if name != bundle.RECEIPTS_CSV:
            assert first.encode() not in data and first[:12].encode() not in data, name
    rows = [row for row in csv.reader(io.StringIO(files[bundle.BALLOTS_CSV].decode()))][1:]
    for ballot_id, _config, choices in rows:  # no published ballot hashes to any receipt
        pairs = {pid: value for pid, value in json.loads(choices)}
        assert receipt_of(round_id, ballot_id, pairs) not in run.cast_order
    report = verify_bundle(run.data)
    assert any("4 receipts, two separate sorted lists" in fact for fact in report.facts)


def test_a_busy_table_delays_the_rewrite_to_the_scheduler_never_the_close(
    app: Flask, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite overwrites deleted rows at once (secure_delete): nothing to rewrite")
    setup = factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}] * 12)
    round_id = setup.round.id
    with db.engine.connect() as reader:  # someone else is reading the ballots, slowly
        reader.execute(sa.text("SELECT count(*) FROM ballots")).scalar()
        with factories.writing():
            round_ = db.session.get(Round, round_id)
            closing = round_.voting_close_at + timedelta(minutes=1)
            rounds.advance_phase(round_, actor=setup.councillor, now=closing)
        assert db.session.get(Round, round_id).phase is Phase.CLOSED
        assert db.session.get(BallotSeal, round_id).compacted is False  # dead rows remain
    assert compact(app, round_id)  # the scheduler's next run
    assert secrecy.in_key_order()


# ---------------------------------------------------------------------------------------------
# Whoever reads the database after close: system columns, pages, ids, sequences, timestamps

READERS = 10


def _cast_one_by_one(setup: factories.RoundSetup) -> tuple[dict[int, frozenset[int]], set[str]]:
    """Each voter casts a different ballot in a transaction of their own, as on the site.
    Returns who chose what (the truth a reader would want) and the ballot ids issued."""
    truth, issued = {}, set()
    subsets = [frozenset(s) for n in (1, 2, 3) for s in combinations(range(4), n)]
    for voter, subset in zip(setup.voters, subsets, strict=False):
        with factories.writing():
            choices = {setup.projects[i].id: 1 for i in subset}
            receipt = voting.cast(setup.round, voter, choices).receipt
            issued.add(db.session.scalar(sa.select(Ballot.id).where(Ballot.receipt == receipt)))
            truth[voter.id] = frozenset(choices)
    return truth, issued


def compact(app: Flask, round_id: int, attempts: int = 20) -> bool:
    """Run the scheduler, as production would, until the round's seal is compacted. A snapshot
    older than the seal (an autovacuum ANALYZE; a transaction of the other test process, in
    its own database) makes it wait for a later run."""
    for _attempt in range(attempts):
        result = app.test_cli_runner().invoke(args=["pb", "checkpoint"])
        assert result.exit_code == 0, result.output
        db.session.rollback()
        if db.session.get(BallotSeal, round_id).compacted:
            return True
        time.sleep(0.5)
    return False


def _rows(statement: str) -> list[sa.Row]:
    return list(db.session.execute(sa.text(statement)))


def _raw_tuples(table: str) -> list[sa.Row]:
    """Every tuple on the table's pages, live or dead, as pageinspect shows it."""
    pages = db.session.scalar(
        sa.text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")
    )
    found = []
    for page in range(pages):
        found += _rows(
            f"SELECT t_xmin, t_xmax, t_data FROM heap_page_items(get_raw_page('{table}', {page}))"
            " WHERE t_data IS NOT NULL"
        )
    return found


def test_a_database_reader_cannot_link_a_voter_to_a_ballot_after_close(
    app: Flask, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("xmin, ctid and pages are PostgreSQL's (SQLite: WITHOUT ROWID, secure_delete)")
    db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    setup = factories.round_in_phase(Phase.VOTING, voters=READERS, costs=(10, 10, 10, 10))
    truth, issued = _cast_one_by_one(setup)
    round_id = setup.round.id
    with factories.writing():
        round_ = db.session.get(Round, round_id)
        rounds.advance_phase(round_, actor=setup.councillor, now=round_.voting_close_at + DAY)
    # the commit rewrote the ballot tables (or the scheduler's next run does); then read
    # everything as a snooping operator would
    assert compact(app, round_id)
    voters = _rows("SELECT user_id, xmin::text::bigint, ctid, id, voted_on FROM participations")
    ballots = _rows("SELECT id, xmin::text::bigint, ctid, receipt, revote_hash FROM ballots")
    assert len(voters) == len(ballots) == READERS
    voter_xmins = {row[1] for row in voters}
    assert len(voter_xmins) == READERS  # each voter's own transaction

    # xmin: every ballot and every choice was written by one transaction, no voter's
    written_by = {row[1] for row in ballots} | {
        row[0] for row in _rows("SELECT xmin::text::bigint FROM ballot_choices")
    }
    assert len(written_by) == 1 and not written_by & voter_xmins
    # ids: none of the ids issued while voting is left; the order on disk is that of the new ids
    ids = [row[0] for row in ballots]
    assert not set(ids) & issued
    assert [r[0] for r in _rows("SELECT id FROM ballots ORDER BY ctid")] == sorted(ids)
    choice_rows = _rows("SELECT ballot_id, proposal_id FROM ballot_choices ORDER BY ctid")
    assert choice_rows == sorted(choice_rows)
    # no receipt or key hash left on a ballot; the receipts are a list of their own, in order
    assert all(row[3] is None and row[4] is None for row in ballots)
    listed = [r[0] for r in _rows("SELECT receipt FROM ballot_receipts ORDER BY ctid")]
    assert len(listed) == READERS and listed == sorted(listed)
    # no version of a ballot from before the seal is left on a page, not even a dead one
    for table in ("ballots", "ballot_choices", "ballot_receipts"):
        raw = _raw_tuples(table)
        current = ids if table != "ballot_receipts" else listed
        ours = [t for t in raw if any(value.encode() in bytes(t[2]) for value in current)]
        assert len(ours) >= READERS and {int(t[0]) for t in ours} == written_by, table
        assert not {int(t[0]) for t in raw} & voter_xmins, table
        data = b"".join(bytes(t[2]) for t in raw)
        assert not any(old.encode() in data for old in issued), f"{table}: a deleted row is left"
    # nothing counts, dates or numbers ballots: no sequence, no time, on any ballot table
    kinds = _rows(
        "SELECT table_name, column_name, data_type, coalesce(column_default, '') "
        "FROM information_schema.columns "
        "WHERE table_name IN ('ballots', 'ballot_choices', 'ballot_receipts')"
    )
    for table, column, data_type, default in kinds:
        assert "nextval" not in default and "time" not in data_type and "date" not in data_type
        assert column not in {"created_at", "cast_at", "user_id", "voter_key"}, (table, column)
    # and the choices still add up to what the voters chose
    counted = _rows("SELECT ballot_id, proposal_id FROM ballot_choices")
    by_ballot: dict[str, set[int]] = {}
    for ballot_id, proposal_id in counted:
        by_ballot.setdefault(ballot_id, set()).add(proposal_id)
    assert sorted(map(sorted, by_ballot.values())) == sorted(map(sorted, truth.values()))
