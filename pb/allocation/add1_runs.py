"""The runs the add1 search keeps, to reuse a run asked for again and to guide new ones.

A run *forced* to make selections F first and then run as MES (`equal_shares_float.run` with
`force`) is the same run, at the same budget, as any run that made F first while forcing at
most a prefix of F: after its forced steps it ran as MES, which is what made the rest of F, and
from F on both run as MES from the same state. So one kept run can stand for many asked for.

A run can guide another (`equal_shares_float._guided`, `_inherit`) when its budget is at least
the other's and, for as long as the other repeats its selections: every voter then has at most
what they had in the guide's run, so the guide's lower bounds of the prices hold. A forced run
repeats its guide through its forced steps too, when the guide made the same selections there.
"""

from __future__ import annotations

from dataclasses import dataclass

from pb.allocation.equal_shares import Run
from pb.allocation.numbers import Number


@dataclass(frozen=True)
class Kept:
    run: Run
    forced: int
    """How many of the run's first selections were forced (0 for MES)."""
    family: bool
    """Whether its reach is that of the runs forced to make its first `forced` selections
    (not so for a run that stands for one forced less: see `Runs.add`)."""


FIRST_SHARE = 8
"""The search's first probe reaches about this share of the starting units per voter."""


def first_jump(units_per_voter: int) -> int:
    """The units of the search's first probe: 2 + 4 + ... + 2^(k-1), where the doubling from
    2 lands after k-1 successes, with 2^k at most a `FIRST_SHARE`th of the starting units per
    voter (at least 2). The first probes are unguided (no run above them yet): on the files
    measured the loop ends 0.03 to 4.4 times those units above the start, mostly past a
    sixteenth of them, so the doubling's first probes (a million voters: 426 to 488 pricings
    each) mostly lead to this one, which lands where they would have. (Where it fails, the
    search halves it, guided by it, as after any failed probe.)"""
    return max(2, 2 ** (units_per_voter // FIRST_SHARE).bit_length() - 2)


class Runs:
    """Runs at or above the search's current budget (lower ones can neither be asked for again
    nor guide a run the search still needs: `forget_below`)."""

    def __init__(self) -> None:
        self._kept: list[Kept] = []

    def add(self, run: Run, forced: int = 0, *, family: bool = True) -> None:
        """Keep `run`, forced to make its first `forced` selections. With `family` False it
        was forced to make one more, which its run forced to make `forced` made too (so it is
        that run, whose reach it does not have)."""
        self._kept.append(Kept(run, forced, family))

    def made(self, budget: Number, force: list[str]) -> Run | None:
        """A whole run (not `cut`) at `budget` that is the run forced to make `force` first."""
        for kept in self._kept:
            run = kept.run
            if run.budget == budget and not run.cut and _made(run, force, kept.forced):
                return run
        return None

    def proven(self, budget: Number, force: list[str], low: Number) -> Run | None:
        """A whole run at `budget` forced to make exactly `force`, whose reach holds down to
        `low` (a run forced further or less covers other runs in between: its reach does not
        serve)."""
        for kept in self._kept:
            run = kept.run
            if run.budget != budget or run.cut or kept.forced != len(force) or run.reach is None:
                continue
            if not kept.family:
                continue
            if run.reach_from is not None and run.reach_from <= low and _made(run, force, 0):
                return run
        return None

    def paused(self, budget: Number, force: list[str]) -> Run | None:
        """A run at `budget` cut with its state kept (`Run.paused`) whose selections `force`
        starts with, the most of them: a run forced to make `force` can resume from it."""
        best = None
        for kept in self._kept:
            run = kept.run
            if run.budget != budget or run.paused is None or not _starts(force, run.selected):
                continue
            if best is None or len(run.selections) > len(best.selections):
                best = run
        return best

    def guide(self, budget: Number, force: list[str]) -> Run | None:
        """The run that can guide a run at `budget` forced to make `force` furthest: at
        `budget` or above, the most of `force` made first with its floors known after them,
        then the nearest. One that made `force` and more settles steps after it; one that made
        a part of it still lends its floors there, which hold for the rest of the run."""
        best, most = None, (-1, 0)
        for kept in self._kept:
            run = kept.run
            if run.budget < budget:
                continue
            made = min(_common(run.selected, force), len(run.floors) - 1)
            if made >= 0 and (made, -run.budget) > most:
                best, most = run, (made, -run.budget)
        return best

    def furthest(self, budget: Number, first: list[str]) -> Run | None:
        """The run at `budget` that made `first` first and knows the most floors after them:
        where `first` are MES's selections at `budget`, it repeats MES the furthest known."""
        best = None
        for kept in self._kept:
            run = kept.run
            if run.budget != budget or not _starts(run.selected, first):
                continue
            if best is None or len(run.floors) > len(best.floors):
                best = run
        return best

    def replace(self, run: Run, whole: Run) -> None:
        """Keep `whole` in place of `run`, the same run made whole."""
        self._kept = [
            Kept(whole, kept.forced, kept.family) if kept.run is run else kept
            for kept in self._kept
        ]

    def forced(self, run: Run) -> int | None:
        """How many of `run`'s first selections were forced, if it is kept."""
        return next((kept.forced for kept in self._kept if kept.run is run), None)

    def forget(self, run: Run) -> None:
        """Let `run` go (a run computed again against a longer lower end)."""
        self._kept = [kept for kept in self._kept if kept.run is not run]

    def forget_below(self, budget: Number) -> None:
        self._kept = [kept for kept in self._kept if kept.run.budget >= budget]


def _made(run: Run, force: list[str], most: int) -> bool:
    """True if `run` made `force` first, having forced at most `most` of those selections."""
    return len(force) >= most and _starts(run.selected, force)


def _starts(made: list[str], first: list[str]) -> bool:
    """True if `made` starts with `first`."""
    return made[: len(first)] == first


def _common(made: list[str], force: list[str]) -> int:
    """How many of `force` `made` starts with."""
    common = 0
    for ours, theirs in zip(made, force, strict=False):
        if ours != theirs:
            break
        common += 1
    return common
