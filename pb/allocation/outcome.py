"""What a tally returns: the selected projects in the order chosen, and a trace saying why.

The trace has exactly one step per project of the instance. A step is either a selection (with the
project's score, what it cost, what each supporter paid under Equal Shares, and the budget left)
or a rejection with a machine-readable `reason` (see `REASONS`) and the budget left at that point.

`Outcome.to_json()` uses JSON types only (exact fractions as "p/q" strings, never floats) and
`Outcome.from_json()` reads it back into an equal `Outcome`, so a stored result can be re-checked
years later by recomputing it and comparing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pb.allocation import numbers
from pb.allocation.numbers import Number

JSON_FORMAT = 1

REASONS: Mapping[str, str] = MappingProxyType(
    {
        # why a project was selected
        "selected": "Selected.",
        # why a project was not selected
        "does_not_fit": "Its cost was more than the budget left when its turn came.",
        "below_threshold": "Its score was below the minimum score the election requires.",
        "not_affordable_by_supporters": (
            "Its supporters' remaining equal shares of the budget could not pay for it."
        ),
        "stopped_no_skip": "Counting stopped at the first project that did not fit the budget.",
        "conflict": (
            "It cannot be built together with a project funded before it (a declared conflict)."
        ),
        "no_supporters": "Nobody voted for it (or it scored zero with every voter).",
        "not_optimal": (
            "A combination of other projects gave voters more total satisfaction within the budget."
        ),
        "lost_comparison": (
            "More voters preferred the plain greedy outcome, which did not include it."
        ),
    }
)
"""Reason codes used in trace steps, with a plain-language explanation of each."""

PHASES: Mapping[str, str] = MappingProxyType(
    {
        "greedy": "taken in order of score",
        "reserve": "the first project that did not fit, funded from the reserve",
        "equal-shares": "paid for from its supporters' equal shares",
        "phragmen": "its supporters' loads stayed lowest",
        "optimal": "part of the best combination within the budget",
        "completion": "added by the greedy completion, in order of votes",
        "comparison": "selected by greedy, which more voters preferred",
    }
)
"""How a selected project was chosen (the `phase` of a selected step)."""


@dataclass(frozen=True)
class Payments:
    """What a project's supporters paid under Equal Shares (or its Phragmén load)."""

    payers: int
    """Voters who paid something (ballot weights counted)."""
    total: Number
    """Sum of the payments, in the election's virtual money."""
    max_payment: Number
    """The largest single payment (what every supporter who could afford it paid, per unit of
    satisfaction, times their satisfaction)."""
    exhausted: int
    """Paying supporters whose full share was more than they had, so they paid all they had
    left (supporters who had nothing left are not counted as payers at all)."""
    supporters: int | None = None
    """Voters who chose the project (positive satisfaction, weights counted): the payers plus
    those who had nothing left. None in outcomes stored before it was recorded."""

    @property
    def broke(self) -> int | None:
        """Supporters who had spent their whole share before this project (paid nothing)."""
        return None if self.supporters is None else self.supporters - self.payers

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "payers": self.payers,
            "total": numbers.to_json(self.total),
            "max_payment": numbers.to_json(self.max_payment),
            "exhausted": self.exhausted,
        }
        if self.supporters is not None:
            data["supporters"] = self.supporters
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Payments:
        return cls(
            payers=int(data["payers"]),
            total=numbers.from_json(data["total"]),
            max_payment=numbers.from_json(data["max_payment"]),
            exhausted=int(data["exhausted"]),
            supporters=None if data.get("supporters") is None else int(data["supporters"]),
        )


