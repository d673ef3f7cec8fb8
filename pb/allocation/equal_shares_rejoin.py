"""When a float MES run that parted from its guide may follow it again.

A run guided by a run at a higher budget (`equal_shares_float.run`'s `guide`) follows it while
it makes the same selections: every voter then holds at most what they held in the guide's run,
so the guide's price bounds hold here too (`_inherit`, `_guided`). When the two select in
another order (a near-tie that swapped: at a million voters a swap every 2–6 units), the run
stopped following for good, although both often hold the same projects again two steps later.

Under uniform utilities a voter pays min(budget, u x price) for each project they support, so
their budget after any selections, in any order, is max(0, start - the sum of u x price over
the selected ones they support). With the same projects selected, a voter here holds at most
what they hold in the guide's run if start_guide - start_here is at least the sum over those
projects of u x (price there - price here). Every step made while following has a price here
at least the guide's (each voter holds at most what they held there), so only the other steps
since the two first parted can add to that sum; each adds at most u x max(0, the guide's upper
bound - the lower bound here), summed over every such project, not only a voter's own.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from pb.allocation.equal_shares import Key, Run

MARGIN = 1e-6
"""Relative slack for the float sum of the prices' differences and the start gap."""


class Rejoin:
    """What a run made since it first parted from its guide (at step `since`), kept step by
    step: whether both selected the same projects, and the bound on what a voter may hold here
    above what they held in the guide's run."""

    def __init__(self, guide: Run, since: int, gap: float, utility: dict[str, Any]) -> None:
        self.guide, self.gap, self.utility = guide, gap, utility
        self.guide_at = {s.project: i for i, s in enumerate(guide.selections) if i >= since}
        self.apart: set[str] = set()  # selected by one of the two since, not by the other
        self.excess = 0.0  # a bound on u x (price there - price here), summed since
        self.lost = gap <= 0

    def made(self, step: int, project: str, key: Key, following: bool) -> None:
        """Record this run's selection at `step`, and the guide's at the same step (made while
        following it: a price here at least the guide's, which adds nothing to `excess`)."""
        at = self.guide_at.get(project)
        if at is None or step >= len(self.guide.selections) or at >= len(self.guide.keys):
            self.lost = True  # the guide never selects it, or has ended: the sets stay apart
            return
        self.apart ^= {project}
        self.apart ^= {self.guide.selections[step].project}
        if following:
            return
        higher = self.guide.keys[at][1]  # the guide's price's upper bound
        self.excess += max(0.0, float(self.utility[project]) * (higher - key[0]))

    def ready(self) -> bool:
        """True if the run may follow its guide again from the next step."""
        if self.lost or self.apart:
            return False
        return self.excess * (1 + MARGIN) <= self.gap * (1 - MARGIN)


def start_gap(guide: Run, budget: Any, voters: int) -> float:
    """How much more each voter starts with in the guide's run (a float, rounded to nearest:
    `MARGIN` covers it)."""
    return float(Fraction(guide.budget) / voters - Fraction(budget) / voters)
