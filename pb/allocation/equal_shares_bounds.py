"""The error model of floating-point Equal Shares: how far a float can be from the exact value.

Errors are bounded with the standard model of IEEE 754 double arithmetic (each operation's
relative error is at most u = 2^-53; a sum of k terms is off by at most k·u times the sum of
magnitudes) and inflated generously, so the bounds are safe, not tight. A decision that the
bounds cannot settle raises `Uncertain`, and the caller recomputes the run exactly.
"""

from __future__ import annotations

import math

UNIT = 2.0**-52  # twice the unit roundoff: a safe relative error per operation


class Uncertain(Exception):
    """A decision was too close to call in floating point; recompute exactly."""


def down(x: float) -> float:
    """The float just below `x`."""
    return math.nextafter(x, -math.inf)


def up(x: float) -> float:
    """The float just above `x`."""
    return math.nextafter(x, math.inf)
