"""The ballots a profile holds: approval, ordinal, cumulative and pairwise, each frozen and
validated on construction; and `VoterBallots`, the ballots of a file read in bulk, built only
when something asks for them one by one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar, TypeAlias, overload

from pb.allocation.errors import InvalidElectionError
from pb.allocation.numbers import Number, exact

PAIRWISE = "pairwise"
"""Pairwise comparisons: a ballot kind the engine counts that pabulib has no type for."""


def _project_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or value != value.strip():
        raise InvalidElectionError(
            f"{what} must be a non-empty string without surrounding spaces, not {value!r}"
        )
    return value


def _weight(ballot: object) -> None:
    weight = ballot.weight  # type: ignore[attr-defined]
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
        raise InvalidElectionError(f"a ballot weight must be a positive int, not {weight!r}")
    voter_id = ballot.voter_id  # type: ignore[attr-defined]
    if voter_id is not None and not isinstance(voter_id, str):
        raise InvalidElectionError(f"a voter id must be a string, not {voter_id!r}")


@dataclass(frozen=True)
class ApprovalBallot:
    """The set of projects a voter approves. `weight` counts identical ballots at once."""

    projects: frozenset[str] = frozenset()
    voter_id: str | None = None
    weight: int = 1
    vote_types: ClassVar[tuple[str, ...]] = ("approval", "choose-1")

    def __post_init__(self) -> None:
        if isinstance(self.projects, str):
            raise InvalidElectionError("an approval ballot takes a set of project ids, not a str")
        projects = frozenset(self.projects)
        for pid in projects:
            _project_id(pid, "a project id in a ballot")
        object.__setattr__(self, "projects", projects)
        _weight(self)

    def supported(self) -> frozenset[str]:
        return self.projects


@dataclass(frozen=True)
class OrdinalBallot:
    """A ranking, most preferred first. Unranked projects get nothing."""

    ranking: tuple[str, ...] = ()
    voter_id: str | None = None
    weight: int = 1
    vote_types: ClassVar[tuple[str, ...]] = ("ordinal",)

    def __post_init__(self) -> None:
        if isinstance(self.ranking, str):
            raise InvalidElectionError("an ordinal ballot takes a sequence of ids, not a str")
        ranking = tuple(self.ranking)
        for pid in ranking:
            _project_id(pid, "a project id in a ballot")
        if len(set(ranking)) != len(ranking):
            raise InvalidElectionError(f"a ranking names a project twice: {ranking}")
        object.__setattr__(self, "ranking", ranking)
        _weight(self)

    def supported(self) -> frozenset[str]:
        return frozenset(self.ranking)


@dataclass(frozen=True)
class CumulativeBallot:
    """Points per project id. Projects given 0 points count as not supported."""

    points: Mapping[str, Number] = field(default_factory=dict, hash=False)
    voter_id: str | None = None
    weight: int = 1
    vote_types: ClassVar[tuple[str, ...]] = ("cumulative",)

    def __post_init__(self) -> None:
        points: dict[str, Number] = {}
        for pid, value in dict(self.points).items():
            _project_id(pid, "a project id in a ballot")
            number = exact(value, f"points given to project {pid}")
            if number < 0:
                raise InvalidElectionError(f"points given to project {pid} must not be negative")
            points[pid] = number
        object.__setattr__(self, "points", MappingProxyType(points))
        _weight(self)

    def supported(self) -> frozenset[str]:
        return frozenset(pid for pid, value in self.points.items() if value > 0)


@dataclass(frozen=True)
class PairwiseBallot:
    """Answers to "which of these two would you rather fund?": (preferred, other) pairs.

    A voter compares each pair of projects at most once (in either order); skipped pairs are
    simply absent. The order of the comparisons carries no meaning: they are kept sorted.
    """

    comparisons: tuple[tuple[str, str], ...] = ()
    voter_id: str | None = None
    weight: int = 1
    vote_types: ClassVar[tuple[str, ...]] = (PAIRWISE,)

    def __post_init__(self) -> None:
        if isinstance(self.comparisons, str):
            raise InvalidElectionError("a pairwise ballot takes (preferred, other) pairs")
        seen: set[frozenset[str]] = set()
        pairs = []
        for pair in self.comparisons:
            if isinstance(pair, str) or len(tuple(pair)) != 2:
                raise InvalidElectionError(f"a comparison is a (preferred, other) pair: {pair!r}")
            preferred, other = (_project_id(pid, "a project id in a ballot") for pid in pair)
            if preferred == other:
                raise InvalidElectionError(f"a comparison names {preferred!r} twice")
            key = frozenset((preferred, other))
            if key in seen:
                raise InvalidElectionError(f"a ballot compares {sorted(key)} twice")
            seen.add(key)
            pairs.append((preferred, other))
        object.__setattr__(self, "comparisons", tuple(sorted(pairs)))
        _weight(self)

    def supported(self) -> frozenset[str]:
        """The projects preferred at least once."""
        return frozenset(preferred for preferred, _other in self.comparisons)

    def compared(self) -> frozenset[str]:
        """Every project the ballot names, preferred or not."""
        return frozenset(pid for pair in self.comparisons for pid in pair)


Ballot: TypeAlias = ApprovalBallot | OrdinalBallot | CumulativeBallot | PairwiseBallot


def trusted_approval(projects: frozenset[str], voter_id: str | None) -> ApprovalBallot:
    """An `ApprovalBallot` built without re-validation, for readers that already checked every
    id against the instance (the pabulib reader: 90,000 ballots in a city-wide file)."""
    ballot = object.__new__(ApprovalBallot)
    # attribute by attribute: touching `ballot.__dict__` would make a real dict, 144 bytes more
    # per ballot than the values stored inline
    object.__setattr__(ballot, "projects", projects)
    object.__setattr__(ballot, "voter_id", voter_id)
    object.__setattr__(ballot, "weight", 1)
    return ballot


BALLOT_CLASS: dict[str, type] = {
    "approval": ApprovalBallot,
    "choose-1": ApprovalBallot,
    "ordinal": OrdinalBallot,
    "cumulative": CumulativeBallot,
    PAIRWISE: PairwiseBallot,
}


class VoterBallots(Sequence["ApprovalBallot"]):
    """The approval ballots of a file read in bulk: voter ids and their approved sets (shared
    between identical ballots), made into `ApprovalBallot`s only when first asked for one by
    one (the writer of ballots, an audit, a rule reading voters). Counting, lengths and
    `Profile.distinct` never need them: a million voters stay a million references.

    Compares equal to the tuple of its ballots, so a profile read in bulk equals one built by
    hand."""

    def __init__(self, voter_ids: Sequence[str], approved: Sequence[frozenset[str]]) -> None:
        self._voter_ids = voter_ids
        self._approved = approved
        self._ballots: tuple[ApprovalBallot, ...] | None = None

    def materialised(self) -> tuple[ApprovalBallot, ...]:
        """The ballots as a tuple (built once, then kept)."""
        if self._ballots is None:
            self._ballots = tuple(map(trusted_approval, self._approved, self._voter_ids))
        return self._ballots

    def __len__(self) -> int:
        return len(self._voter_ids)

    @overload
    def __getitem__(self, index: int) -> ApprovalBallot: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[ApprovalBallot, ...]: ...
    def __getitem__(self, index: int | slice) -> ApprovalBallot | tuple[ApprovalBallot, ...]:
        return self.materialised()[index]

    def __iter__(self) -> Iterator[ApprovalBallot]:
        return iter(self.materialised())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VoterBallots):
            return self._voter_ids == other._voter_ids and self._approved == other._approved
        if isinstance(other, tuple):
            return self.materialised() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.materialised())

    def __repr__(self) -> str:
        return f"VoterBallots({len(self)} voters)"
