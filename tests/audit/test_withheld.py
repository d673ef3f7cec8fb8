"""One round's bundle must say nothing about other rounds. On a pb-audit-3 chain every entry
not about the round is redacted to its link (its hash stays, so the chain still verifies), for
everyone; on an older pb-audit-2 chain, which can hide only data, another round's close entry
is withheld while that round's result is not visible to the downloader."""

from __future__ import annotations

from typing import Any

from flask import Flask

from pb.accounts.models import Role
from pb.audit import export
from pb.audit.chain import WITHHOLDING_LOG_FORMAT, is_redacted
from pb.audit.verify import verify_bundle
from tests import factories
from tests.audit.helpers import log_entries, run_round, start_chain, unpack


def _close_entry(files: dict[str, bytes], round_id: int) -> dict[str, Any]:
    return next(
        e
        for e in log_entries(files)
        if e.get("action") == "round.tallied" and e["object_id"] == str(round_id)
    )


def test_a_bundle_redacts_every_entry_of_other_rounds(app: Flask) -> None:
    closed = run_round([{0: 1}, {1: 1}], publish=False)  # counted, not published
    published = run_round([{0: 1}, {2: 1}])
    own = str(published.setup.round.id)
    auditor = factories.user(Role.AUDITOR)  # may see the closed round: still not in this bundle
    for data in (published.data, export.round_bundle(published.setup.round, auditor)):
        entries = log_entries(unpack(data))
        shown = [e for e in entries if not is_redacted(e)]
        assert shown[0]["action"] == "log.genesis"
        assert {(e["object_type"], e["object_id"]) for e in shown[1:]} == {("round", own)}
        assert len(shown) < len(entries)  # the other round, accounts, wards: redacted
        verify_bundle(data)
    full = _close_entry(unpack(closed.data), closed.setup.round.id)  # in its own bundle
    assert full["data"]["receipts_sha256"].encode() not in b"".join(unpack(published.data).values())


def test_an_older_chain_withholds_another_rounds_unpublished_result(app: Flask) -> None:
    start_chain(WITHHOLDING_LOG_FORMAT)
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
