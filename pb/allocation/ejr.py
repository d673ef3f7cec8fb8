"""Extended justified representation up to one project (EJR-1), for approval ballots.

Definition (Peters, Pierczyński and Skowron 2021; pabutools `is_EJR_one_approval` with
`Cardinality_Sat`): a group S of voters is T-cohesive for a set of projects T when every voter in S
approves every project of T and |S| / n >= cost(T) / budget. An outcome W satisfies EJR up to one
project when in every T-cohesive group some voter i has |A_i & W| + 1 >= |T| (or T is inside W):
each large enough like-minded group gets all the projects it could pay for, but one, for at
least one of its members. Satisfaction is the number of approved funded projects (cardinality),
whatever the rule maximised. The Method of Equal Shares without completion always satisfies it.

The check. A voter i is *unhappy* about T when T is not inside W and |A_i & W| <= |T| - 2. A
violation exists exactly when, for some T, the unhappy voters approving all of T are themselves
T-cohesive. A depth-first search over sets T (projects in ballot order) keeps, as a bitset over
voters, those approving all of T who could still be unhappy about some larger T (voters who miss
at least two of their approved projects); it stops extending T as soon as they could no longer
pay for it. This is exact. On up to `EXACT_PROJECTS` projects it always runs to the end; above,
it visits at most `node_limit` sets T (default `BOUNDED_NODES`): if the search ends within that
limit the answer is still exact, otherwise the answer is None and the note says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from pb.allocation.types import Instance, Profile
from pb.allocation.voters import VoterView

EXACT_PROJECTS = 30
BOUNDED_NODES = 20_000
APPROVAL_TYPES = ("approval", "choose-1")


@dataclass(frozen=True)
class EjrVerdict:
    holds: bool | None
    note: str
    subsets_checked: int = 0
    violation: tuple[str, ...] = ()
    """A set T whose unhappy supporters could pay for it (when `holds` is False)."""


class _Exhausted(Exception):
    pass


class EjrContext:
    """The voters as bitsets (`VoterView`), computed once per election and shared by the checks
    of several outcomes."""

    def __init__(self, view: VoterView) -> None:
        self.view = view
        self.instance = view.instance
        self.voters = view.voters

    @cached_property
    def supporters(self) -> dict[str, int]:
        """Project id -> bitset of the voters who approve it (only the EJR check needs it)."""
        return self.view.supporter_masks()

    def levels(self, funded: frozenset[str]) -> tuple[int, list[int]]:
        """(voters who could be unhappy about some T, voters with at most k approved funded
        projects for each k) as bitsets, for the outcome `funded`."""
        return self.view.level_masks(funded)


def ejr_up_to_one(
    instance: Instance,
    profile: Profile,
    selected: Iterable[str],
    *,
    node_limit: int | None = None,
    context: EjrContext | None = None,
) -> EjrVerdict:
    """Whether the outcome `selected` satisfies EJR up to one project (see the module docstring).

    None with a note for a non-approval election, or when the search on more than
    `EXACT_PROJECTS` projects needs more than `node_limit` sets."""
    if profile.vote_type not in APPROVAL_TYPES:
        return EjrVerdict(None, "EJR is checked for approval ballots only.")
    exact = len(instance.projects) <= EXACT_PROJECTS
    limit = None if exact else (node_limit or BOUNDED_NODES)
    context = context or EjrContext(VoterView(instance, profile))
    funded = frozenset(selected)
    possible, at_most = context.levels(funded)
    search = _Search(context, funded, possible, at_most, limit)
    try:
        violation = search.run()
    except _Exhausted:
        return EjrVerdict(
            None,
            f"Not decided: {len(instance.projects)} projects, and the search stopped after "
            f"{limit} sets of projects without finding a violation.",
            search.nodes,
        )
    if violation is not None:
        names = ", ".join(violation)
        return EjrVerdict(
            False,
            f"Violated: the voters who approve all of {{{names}}} could pay for them, and each "
            "of them got at least two fewer approved projects.",
            search.nodes,
            violation,
        )
    how = "exactly" if exact else f"exactly (the bounded search ended within {limit} sets)"
    return EjrVerdict(True, f"Holds, checked {how}.", search.nodes)


class _Search:
    def __init__(self, context, funded, possible, at_most, limit) -> None:  # type: ignore[no-untyped-def]
        self.instance = context.instance
        self.voters = context.voters
        self.budget = self.instance.budget
        self.funded = funded
        self.possible = possible
        self.at_most = at_most
        self.limit = limit
        self.nodes = 0
        self.order = []
        for project in self.instance.projects:
            supporters = context.supporters[project.id] & possible
            if supporters:  # (id, cost, bitset, how many of them: a bound checked before the AND)
                self.order.append((project.id, project.cost, supporters, supporters.bit_count()))

    def large_enough(self, group: int, cost: object) -> bool:
        return group.bit_count() * self.budget >= cost * self.voters  # type: ignore[operator]

    def run(self) -> tuple[str, ...] | None:
        if not self.possible:
            return None
        return self._extend(0, (), 0, self.possible, False)

    def _extend(self, start, chosen, cost, group, outside):  # type: ignore[no-untyped-def]
        for index in range(start, len(self.order)):
            pid, price, supporters, most = self.order[index]
            new_cost = cost + price
            if most * self.budget < new_cost * self.voters:
                continue
            new_group = group & supporters
            if not new_group or not self.large_enough(new_group, new_cost):
                continue
            if self.limit is not None and self.nodes >= self.limit:
                raise _Exhausted
            self.nodes += 1
            new_chosen = (*chosen, pid)
            new_outside = outside or pid not in self.funded
            size = len(new_chosen)
            if new_outside and size >= 2:
                level = min(size - 2, len(self.at_most) - 1)
                unhappy = new_group & self.at_most[level]
                if unhappy and self.large_enough(unhappy, new_cost):
                    return new_chosen
            found = self._extend(index + 1, new_chosen, new_cost, new_group, new_outside)
            if found is not None:
                return found
        return None
