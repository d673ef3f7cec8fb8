"""The verifier is strict: what docs/verification.md forbids, `pb verify` refuses.

Pure (standard library, `pb.allocation`'s pabulib reader, the pure parts of `pb.audit`). A
bundle the platform wrote always passes these checks; a bundle that fails them was written or
edited by something else, and an auditor's own verifier, written from the document, could read
it differently from ours. Lenient parsing would let two honest verifiers disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pb.allocation.pabulib import PabulibError, parse_string
from pb.audit.bundle import BALLOTS_CSV, BALLOTS_PB, CONFIG, LOG, PAPER_CSV, Bundle
from pb.audit.chain import canonical_json
from pb.audit.verdict import VerificationFailed


def check_canonical_line(line: str, entry: Any, number: int) -> None:
    """A log line is the canonical JSON of its entry, byte for byte (no spaces, sorted keys)."""
    try:
        canonical = canonical_json(entry)
    except TypeError as error:
        raise VerificationFailed(f"{LOG} line {number}: not canonical JSON ({error})") from None
    if canonical != line:
        raise VerificationFailed(
            f"{LOG} line {number}: not canonical JSON (sorted keys, no whitespace, characters "
            "written as themselves)"
        )


def check_log_text(text: str) -> None:
    """log.jsonl: one entry per line, every line (the last too) ended by LF alone."""
    if "\r" in text or not text.endswith("\n"):
        raise VerificationFailed(f"{LOG}: every line must end with LF (\\n), the last one too")


def check_line_ends(bundle: Bundle) -> None:
    """ballots.csv (and paper.csv) end their lines with LF alone."""
    for name in (BALLOTS_CSV, PAPER_CSV):
        if name in bundle.files and "\r" in bundle.text(name):
            raise VerificationFailed(f"{name}: lines must end with LF (\\n), not CRLF")


def pabulib_name(text: str) -> str:
    """A project title as the bundle's pabulib file writes it: commas become spaces, every
    run of whitespace one space (pabulib cells are single-line and comma-free)."""
    return " ".join(text.replace(",", " ").split())


def check_pabulib_meta(bundle: Bundle, config: Mapping[str, Any]) -> None:
    """ballots.pb names the configuration's rule in META and its project titles as names:
    `pb tally ballots.pb` reads the rule from there, so it must be the round's."""
    try:
        instance = parse_string(bundle.text(BALLOTS_PB)).instance
    except PabulibError as error:
        raise VerificationFailed(f"{BALLOTS_PB}: {error}") from None
    if instance.meta.get("rule") != config["rule"]:
        raise VerificationFailed(
            f"{BALLOTS_PB}: META rule {instance.meta.get('rule')!r} is not the rule "
            f"{config['rule']!r} of {CONFIG}"
        )
    names = {project.id: project.name for project in instance.projects}
    for project in config["projects"]:
        if names.get(str(project["id"])) != pabulib_name(project["title"]):
            raise VerificationFailed(
                f"{BALLOTS_PB}: project {project['id']} is named "
                f"{names.get(str(project['id']))!r}, not its title in {CONFIG}"
            )
