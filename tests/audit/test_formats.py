"""Bundles exported before pb-bundle-2 still verify: a pb-bundle-1 bundle the platform wrote
(tests/data/README.md says how) is kept byte for byte and checked with today's verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pb.audit import bundle
from pb.audit.verify import KeptCheckpoint, VerificationFailed, verify_bundle
from tests.audit.helpers import head_of, log_entries, repack, unpack, write_log

V1 = Path(__file__).resolve().parent.parent / "data" / "audit" / "round-bundle-v1.zip"


def test_a_pb_bundle_1_bundle_still_verifies_with_its_key_and_checkpoints() -> None:
    data = V1.read_bytes()
    files = unpack(data)
    assert json.loads(files[bundle.MANIFEST])["format"] == bundle.LEGACY_FORMAT
    signed = json.loads(files[bundle.CHECKPOINTS])
    kept = [KeptCheckpoint(c["seq"], c["hash"], c["origin"]) for c in signed]
    report = verify_bundle(data, kept=kept, keys=[signed[0]["public_key"]])
    assert any("recounted" in fact for fact in report.facts)


def test_a_pb_bundle_1_with_its_tail_cut_verifies_with_a_note_but_not_against_kept() -> None:
    """pb-bundle-1 never promised a signed head: a cut is only seen by your own checkpoints."""
    files = unpack(V1.read_bytes())
    signed = json.loads(files[bundle.CHECKPOINTS])
    entries = log_entries(files)[:-1]
    write_log(files, entries)
    files[bundle.CHECKPOINTS] = bundle.dumps([c for c in signed if c["seq"] < len(entries)])
    cut = repack(files, log_head=head_of(entries))
    report = verify_bundle(cut)
    assert any("head (seq 29) is not signed" in note for note in report.notes)
    with pytest.raises(VerificationFailed, match=r"\(the log was truncated\)"):
        verify_bundle(cut, kept=[KeptCheckpoint(signed[-1]["seq"], signed[-1]["hash"])])
    files = unpack(cut)
    manifest = json.loads(files[bundle.MANIFEST])
    manifest.pop("files")
    files[bundle.RECEIPTS_CSV] = b"receipt\n"  # pb-bundle-2 lists receipts apart (issue 12)
    as_v2 = bundle.write_bundle(manifest, {k: v for k, v in files.items() if k != "manifest.json"})
    with pytest.raises(VerificationFailed, match="no signed checkpoint covers the head"):
        verify_bundle(as_v2)  # the same cut, claimed as pb-bundle-2, is refused
