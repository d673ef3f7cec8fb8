"""The allocation engine: participatory budgeting rules, exact and explained.

Pure on purpose: this package imports only the standard library, plus two accelerators when
they are installed, each with a pure-Python fallback that gives the same results (gmpy2 for exact
fractions; NumPy for counting votes and for the floating-point Equal Shares budgets). Which ones
a computation uses is the caller's explicit choice (`accelerators=` of `allocate`, see
`pb.allocation.accelerators`); the engine never reads the environment. It never imports Flask,
SQLAlchemy or another `pb` package, so an auditor can recompute a published result offline with
`pb tally FILE.pb`.

Entry point: `allocate(instance, profile, rule, satisfaction=..., tie_break=..., seed=...)`.
Registries for user interfaces: `RULES`, `SATISFACTIONS`, `TIE_BREAKS`.
The pabulib file format lives in `pb.allocation.pabulib`.
"""

from __future__ import annotations

from pb.allocation.errors import (
    AllocationError,
    InvalidElectionError,
    UnknownRuleError,
    UnknownSatisfactionError,
    UnknownTieBreakError,
    UnsupportedVoteTypeError,
)
from pb.allocation.numbers import Number
from pb.allocation.outcome import PHASES, REASONS, Outcome, Payments, TraceStep
from pb.allocation.rules import RULES, RuleSpec, allocate
from pb.allocation.satisfaction import SATISFACTIONS, SatisfactionSpec
from pb.allocation.tiebreak import TIE_BREAKS, TieBreakSpec
from pb.allocation.types import (
    VOTE_TYPES,
    ApprovalBallot,
    Ballot,
    CumulativeBallot,
    Instance,
    OrdinalBallot,
    PairwiseBallot,
    Profile,
    Project,
)

__all__ = [
    "PHASES",
    "REASONS",
    "RULES",
    "SATISFACTIONS",
    "TIE_BREAKS",
    "VOTE_TYPES",
    "AllocationError",
    "ApprovalBallot",
    "Ballot",
    "CumulativeBallot",
    "Instance",
    "InvalidElectionError",
    "Number",
    "OrdinalBallot",
    "Outcome",
    "PairwiseBallot",
    "Payments",
    "Profile",
    "Project",
    "RuleSpec",
    "SatisfactionSpec",
    "TieBreakSpec",
    "TraceStep",
    "UnknownRuleError",
    "UnknownSatisfactionError",
    "UnknownTieBreakError",
    "UnsupportedVoteTypeError",
    "allocate",
]
