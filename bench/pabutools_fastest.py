"""pabutools at its fastest, for the benchmarks that compare the engine with it.

Shared by bench/allocation.py and bench/scale.py, so both time pabutools the same way:

- the election is read once with pabutools' own reader into a multiprofile
  (`profile.as_multiprofile()`, identical ballots counted once), and reading is not timed;
- arithmetic is in floats (`pabutools.fractions.FRACTION = "float"`, set only while this module
  reads and runs, then restored: pabutools' own tests in the same process keep their fractions);
- each rule is pabutools' own function: `greedy_utilitarian_welfare`, `method_of_equal_shares`,
  `max_additive_utilitarian_welfare`, and for add1 `exhaustion_by_budget_increase` with
  `budget_step` = the number of voters (one unit per voter). That is exactly our
  `equalshares/add1-pabutools`. Our official `equalshares/add1` (start from whole units per
  voter, stop when every supported project is in or the next step overspends) has no pabutools
  switch; its closest pabutools equivalent is the same call, which is what is timed for it
  (`exhaustive_stop=False` would be closer in spirit but loops up to pabutools' budget bound once
  every supported project is in, so it is not used);
- processor time (`time.process_time`) with the garbage collector off, the fastest of repeats as
  for the engine; a run stops after `limit` seconds of processor time (a watchdog thread), reported
  as a timeout (seconds None).

pabutools is test/bench-only: nothing under pb/ imports this module.
"""

from __future__ import annotations

import _thread
import gc
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# the pabutools call timed for each engine rule (the name printed in the tables)
PABUTOOLS_RULE = {
    "greedy": "greedy_utilitarian_welfare",
    "equalshares": "method_of_equal_shares",
    "equalshares/add1": "exhaustion_by_budget_increase(budget_step=voters)",
    "equalshares/add1-pabutools": "exhaustion_by_budget_increase(budget_step=voters)",
    "max-welfare": "max_additive_utilitarian_welfare",
}


class Timeout(Exception):
    pass


@dataclass
class Election:
    """pabutools' instance and multiprofile of one file, and its number of voters."""

    instance: Any
    multiprofile: Any
    voters: int


@dataclass
class Result:
    """seconds: fastest processor seconds, None when a run passed the limit."""

    seconds: float | None
    selected: list[str] | None
    welfare: Any = None
    limit: float = 0.0

    def time_text(self) -> str:
        """Milliseconds, or "> N" (the limit, in ms) when pabutools was stopped."""
        return f"> {self.limit * 1000:.0f}" if self.seconds is None else _ms(self.seconds)

    def ratio_text(self, ours: float) -> str:
        """How many times slower pabutools is than `ours` seconds ("> N x" when stopped)."""
        if self.seconds is None:
            return f"> {self.limit / max(ours, 1e-9):.0f}x"
        return f"{self.seconds / max(ours, 1e-9):.0f}x"


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


@contextmanager
def float_fractions() -> Iterator[None]:
    import pabutools.fractions

    saved = pabutools.fractions.FRACTION
    pabutools.fractions.FRACTION = "float"
    try:
        yield
    finally:
        pabutools.fractions.FRACTION = saved


def load(path: Path) -> Election:
    """Read `path` with pabutools (float numbers) into a multiprofile; not timed."""
    from pabutools.election import parse_pabulib

    with float_fractions():
        instance, profile = parse_pabulib(str(path))
        return Election(instance, profile.as_multiprofile(), profile.num_ballots())


