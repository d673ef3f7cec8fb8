"""Tampering with an exported round, nine ways: `pb verify` must catch and name each one.

The auditor's defence is the checkpoints they saw published (`--checkpoint SEQ:HASH`). Without
them, six of the nine are still caught from the bundle alone (a pb-bundle-2 log ends at a
signed head, so a tail cut at an unsigned entry shows); the other three (rewriting the whole
chain, cutting its tail at a signed entry, swapping in another chain) need a tamperer who
re-signs the checkpoints with a key of their own or drops the ones past the cut, and are then
caught by the kept checkpoints or by pinning the platform's public key (docs/verification.md
has the table).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pb.audit import bundle
from pb.audit.chain import entry_hash
from pb.audit.verify import VerificationFailed, verify_bundle
from tests.audit.helpers import (
    ballot_row,
    ballot_rows,
    head_of,
    log_entries,
    receipt_rows,
    rechain,
    recount_files,
    repack,
    resign,
    unpack,
    write_ballots,
    write_log,
    write_receipts,
)

IMPOSTOR = Ed25519PrivateKey.generate()


def _round_entry(entries: list[dict[str, Any]], action: str) -> int:
    return next(i for i, e in enumerate(entries) if e.get("action") == action)


# --- the nine tamperings ---------------------------------------------------------------------


def edit_entry_data(files: dict[str, bytes]) -> bytes:
    entries = log_entries(files)
    closed = _round_entry(entries, "round.tallied")
    entries[closed]["data"]["ballots"] += 1
    write_log(files, entries)
    return repack(files)


def delete_entry(files: dict[str, bytes]) -> bytes:
    entries = log_entries(files)
    del entries[5]
    write_log(files, entries)
    return repack(files)


def reorder_two(files: dict[str, bytes]) -> bytes:
    entries = log_entries(files)
    entries[5], entries[6] = entries[6], entries[5]
    write_log(files, entries)
    return repack(files)


def insert_forged(files: dict[str, bytes]) -> bytes:
    entries = log_entries(files)
    own = entries[_round_entry(entries, "round.frozen")]  # an entry shown in full
    forged = dict(own, seq=6, action="round.edited", prev_hash=entries[5]["entry_hash"])
    forged["entry_hash"] = entry_hash(forged)
    entries.insert(6, forged)
    write_log(files, entries)
    return repack(files)


def change_ballot_not_log(files: dict[str, bytes]) -> bytes:
    """A ballot's choices changed, the log left alone."""
    config = json.loads(files[bundle.CONFIG])
    rows = ballot_rows(files)
    ballot_id, config_hash, choices = rows[0]
    first, last = config["projects"][0]["id"], config["projects"][-1]["id"]
    other = first if json.loads(choices) == [[last, 1]] else last
    rows[0] = ballot_row(ballot_id, config_hash, {other: 1})
    write_ballots(files, rows)
    return repack(files)


def delete_ballot_and_rechain(files: dict[str, bytes]) -> bytes:
    """A ballot and a receipt removed, and the entries that count them rewritten: every hash
    after them is recomputed and the checkpoints re-signed with an impostor's key."""
    write_ballots(files, ballot_rows(files)[1:])
    write_receipts(files, receipt_rows(files)[1:])
    data = recount_files(files)
    entries = log_entries(files)
    sealed = _round_entry(entries, "round.sealed")
    entries[sealed]["data"].update(data.pop("sealed"))
    closed = _round_entry(entries, "round.tallied")
    entries[closed]["data"].update(data)
    rechain(entries, sealed)
    write_log(files, entries)
    resign(files, entries, IMPOSTOR)
    manifest = json.loads(files[bundle.MANIFEST])
    counts = dict(manifest["counts"], ballots=data["ballots"], participated=data["ballots"])
    counts["participated_by_channel"] = data["participated_by_channel"]
    return repack(files, log_head=head_of(entries), counts=counts)


def cut_unsigned_tail(files: dict[str, bytes]) -> bytes:
    """The last entry cut off, and the checkpoint that signed it dropped: the new head is an
    entry no checkpoint signs (issue 12, item 13: 150 entries behind, once)."""
    entries = log_entries(files)[:-1]
    write_log(files, entries)
    signed = [c for c in json.loads(files[bundle.CHECKPOINTS]) if c["seq"] < len(entries)]
    files[bundle.CHECKPOINTS] = bundle.dumps(signed)
    return repack(files, log_head=head_of(entries))


def truncate_tail(files: dict[str, bytes]) -> bytes:
    """The last entries cut off at a signed entry (the publication, checkpointed when it
    happened), and the checkpoints past the cut dropped with them."""
    entries = log_entries(files)
    published = entries[_round_entry(entries, "round.results_published")]["seq"]
    # the checkpoint signed at publication covers its whole transaction (reactions included,
    # such as the delivery plans of the funded projects)
    checkpoints = json.loads(files[bundle.CHECKPOINTS])
    covered = min(c["seq"] for c in checkpoints if c["seq"] >= published)
    entries = [e for e in entries if e["seq"] <= covered]
    write_log(files, entries)
    signed = [c for c in checkpoints if c["seq"] <= covered]
    files[bundle.CHECKPOINTS] = bundle.dumps(signed)
    return repack(files, log_head=head_of(entries))


def replace_log(files: dict[str, bytes]) -> bytes:
    """Another valid chain (a new genesis, so a new origin), signed by an impostor's key."""
    entries = log_entries(files)
    entries[0]["object_id"] = "f" * 32
    rechain(entries)
    write_log(files, entries)
    resign(files, entries, IMPOSTOR)
    return repack(files, origin="f" * 32, log_head=head_of(entries))


