"""Ballot formats: how a voter expresses a choice, and the rules a valid ballot obeys.

A registry, not an if/elif: the round form builds its choices from `BALLOT_FORMATS`, the ballot page
renders the format's inputs, and casting validates with the same `validate` the page's live meter
mirrors. Choices are `{proposal_id: value}`: 1 (approval), a rank (1 = first), points, or the
numbered pairs of a pairwise ballot (pb.audit.pairwise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from pb.audit.pairwise import PairwiseFormatError, decode
from pb.voting import pairwise

Choices = dict[int, int]


@dataclass(frozen=True)
class BallotItem:
    """What validation needs to know about a project on the ballot."""

    id: int
    cost: int


@dataclass(frozen=True)
class Param:
    name: str
    label: Any  # lazy string
    default: int | None
    minimum: int = 0
    maximum: int | None = None
    required: bool = True
    help: Any = ""


class BallotFormat:
    name: str = ""
    label: Any = ""
    description: Any = ""
    vote_type: str = "approval"  # the pabulib vote type the tally receives
    input_kind: str = "checkbox"  # checkbox | rank | points
    params: tuple[Param, ...] = ()

    def normalise_params(self, raw: Mapping[str, Any]) -> dict[str, int | None]:
        values: dict[str, int | None] = {}
        for param in self.params:
            value = raw.get(param.name, param.default)
            values[param.name] = None if value in (None, "") else int(value)
        return values

    def check_params(self, params: Mapping[str, int | None], budget: int) -> dict[str, str]:
        """Errors per parameter name (empty when the configuration is usable)."""
        errors: dict[str, str] = {}
        for param in self.params:
            value = params.get(param.name)
            if value is None:
                if param.required:
                    errors[param.name] = _("This parameter is required.")
                continue
            if value < param.minimum or (param.maximum is not None and value > param.maximum):
                errors[param.name] = _("This value is out of range.")
        return errors

    def parse(self, form: Mapping[str, str], items: Sequence[BallotItem]) -> Choices:
        """Read the plain HTML form; unknown or malformed fields are an error, never ignored."""
        choices: Choices = {}
        for item in items:
            raw = (form.get(f"project-{item.id}") or "").strip()
            if not raw or raw == "0":
                continue
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
                raise ValueError(_("Please enter whole numbers only."))
            choices[item.id] = 1 if self.input_kind == "checkbox" else int(raw)
        return choices

    def validate(
        self, choices: Choices, items: Sequence[BallotItem], params: Mapping[str, Any], budget: int
    ) -> list[str]:
        known = {item.id for item in items}
        if set(choices) - known:
            return [_("Your ballot names a project that is not on this ballot.")]
        if any(value < 1 for value in choices.values()):
            return [_("Every value on a ballot must be positive.")]
        return self._validate(choices, {item.id: item.cost for item in items}, params, budget)

    def _validate(
        self, choices: Choices, costs: Mapping[int, int], params: Mapping[str, Any], budget: int
    ) -> list[str]:
        raise NotImplementedError

    def pabulib_meta(self, params: Mapping[str, Any], budget: int) -> dict[str, str]:
        """The ballot's constraints, in pabulib META field names."""
        return {}

    def rules_in_words(self, params: Mapping[str, Any], budget: int, currency: str) -> str:
        raise NotImplementedError


def _count_errors(count: int, low: int | None, high: int | None) -> list[str]:
    if low and count < low:
        return [
            ngettext("Choose at least %(num)d project.", "Choose at least %(num)d projects.", low)
        ]
    if high and count > high:
        return [
            ngettext("Choose at most %(num)d project.", "Choose at most %(num)d projects.", high)
        ]
    return []


