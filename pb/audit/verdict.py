"""What the offline verifier reports: a failure naming the first bad thing, or a report."""

from __future__ import annotations

from dataclasses import dataclass, field


class VerificationFailed(Exception):
    """The bundle does not verify; the message names the first bad file, line or entry."""


@dataclass
class Report:
    """What was checked, for the auditor to read (and notes on what could not be)."""

    facts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
