"""What the ballot page's meter shows: budget spent, projects chosen, points left, what still
stops the ballot, and which projects no longer fit.

The server computes it for the first paint (and for browsers without JavaScript, after each
round trip) with the format's own `validate`; `static/js/ballot.js` recomputes it as the voter
chooses, from the rules and the translated messages given here. The messages are the ones
`pb/voting/formats.py` raises, rendered for this round's parameters, so the meter and the server
say the same words (tests/browser/test_ballot.py checks that they agree).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from pb.i18n import format_money, per_language
from pb.voting.formats import BallotFormat, BallotItem, Choices


def messages(fmt: BallotFormat, params: Mapping[str, Any], budget: int) -> dict[str, str]:
    """Every message the meter may show for this format, translated and filled in: computed
    once per language and round settings (shared between requests: never change it)."""
    key = ("meter", fmt.name, json.dumps(params, sort_keys=True))
    return per_language(key, lambda: _messages(fmt, params))


def _messages(fmt: BallotFormat, params: Mapping[str, Any]) -> dict[str, str]:
    low_high = {
        "approval": (params.get("min_projects"), params.get("max_projects")),
        "ranked": (params.get("min_rank"), params.get("max_rank")),
    }
    found: dict[str, str] = {
        "whole_numbers": _("Please enter whole numbers only."),
        "positive": _("Every value on a ballot must be positive."),
        "ready": _("Your ballot is ready: review it to continue."),
        "status_budget": _("Chosen: %(spent)s of %(budget)s. Left: %(left)s."),
        "status_over": _("Chosen: %(spent)s of %(budget)s. Over by %(over)s."),
        "status_count": _("Projects chosen: %(count)s."),
        "status_count_limit": _("Projects chosen: %(count)s of at most %(limit)s."),
        "status_points": _("Points used: %(used)s of %(total)s. Left: %(left)s."),
        "status_points_over": _("Points used: %(used)s of %(total)s. Over by %(over)s."),
        "no_fit_budget": _("Does not fit the budget left. Remove another project to choose it."),
        "no_fit_count": _(
            "You have chosen as many projects as allowed. Remove one to choose this."
        ),
        "no_fit_rank": _("Every rank is taken. Unrank a project to rank this one."),
        "no_fit_points": _("No points left. Take points from another project to give some here."),
    }
    if fmt.name in low_high:
        low, high = low_high[fmt.name]
        if low:
            found["too_few"] = ngettext(
                "Choose at least %(num)d project.", "Choose at least %(num)d projects.", low
            )
        if high:
            found["too_many"] = ngettext(
                "Choose at most %(num)d project.", "Choose at most %(num)d projects.", high
            )
    if fmt.name == "ranked":
        found["rank_gaps"] = _("Give each chosen project a different rank: 1, 2, 3… with no gaps.")
        found["moved"] = _("%(title)s is now number %(rank)s.")
        found["unranked"] = _("%(title)s is no longer ranked.")
    if fmt.name == "knapsack":
        share = params.get("min_share_percent") or 0
        found["empty"] = _("Choose at least one project.")
        found["over_budget"] = _(
            "Your choices cost more than the budget. Remove a project to continue."
        )
        found["min_share"] = _(
            "Your choices must use at least %(share)d%% of the budget.", share=share
        )
    if fmt.name == "cumulative":
        found["empty"] = _("Give at least one point to a project.")
        found["most_on_one"] = _(
            "Give at most %(num)d points to one project.", num=params.get("max_per_project")
        )
        found["most_points"] = _(
            "You can spread at most %(num)d points.", num=params.get("total_points")
        )
    return found


@dataclass(frozen=True)
class MeterState:
    status: str
    problems: list[str]
    ratio: float
    over: bool
    unfit: dict[int, str]  # project id -> why it cannot be added now

    @property
    def percent(self) -> int:
        return round(min(self.ratio, 1.0) * 100)


def state(
    fmt: BallotFormat,
    params: Mapping[str, Any],
    budget: int,
    currency: str,
    items: Sequence[BallotItem],
    choices: Choices,
) -> MeterState:
    """The meter for `choices`, with the server's own validation as the list of problems."""
    texts = messages(fmt, params, budget)
    problems = fmt.validate(choices, items, params, budget)
    spent = sum(item.cost for item in items if item.id in choices)
    unchosen = [item for item in items if item.id not in choices]
    unfit: dict[int, str] = {}
    if fmt.name == "knapsack":
        status = texts["status_over" if spent > budget else "status_budget"] % {
            "spent": format_money(spent, currency),
            "budget": format_money(budget, currency),
            "left": format_money(budget - spent, currency),
            "over": format_money(spent - budget, currency),
        }
        ratio, over = spent / budget, spent > budget
        unfit = {i.id: texts["no_fit_budget"] for i in unchosen if spent + i.cost > budget}
    elif fmt.input_kind == "points":
        total, used = params["total_points"], sum(choices.values())
        key = "status_points_over" if used > total else "status_points"
        status = texts[key] % {
            "used": used,
            "total": total,
            "left": total - used,
            "over": used - total,
        }
        ratio = used / total
        over = used > total or any(v > params["max_per_project"] for v in choices.values())
        if used >= total:
            unfit = {i.id: texts["no_fit_points"] for i in unchosen}
    else:
        limit = params.get("max_rank" if fmt.input_kind == "rank" else "max_projects")
        count = len(choices)
        if limit:
            status = texts["status_count_limit"] % {"count": count, "limit": limit}
        else:
            status = texts["status_count"] % {"count": count}
        ratio = count / (limit or len(items) or 1)
        over = bool(limit) and count > limit
        if limit and count >= limit:
            key = "no_fit_rank" if fmt.input_kind == "rank" else "no_fit_count"
            unfit = {i.id: texts[key] for i in unchosen}
    return MeterState(status=status, problems=problems, ratio=ratio, over=over, unfit=unfit)
