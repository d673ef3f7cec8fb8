"""Exceptions raised by the allocation engine.

Every error the engine raises on bad input is an `AllocationError`, itself a `ValueError`, with a
message meant for a person: the web app shows it on a form and the CLI prints it instead of a
traceback.
"""

from __future__ import annotations


class AllocationError(ValueError):
    """Base class for every error the allocation engine raises on bad input."""


class UnknownRuleError(AllocationError):
    """The rule name is not in `RULES`."""


class UnsupportedVoteTypeError(AllocationError):
    """The rule cannot count this kind of ballot (e.g. Phragmén on ranked ballots)."""


class UnknownSatisfactionError(AllocationError):
    """The satisfaction measure is unknown, or not usable with this rule and ballot type."""


class UnknownTieBreakError(AllocationError):
    """The tie-breaking rule is unknown, or a lottery was asked for without a seed."""


class InvalidElectionError(AllocationError):
    """The election itself is malformed: duplicate project ids, a ballot naming an unknown
    project, a non-positive cost, a missing META value a rule needs..."""


class PabulibError(ValueError):
    """A file that cannot be read; `line` is the 1-based line number (None: the whole file)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.problem = message
        super().__init__(f"line {line}: {message}" if line is not None else message)