class ApprovalFormat(BallotFormat):
    name = "approval"
    label = _l("Approval (choose the projects you support)")
    vote_type = "approval"
    input_kind = "checkbox"
    params = (
        Param("min_projects", _l("Minimum number of projects"), 1, minimum=0),
        Param(
            "max_projects", _l("Maximum number of projects (empty: no limit)"), None, 1, None, False
        ),
    )

    def check_params(self, params: Mapping[str, int | None], budget: int) -> dict[str, str]:
        errors = super().check_params(params, budget)
        low, high = params.get("min_projects"), params.get("max_projects")
        if not errors and high is not None and low is not None and high < low:
            errors["max_projects"] = _("The maximum cannot be below the minimum.")
        return errors

    def _validate(self, choices, costs, params, budget):  # type: ignore[no-untyped-def]
        return _count_errors(len(choices), params.get("min_projects"), params.get("max_projects"))

    def pabulib_meta(self, params, budget):  # type: ignore[no-untyped-def]
        meta = {}
        if params.get("min_projects"):
            meta["min_length"] = str(params["min_projects"])
        if params.get("max_projects"):
            meta["max_length"] = str(params["max_projects"])
        return meta

    def rules_in_words(self, params, budget, currency):  # type: ignore[no-untyped-def]
        low, high = params.get("min_projects") or 0, params.get("max_projects")
        if high:
            return _("Choose between %(low)d and %(high)d projects.", low=max(low, 1), high=high)
        return _("Choose as many projects as you like (at least %(low)d).", low=max(low, 1))


