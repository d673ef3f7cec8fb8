"""The rule registry and `allocate`, the one entry point of the engine.

Rules are registered by their pabulib `rule` name in `RULES`; the web app builds its rule,
satisfaction and tie-break choices from `RULES`, `SATISFACTIONS` and `TIE_BREAKS`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from pb.allocation import completion, copeland, greedy, max_welfare, phragmen, tie_decisions
from pb.allocation.accelerators import INSTALLED, Accelerators
from pb.allocation.conflicts import allocate_with_conflicts, normalize_groups
from pb.allocation.counting import count_votes, named_projects
from pb.allocation.election import Election
from pb.allocation.errors import (
    InvalidElectionError,
    UnknownRuleError,
    UnknownSatisfactionError,
    UnsupportedVoteTypeError,
)
from pb.allocation.outcome import Outcome
from pb.allocation.tiebreak import priority
from pb.allocation.types import Instance, Profile

_APPROVAL_SATS = ("cost", "cardinality")
_ORDINAL_SATS = ("positional", "borda")
_ALL = MappingProxyType(
    {
        "approval": _APPROVAL_SATS,
        "choose-1": _APPROVAL_SATS,
        "ordinal": _ORDINAL_SATS,
        "cumulative": ("points",),
    }
)


@dataclass(frozen=True)
class RuleSpec:
    """A registered allocation rule.

    `satisfactions` maps each supported vote type to the satisfaction measures the rule accepts
    with it, the default first (an empty tuple: the rule takes no satisfaction measure).
    """

    name: str
    label: str
    description: str
    satisfactions: Mapping[str, tuple[str, ...]]
    compute: Callable[[Election], Outcome]
    required_meta: tuple[str, ...] = ()
    """META keys the instance must carry for this rule (e.g. a greedy threshold)."""
    within_budget: bool = True
    """False for a rule that may spend past the budget (greedy-custom's reserve)."""

    @property
    def vote_types(self) -> tuple[str, ...]:
        return tuple(self.satisfactions)

    def satisfactions_for(self, vote_type: str) -> tuple[str, ...]:
        return self.satisfactions.get(vote_type, ())

    def default_satisfaction(self, vote_type: str) -> str | None:
        options = self.satisfactions_for(vote_type)
        return options[0] if options else None


def _specs() -> dict[str, RuleSpec]:
    specs = [
        RuleSpec(
            "greedy",
            "Greedy (most votes first)",
            "Projects are funded from the most votes (or points) down; a project that no longer "
            "fits in the remaining budget is skipped and counting goes on with the next one.",
            _ALL,
            greedy.greedy,
        ),
        RuleSpec(
            "greedy-no-skip",
            "Greedy, stop at the first that does not fit",
            "Projects are funded from the most votes (or points) down; counting stops at the "
            "first project that does not fit in the remaining budget. A project under the "
            "minimum score (min_project_score_threshold), when the election sets one, is "
            "never funded.",
            _ALL,
            greedy.greedy_no_skip,
        ),
        RuleSpec(
            "greedy-custom",
            "Greedy with a reserve (Poznań)",
            "Projects are funded from the most votes (or points) down until one does not fit; "
            "that project is also funded from a reserve if the money left covers at least 80% "
            "of its cost (the share is set by reserve_share), and counting stops there. At most "
            "one project comes from the reserve, so the spending can exceed the budget.",
            _ALL,
            greedy.greedy_custom,
            within_budget=False,
        ),
        RuleSpec(
            "greedy-exclusive",
            "Greedy with conflicting projects",
            "Like greedy, but a project that cannot be built together with one already funded "
            "(a declared conflict, such as two projects for the same site) is skipped. With no "
            "conflict declared it is plain greedy.",
            _ALL,
            greedy.greedy_exclusive,
        ),
        RuleSpec(
            "greedy-threshold",
            "Greedy with a minimum score",
            "Like greedy, but only projects that reached the minimum score set for the election "
            "(min_project_score_threshold) can be funded.",
            _ALL,
            greedy.greedy_threshold,
            ("min_project_score_threshold",),
        ),
        RuleSpec(
            "equalshares",
            "Method of Equal Shares (no completion)",
            "The budget is split equally among all voters; a project is funded when its "
            "supporters can pay for it from their shares, cheapest per unit of satisfaction "
            "first. Usually leaves part of the budget unspent.",
            _ALL,
            completion.equalshares,
        ),
        RuleSpec(
            "equalshares/add1",
            "Method of Equal Shares (add1 completion)",
            "Equal Shares, recomputed with each voter's share raised one currency unit at a time "
            "until spending more would exceed the budget or nothing else fits. The variant used "
            "for the official results of Wieliczka, Świecie and Assen.",
            _ALL,
            completion.equalshares_add1,
        ),
        RuleSpec(
            "equalshares/add1u",
            "Method of Equal Shares (add1, then most votes)",
            "Equal Shares with the add1 completion; any money left then funds the remaining "
            "projects in greedy order, while they fit.",
            _ALL,
            completion.equalshares_add1u,
        ),
        RuleSpec(
            "equalshares/add1-comparison",
            "Method of Equal Shares (add1) compared with greedy",
            "Equal Shares with the add1 completion, then compared with the greedy outcome: if "
            "more voters are happier with the greedy outcome, it is used instead.",
            _ALL,
            completion.equalshares_add1_comparison,
        ),
        RuleSpec(
            "equalshares/add1-pabutools",
            "Method of Equal Shares (add1 as in pabutools)",
            "Equal Shares with pabutools' completion: each voter's share starts at exactly the "
            "budget divided by the number of voters and rises one unit at a time.",
            _ALL,
            completion.equalshares_add1_pabutools,
        ),
        RuleSpec(
            "max-welfare",
            "Maximum total satisfaction",
            "The combination of projects that fits in the budget and gives voters the highest "
            "total satisfaction, found exactly (a knapsack problem solved to proven optimality).",
            _ALL,
            max_welfare.max_welfare,
        ),
        RuleSpec(
            "phragmen",
            "Sequential Phragmén",
            "Voters earn virtual money at the same rate; a project is bought as soon as its "
            "supporters have earned its cost, spreading the cost over them as evenly as "
            "possible. Stops at the first project that does not fit in the budget.",
            MappingProxyType({"approval": (), "choose-1": ()}),
            phragmen.phragmen,
        ),
        RuleSpec(
            copeland.RULE,
            "Pairwise comparisons: Copeland score, then greedy",
            "For every two projects, the one more voters preferred when they were shown together "
            "wins (equal numbers, or never compared: a draw). A project scores 2 points per win "
            "and 1 per draw; projects are funded from the highest score down, skipping those "
            "that no longer fit in the remaining budget. Counts pairwise ballots only.",
            MappingProxyType({"pairwise": ()}),
            copeland.pairwise_copeland,
        ),
    ]
    return {spec.name: spec for spec in specs}


RULES: Mapping[str, RuleSpec] = MappingProxyType(_specs())
"""Allocation rules by pabulib name."""


def allocate(
    instance: Instance,
    profile: Profile,
    rule: str,
    *,
    satisfaction: str | None = None,
    tie_break: str = "lexicographic",
    seed: int | str | None = None,
    conflicts: Iterable[Iterable[str]] = (),
    decided_ties: Iterable[Iterable[str]] = (),
    accelerators: Accelerators = INSTALLED,
) -> Outcome:
    """Count an election with a registered rule and return the outcome with its trace.

    `satisfaction` defaults to the rule's default for the profile's vote type. `tie_break` names
    a rule of `TIE_BREAKS`; `seed` is the published seed of a `lottery` tie-break (recorded in
    the outcome in every case). `conflicts` lists groups of projects of which at most one may
    be funded, applied to every rule (see `pb.allocation.conflicts`). `decided_ties` lists
    official tie decisions, each projects in the order a council chose for them; each must
    change the outcome, which only a real tie allows (see `pb.allocation.tie_decisions`). Ties
    are always broken by the tie-break order, never by chance or by input order, so the same
    inputs always give the same outcome. `accelerators` says what the computation may use to go
    faster (see `pb.allocation.accelerators`); never what it gives.

    Raises a subclass of `AllocationError` (a `ValueError`) for an unknown rule, a rule that
    cannot count this vote type, an unsupported satisfaction, a bad tie-break or seed, a
    ballot naming an unknown project, or a conflict group that is not two or more known
    projects.
    """
    if not isinstance(instance, Instance) or not isinstance(profile, Profile):
        raise InvalidElectionError("allocate() takes an Instance and a Profile")
    spec = RULES.get(rule)
    if spec is None:
        raise UnknownRuleError(f"unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    vote_type = profile.vote_type
    if vote_type not in spec.vote_types:
        raise UnsupportedVoteTypeError(
            f"the {rule} rule cannot count {vote_type} ballots "
            f"(it counts {', '.join(spec.vote_types)})"
        )
    options = spec.satisfactions_for(vote_type)
    chosen = satisfaction or spec.default_satisfaction(vote_type)
    if satisfaction and satisfaction not in options:
        allowed = ", ".join(options) if options else "none"
        raise UnknownSatisfactionError(
            f"the {rule} rule cannot use the {satisfaction!r} satisfaction with {vote_type} "
            f"ballots (allowed: {allowed})"
        )
    votes = count_votes(profile, accelerators)
    profile.check_against(instance, named_projects(profile, votes, accelerators))
    election = Election(
        instance=instance,
        profile=profile,
        satisfaction=chosen,
        tie_break=tie_break,
        seed=seed,
        priority=priority(tie_break, instance, votes, seed),
        votes=votes,
        accelerators=accelerators,
    )
    groups = normalize_groups(instance, conflicts)

    def count(chosen: Election) -> Outcome:
        if groups:
            return allocate_with_conflicts(chosen, spec.compute, groups)
        return spec.compute(chosen)

    decisions = tie_decisions.normalize(instance, decided_ties)
    if not decisions:
        return count(election)

    def count_with(order: dict[str, int]) -> Outcome:
        # a fresh Instance: the add1 memo is keyed by the instance, not by the tie-break order
        fresh = Instance(instance.budget, instance.projects, instance.meta)
        return count(dataclasses.replace(election, instance=fresh, priority=order))

    outcome = count_with(tie_decisions.apply(election.priority, decisions, count_with))
    details = dict(outcome.details)
    details["tie_decisions"] = [list(decision) for decision in decisions]
    return dataclasses.replace(outcome, details=details)
