"""Optional accelerators, chosen by the caller: NumPy and gmpy2, each with a pure fallback.

The engine gives the same outcome with or without them (the tests compare the paths); they only
change how long it takes. Which ones a computation may use is an explicit `Accelerators` value
passed down from `allocate` (and from the pabulib reader), never a process-wide switch or an
environment variable read at import: a test or a caller states what it runs. By default
(`INSTALLED`) every accelerator that is installed is used. The `pb tally` command reads
`PB_ALLOCATION_NUMPY=0` from its environment (`from_environment`) and passes the result down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

try:
    import numpy as _numpy
except ImportError:  # pragma: no cover - exercised by running without NumPy
    _numpy = None

try:  # the same exact rationals as Fraction, about ten times faster
    from gmpy2 import mpq as _mpq
except ImportError:  # pragma: no cover - exercised by running the tests without gmpy2
    _mpq = None

NUMPY: Any = _numpy
"""The NumPy module when it is installed, else None (whether to use it is the caller's choice)."""

Rational = Callable[..., Any]
"""An exact rational type: `Fraction`, or gmpy2's `mpq`."""


@dataclass(frozen=True)
class Accelerators:
    """Which accelerators a computation may use, and from what size they pay.

    `numpy`/`gmpy2` False means "do not use it even if installed"; True means "use it if it is
    installed". The sizes are thresholds below which the per-call overhead of NumPy costs more
    than it saves (tests set them to 0 to run the NumPy path on small elections).
    """

    numpy: bool = True
    gmpy2: bool = True
    matrix_min_ballots: int = 50
    """Count votes from a `BallotMatrix` with NumPy from this many ballots on. Greedy with and
    without the matrix: Assen 2024 (84 ballots) 57 and 64 us, Częstochowa 2024 (379 points
    ballots) 79 and 285 us, Kraków 2022 (1,060 rankings) 110 and 891 us."""
    mes_min_voters: int = 300
    """Keep floating-point Equal Shares budgets in a NumPy array from this many voters on:
    add1 on Assen 2024 (84 voters) takes 13 ms with NumPy, 10 ms without; at about 400 voters
    the two paths are even, and NumPy wins from there on."""

    @property
    def np(self) -> Any:
        """The NumPy module if it may be used and is installed, else None."""
        return _numpy if self.numpy else None

    @property
    def rational(self) -> Rational:
        """The exact rational type to compute with."""
        return _mpq if self.gmpy2 and _mpq is not None else Fraction

    def counts_with_matrix(self, ballots: int) -> bool:
        """Whether a profile of `ballots` ballots is counted from its matrix with NumPy."""
        return self.np is not None and ballots >= self.matrix_min_ballots

    def mes_with_numpy(self, voters: int) -> bool:
        """Whether floating-point Equal Shares keeps `voters` voters' budgets in NumPy."""
        return self.np is not None and voters >= self.mes_min_voters


INSTALLED = Accelerators()
"""Every accelerator that is installed, from the sizes where it pays (the default)."""

PURE = Accelerators(numpy=False, gmpy2=False)
"""The standard library only."""


def from_environment(environ: Mapping[str, str]) -> Accelerators:
    """For a command or an app at its edge: `PB_ALLOCATION_NUMPY=0` turns NumPy off,
    `PB_ALLOCATION_GMPY2=0` gmpy2. The engine itself never reads the environment."""
    return Accelerators(
        numpy=environ.get("PB_ALLOCATION_NUMPY", "1") != "0",
        gmpy2=environ.get("PB_ALLOCATION_GMPY2", "1") != "0",
    )
