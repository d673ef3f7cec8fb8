"""One test per numbered rule of docs/verification.md ("What `pb verify` checks, in order"):
the rule numbers are read from the document, and each must have at least one tampering here
that `pb verify` refuses with that rule's message. A rule added to the document without a
test, or a test for a rule the document dropped, fails: the two cannot drift apart."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pb.audit import bundle
from pb.audit.verify import KeptCheckpoint, VerificationFailed, verify_bundle
from tests.audit.helpers import head_of, log_entries, repack, unpack, write_log

DOC = Path(__file__).resolve().parents[2] / "docs" / "verification.md"
V1 = Path(__file__).resolve().parent.parent / "data" / "audit" / "round-bundle-v1.zip"
Files = dict[str, bytes]


def documented_rules() -> list[int]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## What `pb verify` checks, in order", 1)[1].split("\n## ", 1)[0]
    return [int(number) for number in re.findall(r"^(\d+)\. \*\*", section, re.M)]


def _text(files: Files, name: str, edit: Callable[[str], str]) -> bytes:
    files[name] = edit(files[name].decode()).encode()
    return repack(files)


def bad_format(files: Files) -> bytes:
    manifest = json.loads(files.pop(bundle.MANIFEST))
    manifest.pop("files")
    return bundle.write_bundle(manifest, files, "pb-bundle-9")


def spaced_log_line(files: Files) -> bytes:
    return _text(files, bundle.LOG, lambda text: text.replace('{"', '{ "', 1))


def crlf_log(files: Files) -> bytes:
    return _text(files, bundle.LOG, lambda text: text.replace("\n", "\r\n"))


def extra_checkpoint_field(files: Files) -> bytes:
    signed = json.loads(files[bundle.CHECKPOINTS])
    signed[0]["key_id"] = "platform"
    files[bundle.CHECKPOINTS] = bundle.dumps(signed)
    return repack(files)


def cut_unsigned_tail(files: Files) -> bytes:
    entries = log_entries(files)[:-1]
    write_log(files, entries)
    signed = [c for c in json.loads(files[bundle.CHECKPOINTS]) if c["seq"] < len(entries)]
    files[bundle.CHECKPOINTS] = bundle.dumps(signed)
    return repack(files, log_head=head_of(entries))


def indented_config(files: Files) -> bytes:
    files[bundle.CONFIG] = json.dumps(json.loads(files[bundle.CONFIG]), indent=1).encode()
    return repack(files)


def crlf_csv(files: Files) -> bytes:
    return _text(files, bundle.BALLOTS_CSV, lambda text: text.replace("\n", "\r\n"))


def other_meta_rule(files: Files) -> bytes:
    return _text(
        files, bundle.BALLOTS_PB, lambda text: re.sub(r"\nrule;[^\n]+", "\nrule;phragmen", text)
    )


def renamed_project(files: Files) -> bytes:
    config = json.loads(files[bundle.CONFIG])
    title = config["projects"][0]["title"]
    return _text(files, bundle.BALLOTS_PB, lambda text: text.replace(f";{title};", ";Renamed;", 1))


def other_counts(files: Files) -> bytes:
    manifest = json.loads(files[bundle.MANIFEST])
    return repack(
        files, counts=dict(manifest["counts"], eligible=manifest["counts"]["eligible"] + 1)
    )


def other_selection(files: Files) -> bytes:
    results = json.loads(files[bundle.RESULTS])
    results["outcome"]["selected"] = results["outcome"]["selected"][:-1]
    files[bundle.RESULTS] = bundle.dumps(results)
    return repack(files)


def no_checkpoints_v1(_files: Files) -> bytes:
    """pb-bundle-1 (no signed head required): the checkpoints removed altogether."""
    files = unpack(V1.read_bytes())
    files[bundle.CHECKPOINTS] = bundle.dumps([])
    return repack(files)


# rule number -> [(tampering, kept checkpoints?, the message pb verify must give)]
CASES: dict[int, list[tuple[Callable[[Files], bytes], bool, str]]] = {
    1: [(bad_format, False, r"^manifest\.json: format 'pb-bundle-9', expected one of")],
    2: [
        (spaced_log_line, False, r"^log\.jsonl line 1: not canonical JSON"),
        (crlf_log, False, r"^log\.jsonl: every line must end with LF"),
    ],
    3: [(extra_checkpoint_field, False, r"^checkpoints\.json #1: .*fields no signature covers")],
    4: [(cut_unsigned_tail, False, r"^checkpoints\.json: no signed checkpoint covers the head")],
    5: [(lambda files: repack(files), True, r"^your checkpoint \d+:0{64}: the log's entry")],
    6: [(indented_config, False, r"^config\.json: not the canonical JSON")],
    7: [
        (crlf_csv, False, r"^ballots\.csv: lines must end with LF"),
        (other_meta_rule, False, r"^ballots\.pb: META rule 'phragmen' is not the rule"),
        (renamed_project, False, r"^ballots\.pb: project \d+ is named 'Renamed'"),
    ],
    8: [(other_counts, False, r"^manifest\.json: counts differ from entry \d+")],
    9: [(other_selection, False, r"^results\.json: the published selection")],
    10: [(no_checkpoints_v1, False, r"^checkpoints\.json: no signed checkpoint covers entry \d+")],
}


def test_every_documented_rule_has_a_test_and_no_other() -> None:
    assert documented_rules() == list(range(1, len(CASES) + 1))
    assert sorted(CASES) == documented_rules()


@pytest.mark.parametrize(
    ("rule", "case"), [(rule, index) for rule in CASES for index in range(len(CASES[rule]))]
)
def test_each_rule_refuses_what_it_forbids(published: dict[str, Any], rule: int, case: int) -> None:
    tamper, with_kept, message = CASES[rule][case]
    files = unpack(published["data"])
    first = json.loads(files[bundle.CHECKPOINTS])[0]
    kept = [KeptCheckpoint(first["seq"], "0" * 64)] if with_kept else []
    tampered = tamper(files)
    verify_bundle(published["data"], kept=published["kept"])  # the untouched bundle passes
    with pytest.raises(VerificationFailed, match=message):
        verify_bundle(tampered, kept=kept)
