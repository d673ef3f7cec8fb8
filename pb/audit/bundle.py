"""The export bundle of a round: one ZIP archive, its file names and its manifest.

Pure (standard library only): the web export writes bundles with `write_bundle`, the offline
verifier reads them with `read_bundle`. docs/verification.md describes every file.

The archive is deterministic: the same data always gives the same bytes (entries in name order,
fixed timestamps), so two auditors who download the same round can compare one SHA-256.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# pb-bundle-2: the log ends at a signed checkpoint and, from a pb-audit-3 chain, shows only the
# round's own entries (every other entry redacted to its link). pb-bundle-1 bundles, exported
# before, still verify (docs/verification.md says what each format promises).
FORMAT = "pb-bundle-2"
LEGACY_FORMAT = "pb-bundle-1"
FORMATS = (LEGACY_FORMAT, FORMAT)
MANIFEST = "manifest.json"
CONFIG = "config.json"
BALLOTS_PB = "ballots.pb"
BALLOTS_CSV = "ballots.csv"
RESULTS = "results.json"
LOG = "log.jsonl"
CHECKPOINTS = "checkpoints.json"
PAIRWISE_CSV = "pairwise.csv"  # instead of ballots.pb in a pairwise round (pb.audit.pairwise)
# Every version of an amended configuration (pb.audit.amendments); absent when never amended.
CONFIG_VERSIONS = "config_versions.json"
CONTENT_FILES = (CONFIG, BALLOTS_PB, BALLOTS_CSV, RESULTS, LOG, CHECKPOINTS)
BALLOT_COLUMNS = ("receipt", "ballot_id", "config_hash", "choices")  # pb-bundle-1
RECEIPTS_CSV = "receipts.csv"  # pb-bundle-2
SEPARATE_BALLOT_COLUMNS = ("ballot_id", "config_hash", "choices")  # pb-bundle-2
RECEIPT_COLUMNS = ("receipt",)  # pb-bundle-2
# pb-bundle-2, a round with paper ballots: they are listed apart from the ballots cast online
# (same columns as ballots.csv; no receipts: keyed after the close), ballots.pb holds both.
PAPER_CSV = "paper.csv"
RESULTS_FORMAT = "pb-results-1"
# Refuse archives that would unpack to more than this (a "zip bomb" handed to an auditor).
MAX_UNPACKED_BYTES = 4 * 1024**3
_EPOCH = (1980, 1, 1, 0, 0, 0)


class BundleError(ValueError):
    """A bundle that cannot be read; the message names the file at fault."""


@dataclass(frozen=True)
class Bundle:
    manifest: Mapping[str, Any]
    files: Mapping[str, bytes]

    @property
    def format(self) -> str:
        return str(self.manifest.get("format"))

    def text(self, name: str) -> str:
        try:
            return self.files[name].decode("utf-8")
        except UnicodeDecodeError:
            raise BundleError(f"{name}: not UTF-8 text") from None

    def json(self, name: str) -> Any:
        try:
            return json.loads(self.text(name))
        except json.JSONDecodeError as error:
            raise BundleError(f"{name}: not valid JSON ({error})") from None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps(value: Any) -> bytes:
    """Readable, stable JSON for the bundle's JSON files (sorted keys, two-space indent)."""
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


def write_bundle(
    manifest: Mapping[str, Any], files: Mapping[str, bytes], bundle_format: str = FORMAT
) -> bytes:
    """The archive: `files` plus a manifest listing the SHA-256 of each (and the format)."""
    full_manifest = dict(manifest) | {
        "format": bundle_format,
        "files": {name: sha256_bytes(data) for name, data in sorted(files.items())},
    }
    everything = dict(files) | {MANIFEST: dumps(full_manifest)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(everything):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, everything[name])
    return buffer.getvalue()


def read_bundle(source: bytes | str | Path) -> Bundle:
    """Unpack an archive and check its manifest: format, every file present, every hash right.

    Raises `BundleError` naming the first file that is missing, unexpected or altered.
    """
    try:
        handle = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    except OSError as error:
        raise BundleError(f"cannot read {source}: {error.strerror}") from None
    with handle:
        try:
            with zipfile.ZipFile(handle) as archive:
                files = _unpack(archive)
        except (zipfile.BadZipFile, EOFError) as error:
            raise BundleError(f"not a readable ZIP archive ({error})") from None
    if MANIFEST not in files:
        raise BundleError(f"{MANIFEST}: missing from the archive")
    bundle = Bundle(manifest={}, files=files)
    manifest = bundle.json(MANIFEST)
    if not isinstance(manifest, dict):
        raise BundleError(f"{MANIFEST}: not a JSON object")
    if manifest.get("format") not in FORMATS:
        raise BundleError(
            f"{MANIFEST}: format {manifest.get('format')!r}, expected one of {', '.join(FORMATS)}"
        )
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        raise BundleError(f"{MANIFEST}: no 'files' object")
    for name in required_files(listed) + separate_files(manifest["format"]):
        if name not in listed:
            raise BundleError(f"{MANIFEST}: does not list {name}")
    for name in sorted(set(files) - {MANIFEST}):
        if name not in listed:
            raise BundleError(f"{name}: in the archive but not in the manifest")
    for name, expected in sorted(listed.items()):
        if name not in files:
            raise BundleError(f"{name}: listed in the manifest but missing from the archive")
        if sha256_bytes(files[name]) != expected:
            raise BundleError(f"{name}: its SHA-256 does not match the manifest (file altered)")
    return Bundle(manifest=manifest, files=files)


def required_files(listed: Mapping[str, Any]) -> tuple[str, ...]:
    """The files a bundle must hold. A pairwise round's bundle has pairwise.csv instead of
    ballots.pb: pabulib has no pairwise type (pb.audit.pairwise)."""
    if PAIRWISE_CSV in listed:
        return tuple(name for name in CONTENT_FILES if name != BALLOTS_PB)
    return CONTENT_FILES


def separate_files(format_: str) -> tuple[str, ...]:
    """pb-bundle-2 lists the receipts apart from the ballots (issue 12)."""
    return (RECEIPTS_CSV,) if format_ != LEGACY_FORMAT else ()


def content_files(format_: str) -> tuple[str, ...]:
    """The files a (non-pairwise) bundle of `format_` must hold, besides the manifest."""
    return CONTENT_FILES + separate_files(format_)


def _unpack(archive: zipfile.ZipFile) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.filename in files:
            raise BundleError(f"{info.filename}: appears twice in the archive")
        total += info.file_size
        if total > MAX_UNPACKED_BYTES:
            raise BundleError("the archive unpacks to more than 4 GiB")
        files[info.filename] = archive.read(info)
    return files
