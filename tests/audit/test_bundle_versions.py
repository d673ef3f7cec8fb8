"""Bundles already published keep verifying: pb-bundle-1 (receipt next to each ballot) as well as
pb-bundle-2 (ballots and receipts in two separate lists, issue 12)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from pb.audit import bundle
from pb.audit.verify import VerificationFailed, verify_bundle
from tests.audit.helpers import repack, unpack

V1 = Path(__file__).resolve().parent.parent / "data" / "bundle-v1.zip"


def test_a_bundle_exported_before_the_change_still_verifies() -> None:
    data = V1.read_bytes()
    assert json.loads(unpack(data)[bundle.MANIFEST])["format"] == "pb-bundle-1"
    report = verify_bundle(data)
    assert any("each receipt matches its ballot" in fact for fact in report.facts)
    assert any(fact.startswith("results.json: recounted") for fact in report.facts)


def test_a_tampered_v1_bundle_is_still_caught() -> None:
    files = unpack(V1.read_bytes())
    lines = files[bundle.BALLOTS_CSV].decode().splitlines()
    lines[1] = lines[1].replace('"[[1,1],[2,1]]"', '"[[1,1]]"')  # a choice taken off
    assert lines[1].endswith('"[[1,1]]"')
    files[bundle.BALLOTS_CSV] = ("\n".join(lines) + "\n").encode()
    manifest = json.loads(files[bundle.MANIFEST])
    with pytest.raises(VerificationFailed, match=r"ballots\.csv line 2: receipt .* does not match"):
        verify_bundle(_repack_as(files, manifest["format"]))


def test_a_v2_bundle_without_its_receipts_is_refused() -> None:
    files = unpack(V1.read_bytes())
    with pytest.raises(VerificationFailed, match=r"does not list receipts\.csv"):
        verify_bundle(_repack_as(files, "pb-bundle-2"))  # relabelled, but no receipts.csv


def _repack_as(files: dict[str, bytes], format_: str) -> bytes:
    """Re-zip keeping the old format name (what a tamperer of an old bundle would do)."""
    data = repack(files)
    edited = unpack(data)
    manifest = json.loads(edited[bundle.MANIFEST])
    manifest["format"] = format_
    edited[bundle.MANIFEST] = bundle.dumps(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(edited):
            archive.writestr(name, edited[name])
    return buffer.getvalue()