def _recorder() -> Any:
    """scripts/allocation_record_pabutools.py, for its satisfaction classes."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import allocation_record_pabutools
    finally:
        sys.path.pop(0)
    return allocation_record_pabutools


def rule_call(election: Election, rule: str, satisfaction: str | None) -> Callable[[], Any]:
    """A call running pabutools' equivalent of the engine's `rule` (made before timing)."""
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        max_additive_utilitarian_welfare,
        method_of_equal_shares,
    )

    # greedy ranks by satisfaction per cost: points and rankings are scaled by the cost
    scaled = rule == "greedy" and satisfaction not in ("cost", "cardinality")
    sat = _recorder()._satisfaction(satisfaction or "cost", scaled)
    instance, multi = election.instance, election.multiprofile
    if rule == "greedy":
        return lambda: greedy_utilitarian_welfare(instance, multi, sat_class=sat)
    if rule == "equalshares":
        return lambda: method_of_equal_shares(instance, multi, sat_class=sat)
    if rule in ("equalshares/add1", "equalshares/add1-pabutools"):
        return lambda: exhaustion_by_budget_increase(
            instance,
            multi,
            method_of_equal_shares,
            {"sat_class": sat},
            budget_step=election.voters,
        )
    if rule == "max-welfare":
        return lambda: max_additive_utilitarian_welfare(instance, multi, sat_class=sat)
    raise ValueError(f"pabutools has no equivalent of {rule!r} here")


def _over_limit(signum: int, frame: Any) -> None:
    raise Timeout


@contextmanager
def processor_limit(limit: float | None) -> Iterator[None]:
    """Raise Timeout in this (main) thread once the process has used `limit` more seconds of
    processor time. A watchdog thread polls `time.process_time` and runs SIGUSR1's handler in
    the main thread (ITIMER_PROF would be the natural tool, but on this sandbox the process
    clock read 0 for a while after one; SIGINT is ignored in background jobs)."""
    if limit is None:
        yield
        return
    deadline, stop = time.process_time() + limit, threading.Event()

    def watch() -> None:
        while not stop.wait(0.05):
            if time.process_time() > deadline:
                _thread.interrupt_main(signal.SIGUSR1)
                return

    previous = signal.signal(signal.SIGUSR1, _over_limit)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
        signal.signal(signal.SIGUSR1, previous)


def timed(call: Callable[[], Any], limit: float | None = None) -> tuple[float, Any]:
    """(processor seconds, result) of `call()`, garbage collector off; Timeout past `limit`
    seconds of processor time."""
    gc.collect()
    gc.disable()
    try:
        with processor_limit(limit):
            started = time.process_time()
            result = call()
            return time.process_time() - started, result
    finally:
        gc.enable()


def fastest(one_run: Callable[[], tuple[float, Any]], repeat: int) -> tuple[float, Any]:
    """(fastest seconds, last result) of `one_run`: a warm-up run, then up to `repeat` counted
    runs until they add up to a second. A first run of a second or more counts (a rule that
    slow needs no warming up, and a repeat would measure nothing new)."""
    best, result, spent = float("inf"), None, 0.0
    for attempt in range(repeat + 1):
        seconds, result = one_run()
        if attempt == 0 and seconds < 1.0:
            continue
        best, spent = min(best, seconds), spent + seconds
        if spent >= 1.0:
            break
    return best, result


def run(
    election: Election, rule: str, satisfaction: str | None, limit: float, repeat: int = 1
) -> Result:
    """pabutools' equivalent of `rule` at its fastest: fastest processor seconds and the
    selected project ids (and the welfare, for max-welfare), or a timeout past `limit`."""
    with float_fractions():
        call = rule_call(election, rule, satisfaction)
        try:
            seconds, chosen = fastest(lambda: timed(call, limit), repeat)
        except Timeout:
            return Result(None, None, limit=limit)
        welfare = _welfare(election, satisfaction, chosen) if rule == "max-welfare" else None
    return Result(seconds, sorted(p.name for p in chosen), welfare, limit)


def _welfare(election: Election, satisfaction: str | None, chosen: Any) -> Any:
    sat = _recorder()._satisfaction(satisfaction or "cost", False)
    sat_profile = election.multiprofile.as_sat_profile(sat)
    return sum(sat_profile.total_satisfaction_project(p) for p in chosen)