MUTATIONS: dict[str, tuple[Callable[[dict[str, bytes]], bytes], str, bool]] = {
    # name: (tampering, what the failure message must say, caught from the bundle alone?)
    "edit an entry's data": (
        edit_entry_data,
        r"log\.jsonl line \d+: entry \d+: entry_hash does not match its contents",
        True,
    ),
    "delete an entry": (
        delete_entry,
        r"log\.jsonl line 6: entry 5: found seq 6 where seq 5 should be",
        True,
    ),
    "reorder two entries": (
        reorder_two,
        r"log\.jsonl line 6: entry 5: found seq 6 where seq 5 should be",
        True,
    ),
    "insert a forged entry": (
        insert_forged,
        r"log\.jsonl line 8: entry 7: found seq 6 where seq 7 should be",
        True,
    ),
    "change a ballot but not the log": (
        change_ballot_not_log,
        r"ballots\.csv: the ballots do not hash to the ballots_sha256 of entry \d+",
        True,
    ),
    "delete a ballot and its entry, recompute the chain": (
        delete_ballot_and_rechain,
        r"your checkpoint \d+:[0-9a-f]{64}: the log's entry \d+ has hash [0-9a-f]{64}, not the "
        r"checkpoint's [0-9a-f]{64} \(history was rewritten at or before entry \d+\)",
        False,
    ),
    "cut the tail at an unsigned entry": (
        cut_unsigned_tail,
        r"checkpoints\.json: no signed checkpoint covers the head of log\.jsonl \(seq \d+\)",
        True,
    ),
    "truncate the tail at a signed entry": (
        truncate_tail,
        r"your checkpoint \d+:[0-9a-f]{64}: seq \d+ is beyond the end of log\.jsonl, which stops "
        r"at seq \d+ \(the log was truncated\)",
        False,
    ),
    "replace the log with another valid chain": (
        replace_log,
        r"your checkpoint \d+:[0-9a-f]{64}: the log's entry \d+ has hash .* \(history was "
        r"rewritten",
        False,
    ),
}


def test_the_untouched_bundle_verifies(published: dict[str, Any]) -> None:
    report = verify_bundle(
        published["data"], kept=published["kept"], keys=[published["public_key"]]
    )
    assert any("recounted" in fact for fact in report.facts)


@pytest.mark.parametrize("name", MUTATIONS)
def test_each_tampering_is_caught_and_named_with_the_published_checkpoints(
    published: dict[str, Any], name: str
) -> None:
    mutate, message, _alone = MUTATIONS[name]
    tampered = mutate(unpack(published["data"]))
    with pytest.raises(VerificationFailed, match=message):
        verify_bundle(tampered, kept=published["kept"])


@pytest.mark.parametrize("name", MUTATIONS)
def test_which_tamperings_the_bundle_alone_reveals(published: dict[str, Any], name: str) -> None:
    mutate, message, alone = MUTATIONS[name]
    tampered = mutate(unpack(published["data"]))
    if alone:
        with pytest.raises(VerificationFailed, match=message.split(":", 1)[0]):
            verify_bundle(tampered)
    else:  # a consistent forgery: only an outside anchor (kept checkpoint, pinned key) sees it
        verify_bundle(tampered)


@pytest.mark.parametrize(
    "name",
    [
        "delete a ballot and its entry, recompute the chain",
        "replace the log with another valid chain",
    ],
)
def test_pinning_the_platform_key_catches_re_signed_forgeries(
    published: dict[str, Any], name: str
) -> None:
    tampered = MUTATIONS[name][0](unpack(published["data"]))
    with pytest.raises(VerificationFailed, match=r"not by a key you pinned with --key"):
        verify_bundle(tampered, keys=[published["public_key"]])


def test_a_saved_checkpoint_file_names_a_replaced_log(published: dict[str, Any]) -> None:
    tampered = replace_log(unpack(published["data"]))
    with pytest.raises(VerificationFailed, match=r"\(the log was replaced\)"):
        verify_bundle(tampered, kept=published["kept_signed"])


def test_a_careless_tamperer_is_caught_without_kept_checkpoints(published: dict[str, Any]) -> None:
    """Rewriting the chain but leaving the platform's checkpoints, or dropping them all."""
    files = unpack(published["data"])
    entries = log_entries(files)
    frozen = _round_entry(entries, "round.frozen")
    entries[frozen]["data"]["note"] = "rewritten"
    rechain(entries, frozen)
    write_log(files, entries)
    left = repack(dict(files), log_head=head_of(entries))
    with pytest.raises(
        VerificationFailed, match=r"checkpoints\.json #\d+ \(seq \d+\): .*rewritten"
    ):
        verify_bundle(left)
    resign(files, entries, None)
    dropped = repack(files, log_head=head_of(entries))
    with pytest.raises(VerificationFailed, match=r"no signed checkpoint covers the head"):
        verify_bundle(dropped)
    cut = truncate_tail(unpack(published["data"]))
    files = unpack(cut)
    files[bundle.CHECKPOINTS] = unpack(published["data"])[bundle.CHECKPOINTS]
    with pytest.raises(VerificationFailed, match=r"beyond the end of log\.jsonl"):
        verify_bundle(repack(files))


def test_any_edit_without_a_new_manifest_names_the_file(published: dict[str, Any]) -> None:
    for name in bundle.content_files(bundle.FORMAT):
        files = unpack(published["data"])
        files[name] = files[name] + b" "
        tampered = _zip_as_is(files)
        with pytest.raises(VerificationFailed, match=rf"^{name}: its SHA-256 does not match"):
            verify_bundle(tampered)


def _zip_as_is(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
