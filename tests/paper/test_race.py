"""Officers at the same moment: the last reconciliation confirms a batch once, and batches
opened together never hold more sheets than the paper register's marks (SQLite, PostgreSQL)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from flask import Flask

from pb.accounts.models import Role
from pb.extensions import db
from pb.paper import services as paper
from pb.paper.models import PaperBatch
from pb.voting import services as voting
from tests import factories
from tests.paper.helpers import lines, paper_round

THREADS = 8


def _clients(app: Flask, run, count: int):  # type: ignore[no-untyped-def]
    officers = [factories.user(Role.OFFICER, wards_=[run.setup.ward]) for _ in range(count)]
    clients = []
    for officer in officers:
        client = app.test_client()
        assert factories.login(client, officer).status_code == 302
        clients.append(client)
    return clients


def test_the_last_reconciliation_confirms_a_batch_once(app: Flask) -> None:
    run = paper_round(marks=2, online=0)
    with factories.writing():
        batch = paper.open_batch(run.round, run.setup.ward.id, "Box 1", 2, actor=run.first)
        paper.enter_reading(run.round, batch, lines(run.setup, (0,), (1,)), actor=run.first)
        paper.enter_reading(run.round, batch, lines(run.setup, (0,), (2,)), actor=run.second)
    url = f"/manage/rounds/{run.round.id}/paper/batches/{batch.id}/sheets/2"
    clients = _clients(app, run, THREADS)
    start = Barrier(THREADS)

    def resolve(client) -> int:  # type: ignore[no-untyped-def]
        start.wait()
        return client.post(url, data={"chosen": "1"}).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        codes = list(pool.map(resolve, clients))
    assert codes.count(302) == 1, codes
    assert set(codes) <= {302, 409}
    db.session.rollback()
    assert voting.paper_ballot_count(run.round) == 2


def test_batches_opened_together_never_exceed_the_marks(app: Flask) -> None:
    run = paper_round(marks=3, online=0)
    url = f"/manage/rounds/{run.round.id}/paper/batches"
    ward_id = str(run.setup.ward.id)
    clients = _clients(app, run, THREADS)
    start = Barrier(THREADS)

    def open_batch(numbered) -> int:  # type: ignore[no-untyped-def]
        number, client = numbered
        start.wait()
        form = {"ward_id": ward_id, "label": f"Box {number}", "size": "2"}
        return client.post(url, data=form).status_code

    with ThreadPoolExecutor(THREADS) as pool:
        codes = list(pool.map(open_batch, enumerate(clients)))
    assert codes.count(302) == 1, codes
    assert set(codes) <= {302, 422}
    db.session.rollback()
    assert db.session.query(PaperBatch).count() == 1
