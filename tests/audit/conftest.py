"""A published round, exported once per test module: the bundle most audit tests tamper with."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from pb.audit import bundle
from pb.audit.verify import KeptCheckpoint
from pb.extensions import db
from tests.audit.helpers import run_round, unpack
from tests.conftest import make_app

BALLOTS = [{0: 1}, {0: 1, 1: 1}, {1: 1, 2: 1}, {2: 1}, {0: 1, 2: 1}, {1: 1}, {0: 1}, {2: 1}]


@pytest.fixture(scope="module")
def published(sqlite_template, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """One populated round, published and exported, with later activity on the log."""
    path = tmp_path_factory.mktemp("mutations") / "pb.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        run = run_round(BALLOTS, after=3, costs=(30_000, 50_000, 40_000))
        round_id = run.setup.round.id
        db.session.remove()
        db.engine.dispose()
    files = unpack(run.data)
    signed = json.loads(files[bundle.CHECKPOINTS])
    yield {
        "data": run.data,
        "round_id": round_id,
        "kept": [KeptCheckpoint(c["seq"], c["hash"]) for c in signed],
        "kept_signed": [KeptCheckpoint(c["seq"], c["hash"], c["origin"]) for c in signed],
        "public_key": signed[0]["public_key"],
    }