@dataclass(frozen=True)
class TraceStep:
    """One decision about one project."""

    project: str
    selected: bool
    reason: str
    """"selected", or a code from `REASONS` saying why not."""
    score: Number
    """Votes (approval), points (cumulative) or positional score (ordinal) the project got."""
    cost: Number
    remaining_budget: Number
    """The real budget left after this step (selected) or when the decision was made."""
    phase: str | None = None
    """For selected projects, which stage chose it (a key of `PHASES`)."""
    price: Number | None = None
    """Equal Shares: the price per unit of satisfaction (rho); the per-voter payment is
    price x satisfaction. Phragmén: the load every supporter carries after the purchase."""
    payments: Payments | None = None
    available: Number | None = None
    """Equal Shares, for a project dropped as unaffordable: the money its supporters had left
    together at that point (less than its cost)."""

    @classmethod
    def trusted(
        cls,
        project: str,
        selected: bool,
        reason: str,
        score: Number,
        cost: Number,
        remaining_budget: Number,
        phase: str | None = None,
        price: Number | None = None,
        payments: Payments | None = None,
        available: Number | None = None,
    ) -> TraceStep:
        """The same step as `TraceStep(...)`, built without the frozen dataclass's per-field
        `__setattr__` calls: the engine writes one step per project of every tally."""
        step = object.__new__(cls)
        step.__dict__.update(
            project=project,
            selected=selected,
            reason=reason,
            score=score,
            cost=cost,
            remaining_budget=remaining_budget,
            phase=phase,
            price=price,
            payments=payments,
            available=available,
        )
        return step

    def explanation(self) -> str:
        """The reason in plain words."""
        if self.selected:
            return f"Selected: {PHASES.get(self.phase or '', 'selected')}."
        return REASONS.get(self.reason, self.reason)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "project": self.project,
            "selected": self.selected,
            "reason": self.reason,
            "score": numbers.to_json(self.score),
            "cost": numbers.to_json(self.cost),
            "remaining_budget": numbers.to_json(self.remaining_budget),
        }
        if self.phase is not None:
            data["phase"] = self.phase
        if self.price is not None:
            data["price"] = numbers.to_json(self.price)
        if self.payments is not None:
            data["payments"] = self.payments.to_json()
        if self.available is not None:
            data["available"] = numbers.to_json(self.available)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TraceStep:
        price = data.get("price")
        payments = data.get("payments")
        available = data.get("available")
        return cls(
            project=str(data["project"]),
            selected=bool(data["selected"]),
            reason=str(data["reason"]),
            score=numbers.from_json(data["score"]),
            cost=numbers.from_json(data["cost"]),
            remaining_budget=numbers.from_json(data["remaining_budget"]),
            phase=data.get("phase"),
            price=None if price is None else numbers.from_json(price),
            payments=None if payments is None else Payments.from_json(payments),
            available=None if available is None else numbers.from_json(available),
        )


def _details_to_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _details_to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_details_to_json(item) for item in value]
    if isinstance(value, bool | str) or value is None:
        return value
    return numbers.to_json(value)


@dataclass(frozen=True)
class Outcome:
    """The result of `allocate`: what was selected, in which order, and why.

    `details` holds rule-specific facts as JSON-ready values (exact numbers already encoded
    as "p/q" strings), e.g. the per-voter budget at which the add1 completion stopped.
    """

    rule: str
    satisfaction: str | None
    tie_break: str
    seed: int | str | None
    budget: Number
    selected: tuple[str, ...]
    total_cost: Number
    scores: Mapping[str, Number] = field(hash=False)
    trace: tuple[TraceStep, ...]
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "selected", tuple(self.selected))
        object.__setattr__(self, "trace", tuple(self.trace))
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))
        object.__setattr__(self, "details", MappingProxyType(_details_to_json(dict(self.details))))

    @property
    def remaining_budget(self) -> Number:
        return numbers.normalize(self.budget - self.total_cost)

    def step(self, project_id: str) -> TraceStep:
        """The trace step about one project."""
        for step in self.trace:
            if step.project == project_id:
                return step
        raise KeyError(project_id)

    def to_json(self) -> dict[str, Any]:
        """A dict of JSON types only; `Outcome.from_json(o.to_json()) == o`."""
        return {
            "format": JSON_FORMAT,
            "rule": self.rule,
            "satisfaction": self.satisfaction,
            "tie_break": self.tie_break,
            "seed": self.seed,
            "budget": numbers.to_json(self.budget),
            "selected": list(self.selected),
            "total_cost": numbers.to_json(self.total_cost),
            "scores": {pid: numbers.to_json(score) for pid, score in self.scores.items()},
            "trace": [step.to_json() for step in self.trace],
            "details": dict(self.details),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        """Read back what `to_json` wrote; raises `ValueError` on anything else."""
        if data.get("format") != JSON_FORMAT:
            raise ValueError(f"unsupported outcome format {data.get('format')!r}")
        seed = data.get("seed")
        if seed is not None and not isinstance(seed, int | str):
            raise ValueError(f"bad seed {seed!r}")
        return cls(
            rule=str(data["rule"]),
            satisfaction=data.get("satisfaction"),
            tie_break=str(data["tie_break"]),
            seed=seed,
            budget=numbers.from_json(data["budget"]),
            selected=tuple(str(pid) for pid in data["selected"]),
            total_cost=numbers.from_json(data["total_cost"]),
            scores={str(pid): numbers.from_json(v) for pid, v in data["scores"].items()},
            trace=tuple(TraceStep.from_json(step) for step in data["trace"]),
            details=dict(data.get("details", {})),
        )