class KnapsackFormat(BallotFormat):
    name = "knapsack"
    label = _l("Knapsack (choose projects up to the budget)")
    vote_type = "approval"
    input_kind = "checkbox"
    params = (
        Param(
            "min_share_percent",
            _l("Minimum share of the budget a ballot must use (%)"),
            0,
            minimum=0,
            maximum=100,
        ),
    )

    def _validate(self, choices, costs, params, budget):  # type: ignore[no-untyped-def]
        if not choices:
            return [_("Choose at least one project.")]
        total = sum(costs[project_id] for project_id in choices)
        if total > budget:
            return [_("Your choices cost more than the budget. Remove a project to continue.")]
        share = params.get("min_share_percent") or 0
        if total * 100 < share * budget:
            return [_("Your choices must use at least %(share)d%% of the budget.", share=share)]
        return []

    def pabulib_meta(self, params, budget):  # type: ignore[no-untyped-def]
        meta = {"max_sum_cost": str(budget)}
        share = params.get("min_share_percent") or 0
        if share:
            meta["min_sum_cost"] = str(-(-share * budget // 100))
        return meta

    def rules_in_words(self, params, budget, currency):  # type: ignore[no-untyped-def]
        from pb.i18n import format_money

        words = _(
            "Choose projects whose total cost is within the budget of %(budget)s.",
            budget=format_money(budget, currency),
        )
        share = params.get("min_share_percent") or 0
        if share:
            words += " " + _("Use at least %(share)d%% of it.", share=share)
        return words


class RankedFormat(BallotFormat):
    name = "ranked"
    label = _l("Ranked (put up to k projects in order)")
    vote_type = "ordinal"
    input_kind = "rank"
    params = (
        Param("min_rank", _l("Minimum number of projects to rank"), 1, minimum=1),
        Param("max_rank", _l("Maximum number of projects to rank (k)"), 3, minimum=1),
    )

    def check_params(self, params, budget):  # type: ignore[no-untyped-def]
        errors = super().check_params(params, budget)
        if not errors and params["max_rank"] < params["min_rank"]:
            errors["max_rank"] = _("The maximum cannot be below the minimum.")
        return errors

    def _validate(self, choices, costs, params, budget):  # type: ignore[no-untyped-def]
        errors = _count_errors(len(choices), params.get("min_rank"), params.get("max_rank"))
        if errors:
            return errors
        if sorted(choices.values()) != list(range(1, len(choices) + 1)):
            return [_("Give each chosen project a different rank: 1, 2, 3… with no gaps.")]
        return []

    def pabulib_meta(self, params, budget):  # type: ignore[no-untyped-def]
        return {"min_length": str(params["min_rank"]), "max_length": str(params["max_rank"])}

    def rules_in_words(self, params, budget, currency):  # type: ignore[no-untyped-def]
        return _(
            "Rank between %(low)d and %(high)d projects: 1 is your favourite.",
            low=params["min_rank"],
            high=params["max_rank"],
        )


class CumulativeFormat(BallotFormat):
    name = "cumulative"
    label = _l("Cumulative (spread points across projects)")
    vote_type = "cumulative"
    input_kind = "points"
    params = (
        Param("total_points", _l("Points each voter can spread (N)"), 10, minimum=1),
        Param("max_per_project", _l("Most points on one project (m)"), 5, minimum=1),
    )

    def check_params(self, params, budget):  # type: ignore[no-untyped-def]
        errors = super().check_params(params, budget)
        if not errors and params["max_per_project"] > params["total_points"]:
            errors["max_per_project"] = _("This cannot exceed the points each voter has.")
        return errors

    def _validate(self, choices, costs, params, budget):  # type: ignore[no-untyped-def]
        if not choices:
            return [_("Give at least one point to a project.")]
        # Every broken limit at once, so the voter fixes the ballot in one go.
        errors = []
        if max(choices.values()) > params["max_per_project"]:
            errors.append(
                _("Give at most %(num)d points to one project.", num=params["max_per_project"])
            )
        if sum(choices.values()) > params["total_points"]:
            errors.append(_("You can spread at most %(num)d points.", num=params["total_points"]))
        return errors

    def pabulib_meta(self, params, budget):  # type: ignore[no-untyped-def]
        return {
            "max_sum_points": str(params["total_points"]),
            "max_points": str(params["max_per_project"]),
        }

    def rules_in_words(self, params, budget, currency):  # type: ignore[no-untyped-def]
        return _(
            "Spread up to %(total)d points across projects, at most %(most)d on one project.",
            total=params["total_points"],
            most=params["max_per_project"],
        )


class PairwiseFormat(BallotFormat):
    """Pairs of projects drawn at random: "which would you rather fund?" (pb.voting.pairwise).

    Stored as `{project id: value}` like every ballot, in the encoding of pb.audit.pairwise."""

    name = "pairwise"
    label = _l("Pairwise (choose the better of two projects, pair after pair)")
    vote_type = "pairwise"
    input_kind = "pairwise"
    params = (
        Param(
            "pairs",
            _l("Pairs each voter is asked to compare"),
            5,
            minimum=1,
            maximum=50,
            help=_l("At most half the projects: each project appears in one pair at most."),
        ),
    )

    def parse(self, form: Mapping[str, str], items: Sequence[BallotItem]) -> Choices:
        return pairwise.read_form(form, [item.id for item in items])

    def _validate(self, choices, costs, params, budget):  # type: ignore[no-untyped-def]
        if not choices:
            return [_("Answer at least one pair (you can skip the others).")]
        try:
            answered = len(decode(choices))
        except PairwiseFormatError:
            return [_("The pairs on this ballot were changed. Please start again.")]
        most = params["pairs"]
        if answered > most:
            return [ngettext("Answer at most %(num)d pair.", "Answer at most %(num)d pairs.", most)]
        return []

    def rules_in_words(self, params, budget, currency):  # type: ignore[no-untyped-def]
        return ngettext(
            "You are shown %(num)d pair of projects. For each pair, choose the project you would "
            "rather fund, or skip the pair.",
            "You are shown up to %(num)d pairs of projects. For each pair, choose the project "
            "you would rather fund, or skip the pair.",
            params["pairs"],
        )


BALLOT_FORMATS: dict[str, BallotFormat] = {
    fmt.name: fmt
    for fmt in (
        ApprovalFormat(),
        KnapsackFormat(),
        RankedFormat(),
        CumulativeFormat(),
        PairwiseFormat(),
    )
}


def get_format(name: str) -> BallotFormat:
    return BALLOT_FORMATS[name]


def param_field_name(format_name: str, param_name: str) -> str:
    """The round form's field for one format parameter, e.g. `approval_max_projects`."""
    return f"{format_name}_{param_name}"
