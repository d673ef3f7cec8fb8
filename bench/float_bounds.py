"""Diagnostic: the float Equal Shares run's error bound against per-group bounds and real errors.

    .venv/bin/python bench/float_bounds.py FILE.pb

One floating-point MES run of an approval file at add1's first budget (whole units per voter,
`cost` satisfaction, NumPy book). At every selection it prints the run's single error bound (one
number for every budget) next to what the same derivation gives per voter group: a group's
budget is off by the errors of the shares it paid in full (zero once it paid all it had), and a
share's error by the errors of the poor supporters who paid all they had, divided by the rich
payers, plus the roundings, as `equal_shares_approval.price` bounds it. When the run gives up,
the selections it certified are replayed exactly and the largest real error of a group's budget
is printed too. A measurement for whoever changes the bound, not a proof: the per-group
figures are computed beside the run and decide nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pb.allocation import equal_shares, equal_shares_exact, equal_shares_float, rules  # noqa: E402
from pb.allocation import equal_shares_numpy as numpy_book  # noqa: E402
from pb.allocation.counting import count_votes  # noqa: E402
from pb.allocation.election import Election  # noqa: E402
from pb.allocation.equal_shares_bounds import UNIT  # noqa: E402
from pb.allocation.pabulib import parse_file  # noqa: E402


def per_group_share_error(
    book: Any, pid: str, share: float, cost: float, errors: Any, rounding: float
) -> float:
    """The share's error from the errors of its own poor supporters (cf. `price`); the rich
    payers' budgets take it on, plus `rounding` for the subtraction."""
    groups = book.groups_of[pid]
    budgets, weights, mine = book.budgets[groups], book.fweights[groups], errors[groups]
    poor = (budgets > 0) & (budgets < share)
    rich = budgets >= share
    paid = float((budgets[poor] * weights[poor]).sum())
    paid_error = float((mine[poor] * weights[poor]).sum()) + (poor.sum() + 2) * UNIT * paid
    share_error = (paid_error + 2 * UNIT * (cost + paid)) / float(weights[rich].sum())
    share_error += 2 * UNIT * share
    errors[groups] = np.where(poor, 0.0, np.where(rich, mine + share_error + rounding, mine))
    return share_error


def main(path: Path) -> int:
    parsed = parse_file(path)
    votes = count_votes(parsed.profile)
    order = rules.priority("lexicographic", parsed.instance, votes, None)
    election = Election(
        parsed.instance, parsed.profile, "cost", "lexicographic", None, order, votes
    )
    prep = equal_shares.prepare(election)
    start = (election.budget // prep.voters) * prep.voters
    voter_budget = float(start) / prep.voters
    errors = np.full(prep.groups, voter_budget * UNIT)
    chosen: list[str] = []
    books: list[Any] = []
    charge = numpy_book.NumpyGathered.charge

    def measured(book: Any, pid: str, plan: tuple[float, float], error: float) -> float:
        books.append(book)
        cost, rounding = float(prep.costs[pid]), 2 * UNIT * voter_budget
        share = per_group_share_error(book, pid, plan[0], cost, errors, rounding)
        new = charge(book, pid, plan, error)
        chosen.append(pid)
        print(
            f"selection {len(chosen)}: bound {new:.3g} for every budget; per group at most "
            f"{errors.max():.3g}; share error {plan[1]:.3g} (per group {share:.3g})"
        )
        return new

    numpy_book.NumpyGathered.charge = measured  # type: ignore[method-assign]
    try:
        equal_shares_float.run(prep, start, limit=election.budget)
        print("every selection certified")
        return 0
    except equal_shares_float.Uncertain as uncertain:
        print(f"gave up after {len(chosen)} selections: {uncertain}")
    finally:
        numpy_book.NumpyGathered.charge = charge  # type: ignore[method-assign]
    state, pricer, costs = equal_shares_exact._setup(prep, start, prep.accelerators.rational)
    for pid in chosen:
        pricer.charge(pid, pricer.price(pid, costs[pid])[1])
    exact = np.array([float(state.values[c]) for c in state.group_class])
    print(f"largest real error of a group's budget: {np.abs(books[-1].budgets - exact).max():.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
