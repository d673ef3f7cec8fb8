"""The election as the engine sees it: projects, an instance (budget and rules of the ballot), and
a profile of ballots. All frozen, all validated on construction, all exact numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from pb.allocation.ballots import (
    BALLOT_CLASS,
    PAIRWISE,
    ApprovalBallot,
    Ballot,
    CumulativeBallot,
    OrdinalBallot,
    PairwiseBallot,
    VoterBallots,
    _project_id,
    trusted_approval,
)
from pb.allocation.counting import BallotMatrix
from pb.allocation.errors import InvalidElectionError
from pb.allocation.numbers import Number, exact, parse_decimal

VOTE_TYPES: tuple[str, ...] = ("approval", "ordinal", "cumulative", "choose-1")
"""Ballot kinds pabulib files hold. `choose-1` is an approval ballot naming at most one project."""


PROFILE_VOTE_TYPES: tuple[str, ...] = (*VOTE_TYPES, PAIRWISE)
"""Every ballot kind a `Profile` can hold."""

# META keys holding numbers that constrain ballots or rules (pabulib names).
CONSTRAINT_KEYS: tuple[str, ...] = (
    "min_length",
    "max_length",
    "min_sum_cost",
    "max_sum_cost",
    "min_points",
    "max_points",
    "min_sum_points",
    "max_sum_points",
    "min_project_score_threshold",
)


def _freeze_strings(values: Iterable[object] | None, what: str) -> tuple[str, ...]:
    if values is None or isinstance(values, str):
        raise InvalidElectionError(f"{what} must be a sequence of strings")
    items = []
    for value in values:
        if value is None or value == "":
            continue  # an empty category is no category
        if not isinstance(value, str):
            raise InvalidElectionError(f"{what} must contain strings, not {value!r}")
        items.append(value)
    return tuple(items)


@dataclass(frozen=True)
class Project:
    """A project on the ballot. `cost` is exact and positive (an int in practice)."""

    id: str
    cost: Number
    name: str = ""
    categories: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _project_id(self.id, "a project id")
        cost = exact(self.cost, f"the cost of project {self.id}")
        if cost <= 0:
            raise InvalidElectionError(
                f"the cost of project {self.id} must be positive, not {cost}"
            )
        object.__setattr__(self, "cost", cost)
        if not isinstance(self.name, str):
            raise InvalidElectionError(f"the name of project {self.id} must be a string")
        object.__setattr__(
            self, "categories", _freeze_strings(self.categories, f"categories of {self.id}")
        )
        object.__setattr__(self, "targets", _freeze_strings(self.targets, f"targets of {self.id}"))


@dataclass(frozen=True)
class Instance:
    """The budget, the projects (in ballot order) and the META of the election.

    Ballot constraints (`max_length`, `max_sum_points`...) and `min_project_score_threshold` are
    read from `meta` under their pabulib names and exposed as exact numbers (None when absent).
    """

    budget: Number
    projects: tuple[Project, ...]
    meta: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        budget = exact(self.budget, "the budget")
        if budget < 0:
            raise InvalidElectionError(f"the budget must not be negative, not {budget}")
        object.__setattr__(self, "budget", budget)
        projects = tuple(self.projects)
        seen: set[str] = set()
        for project in projects:
            if not isinstance(project, Project):
                raise InvalidElectionError(f"projects must be Project objects, not {project!r}")
            if project.id in seen:
                raise InvalidElectionError(f"duplicate project id {project.id!r}")
            seen.add(project.id)
        object.__setattr__(self, "projects", projects)
        meta: dict[str, str] = {}
        for key, value in dict(self.meta).items():
            if not isinstance(key, str):
                raise InvalidElectionError(f"META keys must be strings, not {key!r}")
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                raise InvalidElectionError(f"META value of {key!r} must be a string")
            meta[key] = value
        object.__setattr__(self, "meta", MappingProxyType(meta))
        for key in CONSTRAINT_KEYS:  # fail now, not in the middle of a tally
            self.constraint(key)

    @cached_property
    def by_id(self) -> Mapping[str, Project]:
        """Projects keyed by id."""
        return MappingProxyType({project.id: project for project in self.projects})

    @cached_property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(project.id for project in self.projects)

    def project(self, project_id: str) -> Project:
        try:
            return self.by_id[project_id]
        except KeyError:
            raise InvalidElectionError(f"unknown project {project_id!r}") from None

    def constraint(self, key: str) -> Number | None:
        """The number stored in META under `key`, or None when absent or empty."""
        raw = self.meta.get(key, "").strip()
        if raw in ("", "None", "none"):
            return None
        try:
            return parse_decimal(raw)
        except ValueError:
            raise InvalidElectionError(f"META {key} must be a number, not {raw!r}") from None

    @property
    def min_length(self) -> Number | None:
        return self.constraint("min_length")

    @property
    def max_length(self) -> Number | None:
        return self.constraint("max_length")

    @property
    def min_sum_cost(self) -> Number | None:
        return self.constraint("min_sum_cost")

    @property
    def max_sum_cost(self) -> Number | None:
        return self.constraint("max_sum_cost")

    @property
    def min_points(self) -> Number | None:
        return self.constraint("min_points")

    @property
    def max_points(self) -> Number | None:
        return self.constraint("max_points")

    @property
    def min_sum_points(self) -> Number | None:
        return self.constraint("min_sum_points")

    @property
    def max_sum_points(self) -> Number | None:
        return self.constraint("max_sum_points")

    @property
    def min_project_score_threshold(self) -> Number | None:
        return self.constraint("min_project_score_threshold")


@dataclass(frozen=True)
class Profile:
    """All ballots of one election, of one `vote_type`."""

    vote_type: str
    ballots: tuple[Ballot, ...] | VoterBallots = ()
    trusted: bool = field(default=False, compare=False, repr=False)
    """Ballots a reader has checked already (ids, lengths, duplicates): kept as given, a lazy
    `VoterBallots` included, instead of being checked one by one again."""

    def __post_init__(self) -> None:
        if self.vote_type not in PROFILE_VOTE_TYPES:
            known = ", ".join(PROFILE_VOTE_TYPES)
            raise InvalidElectionError(
                f"unknown vote type {self.vote_type!r}; expected one of {known}"
            )
        if self.trusted:
            return
        ballots = tuple(self.ballots)
        expected = BALLOT_CLASS[self.vote_type]
        for ballot in ballots:
            if not isinstance(ballot, expected):
                raise InvalidElectionError(
                    f"a {self.vote_type} profile holds {expected.__name__}s, "
                    f"not {type(ballot).__name__}"
                )
            if self.vote_type == "choose-1" and len(ballot.projects) > 1:  # type: ignore[union-attr]
                raise InvalidElectionError("a choose-1 ballot names at most one project")
        object.__setattr__(self, "ballots", ballots)

    @property
    def num_voters(self) -> int:
        """Number of voters, counting each ballot `weight` times."""
        if isinstance(self.ballots, VoterBallots):
            return len(self.ballots)  # one voter per ballot, without building them
        return sum(ballot.weight for ballot in self.ballots)

    def defer_distinct(self, build: Callable[[], list[tuple[int, Ballot]]]) -> None:
        """Have `distinct` answer `build()` when first asked for: a reader that has grouped
        the ballots already but not made them (`pabulib_approvals`: a million voters' 750,000
        distinct sets, which counting and Equal Shares read from the `ballot_matrix`)."""
        self.__dict__["_build_distinct"] = build

    @cached_property
    def distinct(self) -> list[tuple[int, Ballot]]:
        """(number of voters, one of the ballots) per distinct ballot content, in order of
        first appearance. Rules count these groups instead of every voter."""
        build = self.__dict__.pop("_build_distinct", None)
        if build is not None:
            return build()
        merged: dict[object, list] = {}
        for ballot in self.ballots:
            if isinstance(ballot, ApprovalBallot):
                key: object = ballot.projects
            elif isinstance(ballot, OrdinalBallot):
                key = ballot.ranking
            elif isinstance(ballot, PairwiseBallot):
                key = (PAIRWISE, ballot.comparisons)
            else:
                key = frozenset(ballot.points.items())
            entry = merged.get(key)
            if entry is None:
                merged[key] = [ballot.weight, ballot]
            else:
                entry[0] += ballot.weight
        return [(weight, ballot) for weight, ballot in merged.values()]

    @cached_property
    def ballot_matrix(self) -> BallotMatrix | None:
        """The distinct ballots as a sparse matrix, columns in order of first mention, or None
        for points that are not whole numbers (`pb.allocation.counting` counts from it)."""
        return BallotMatrix.encode(self)

    def check_against(self, instance: Instance, named_ids: Iterable[str] | None = None) -> None:
        """Raise `InvalidElectionError` if a ballot names a project that is not on the ballot.

        `named_ids`: every project id the ballots name, or a superset of them, when the caller
        has it already (the keys of the vote counts of approvals or rankings, the columns of a
        ballot matrix), which saves a pass over every ballot. When it holds an unknown id, the
        ballots themselves are searched, so a superset never refuses a valid profile."""
        known = instance.by_id

        def named(ballot: Ballot) -> Iterable[str]:
            if isinstance(ballot, CumulativeBallot):
                return ballot.points.keys()
            if isinstance(ballot, PairwiseBallot):
                return ballot.compared()
            return ballot.supported()

        if named_ids is not None:
            mentioned = set(named_ids)
        elif self.vote_type in ("approval", "choose-1"):
            mentioned = set().union(*[b.projects for _w, b in self.distinct])  # type: ignore[union-attr]
        else:
            mentioned = set().union(*(named(b) for _w, b in self.distinct))
        if mentioned <= known.keys():
            return  # the common case, checked in one pass
        for _weight, ballot in self.distinct:  # the first ballot of each distinct content
            for pid in named(ballot):
                if pid not in known:
                    if ballot.voter_id:
                        who = f"voter {ballot.voter_id}"
                    else:
                        index = next(i for i, b in enumerate(self.ballots) if b is ballot)
                        who = f"ballot #{index + 1}"
                    raise InvalidElectionError(f"{who} votes for unknown project {pid!r}")


__all__ = [
    "CONSTRAINT_KEYS",
    "PAIRWISE",
    "PROFILE_VOTE_TYPES",
    "VOTE_TYPES",
    "ApprovalBallot",
    "Ballot",
    "CumulativeBallot",
    "Instance",
    "OrdinalBallot",
    "PairwiseBallot",
    "Profile",
    "Project",
    "VoterBallots",
    "trusted_approval",
]
