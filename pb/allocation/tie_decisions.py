"""Official tie decisions: an order that a council chose for projects the rule found tied.

Some real elections broke a tie by a decision no general tie-break reproduces. A decision names
projects in the order the council chose (`["12", "7"]`: at a tie between 12 and 7, 12 goes
first). It is applied by reordering those projects among themselves in the tie-break order,
keeping the places they occupy together, so no other project moves.

It is not a general override: a rule consults the tie-break order only between projects that
are equally good at a step (same score, price, load, welfare), so a decision can change the
outcome only if its projects really are tied at some step. The engine checks exactly that: the
count with the decision must differ from the count with its projects in the opposite order;
otherwise the decision is refused (`InvalidElectionError`: they are not tied at any step where
it matters). Each decision costs one more count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pb.allocation.errors import InvalidElectionError
from pb.allocation.outcome import Outcome
from pb.allocation.types import Instance

Decision = tuple[str, ...]


def normalize(instance: Instance, decisions: Iterable[Iterable[str]]) -> tuple[Decision, ...]:
    """Each decision as a tuple of two or more different, known projects."""
    result = []
    for decision in decisions:
        if isinstance(decision, str):
            raise InvalidElectionError("a tie decision is a sequence of project ids, not a str")
        order = tuple(decision)
        unknown = [pid for pid in order if pid not in instance.by_id]
        if unknown:
            raise InvalidElectionError(f"a tie decision names unknown project(s) {unknown}")
        if len(set(order)) != len(order) or len(order) < 2:
            raise InvalidElectionError("a tie decision orders two or more different projects")
        result.append(order)
    return tuple(result)


def reorder(priority: dict[str, int], order: Decision) -> dict[str, int]:
    """The priority with `order`'s projects given their own ranks, in `order`."""
    ranks = sorted(priority[pid] for pid in order)
    changed = dict(priority)
    changed.update(zip(order, ranks, strict=True))
    return changed


def apply(
    priority: dict[str, int],
    decisions: tuple[Decision, ...],
    count: Callable[[dict[str, int]], Outcome],
) -> dict[str, int]:
    """The priority with every decision applied; raises `InvalidElectionError` for a decision
    whose projects are not tied at any step where it matters (see the module docstring)."""
    for decision in decisions:
        decided = reorder(priority, decision)
        opposite = reorder(priority, tuple(reversed(decision)))
        chosen, other = count(decided), count(opposite)
        if chosen.selected == other.selected and chosen.trace == other.trace:
            raise InvalidElectionError(
                f"projects {', '.join(decision)} are not tied at any step where their order "
                "matters: a tie decision cannot change this outcome"
            )
        priority = decided
    return priority
