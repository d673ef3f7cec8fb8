"""One round's bundle must not publish another round's result early: the close entry of a round
whose results are not yet visible to the downloader is withheld (its hash stays, so the chain
still verifies), and shown in full to those who may see it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from pb.accounts.models import Role
from pb.audit import export
from pb.audit.verify import verify_bundle
from tests import factories
from tests.audit.helpers import log_entries, run_round, unpack


def _close_entry(files: dict[str, bytes], round_id: int) -> dict[str, Any]:
    return next(
        e
        for e in log_entries(files)
        if e["action"] == "round.tallied" and e["object_id"] == str(round_id)
    )


def test_a_bundle_withholds_another_rounds_unpublished_result(app: Flask) -> None:
    closed = run_round([{0: 1}, {1: 1}], publish=False)  # counted, not published
    published = run_round([{0: 1}, {2: 1}])
    closed_id = closed.setup.round.id

    auditor = factories.user(Role.AUDITOR)  # may see the closed round's result: nothing withheld
    full_bundle = export.round_bundle(published.setup.round, auditor)
    shown = _close_entry(unpack(full_bundle), closed_id)
    assert shown["data"]["ballots"] == 2 and "data_sha256" not in shown
    verify_bundle(full_bundle)

    public = unpack(published.data)  # what anyone downloads
    withheld = _close_entry(public, closed_id)
    assert withheld["data"] is None and len(withheld["data_sha256"]) == 64
    assert withheld["entry_hash"] == shown["entry_hash"]
    everything = b"".join(public.values())
    assert shown["data"]["receipts_sha256"].encode() not in everything
    verify_bundle(published.data)
