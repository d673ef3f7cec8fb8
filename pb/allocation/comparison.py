"""Count one election with several rules and measure each outcome, side by side.

`compare` runs in the calling process. `compare_within` gives each rule a time budget: the rules
run one after another in a forked child process, and a rule that runs out of its budget (exact
maximum welfare on a hostile file) has its child killed and is reported as `over_budget`; the
remaining rules go on in a new child. The caller (a web worker) only waits on a pipe.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pb.allocation import numbers
from pb.allocation.analysis import measure
from pb.allocation.ejr import EjrContext
from pb.allocation.errors import AllocationError
from pb.allocation.outcome import Outcome
from pb.allocation.rules import RULES, allocate
from pb.allocation.types import Instance, Profile
from pb.allocation.voters import VoterView

OK, OVER_BUDGET, NOT_APPLICABLE, FAILED = "ok", "over_budget", "not_applicable", "failed"


@dataclass(frozen=True)
class RuleComparison:
    """One rule's outcome and its measures (`Measures.to_json()`), or why there is none."""

    rule: str
    status: str
    outcome: Outcome | None = None
    measures: dict[str, Any] | None = None
    message: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "status": self.status}
        if self.outcome is not None:
            data["selected"] = list(self.outcome.selected)
            data["total_cost"] = numbers.to_json(self.outcome.total_cost)
            data["remaining_budget"] = numbers.to_json(self.outcome.remaining_budget)
            data["satisfaction"] = self.outcome.satisfaction
        else:
            data["selected"], data["total_cost"] = [], None
        data["measures"] = self.measures
        data["message"] = self.message
        data["seconds"] = round(self.seconds, 3)
        return data


def applicable_rules(instance: Instance, profile: Profile) -> list[str]:
    """Registered rules that can count this election (vote type, required META present)."""
    return [
        name
        for name, spec in RULES.items()
        if profile.vote_type in spec.vote_types
        and all(instance.meta.get(key) for key in spec.required_meta)
    ]


def compare_one(
    instance: Instance,
    profile: Profile,
    rule: str,
    *,
    tie_break: str = "lexicographic",
    seed: int | str | None = None,
    context: EjrContext | None = None,
) -> RuleComparison:
    """Count with one rule and measure the outcome; a rule that cannot count this election is
    reported as not applicable, never raised."""
    started = time.perf_counter()
    if rule not in applicable_rules(instance, profile):
        spec = RULES.get(rule)
        why = "unknown rule" if spec is None else "this rule cannot count this election"
        return RuleComparison(rule, NOT_APPLICABLE, message=why)
    try:
        outcome = allocate(instance, profile, rule, tie_break=tie_break, seed=seed)
    except AllocationError as error:
        return RuleComparison(rule, FAILED, message=str(error))
    measures = measure(instance, profile, outcome, context=context).to_json()
    return RuleComparison(rule, OK, outcome, measures, seconds=time.perf_counter() - started)


def _context(instance: Instance, profile: Profile) -> EjrContext:
    return EjrContext(VoterView(instance, profile))


def compare(
    instance: Instance,
    profile: Profile,
    rules: Iterable[str] | None = None,
    *,
    tie_break: str = "lexicographic",
    seed: int | str | None = None,
) -> list[RuleComparison]:
    """Every rule of `rules` (default: every applicable registered rule), in order."""
    chosen = list(rules) if rules is not None else applicable_rules(instance, profile)
    context = _context(instance, profile)
    return [
        compare_one(instance, profile, rule, tie_break=tie_break, seed=seed, context=context)
        for rule in chosen
    ]


def _worker(
    connection: Any, instance: Instance, profile: Profile, rules: Sequence[str], options: dict
) -> None:
    context = _context(instance, profile)
    for rule in rules:
        result = compare_one(instance, profile, rule, context=context, **options)
        outcome = result.outcome.to_json() if result.outcome else None
        connection.send((result.status, outcome, result.measures, result.message, result.seconds))
    connection.close()


def compare_within(
    instance: Instance,
    profile: Profile,
    rules: Iterable[str] | None = None,
    *,
    seconds_per_rule: float = 10.0,
    total_seconds: float | None = None,
    tie_break: str = "lexicographic",
    seed: int | str | None = None,
) -> list[RuleComparison]:
    """Like `compare`, each rule within `seconds_per_rule` of wall time, in forked child
    processes; a rule over budget is reported as `over_budget`. With `total_seconds`, the
    rules still waiting when that much time has passed are reported `over_budget` unrun (a web
    worker must answer before its own timeout)."""
    options = {"tie_break": tie_break, "seed": seed}
    deadline = None if total_seconds is None else time.monotonic() + total_seconds
    pending = list(rules) if rules is not None else applicable_rules(instance, profile)
    results: list[RuleComparison] = []
    # Imported here: `pb verify` imports the CLI, and with it this module, and must pull in
    # nothing it does not use (tests/audit/test_purity.py).
    import multiprocessing

    context = multiprocessing.get_context("fork")
    while pending:
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=_worker, args=(sender, instance, profile, pending, options), daemon=True
        )
        child.start()
        sender.close()
        try:
            while pending:
                rule = pending[0]
                wait = seconds_per_rule
                if deadline is not None:
                    wait = max(0.0, min(wait, deadline - time.monotonic()))
                if not receiver.poll(wait):
                    results.append(RuleComparison(rule, OVER_BUDGET, seconds=seconds_per_rule))
                    pending.pop(0)
                    break
                try:
                    status, outcome, measures, message, seconds = receiver.recv()
                except EOFError:  # the child died (out of memory...)
                    results.append(RuleComparison(rule, FAILED, message="the count stopped"))
                    pending.pop(0)
                    break
                loaded = Outcome.from_json(outcome) if outcome else None
                results.append(RuleComparison(rule, status, loaded, measures, message, seconds))
                pending.pop(0)
        finally:
            child.kill()
            child.join()
            receiver.close()
        if deadline is not None and time.monotonic() >= deadline:
            results += [RuleComparison(rule, OVER_BUDGET) for rule in pending]
            break
    return results
