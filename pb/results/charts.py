"""Results as pictures: server-rendered SVG charts (no script, no external service).

This module computes the geometry (and the participation counts the charts draw); the markup is
in `templates/macros/charts.html`. Coordinates mirror for right-to-left languages: text keeps
`text-anchor="start"` and the SVG's `direction`, so it runs from the right edge in Urdu.
Participation is drawn from counts only: the day (`voted_on`) and the ward of each participation
row, never anything about a ballot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from pb.extensions import db
from pb.voting.models import Participation
from pb.wards.models import Ward

WIDTH = 640
ROW = 46  # a label line above each bar
BAR = 18
VALUE_ROOM = 110  # space kept after the longest bar for its value


@dataclass(frozen=True)
class Row:
    """One labelled quantity; `highlight` marks funded projects (also said in words)."""

    label: str
    value: int
    value_text: str
    highlight: bool = False


@dataclass(frozen=True)
class BarShape:
    row: Row
    x: float
    y: float
    width: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    rtl: bool
    bars: list[BarShape]
    axis_x: float


def bar_chart(rows: Sequence[Row], rtl: bool = False) -> BarChart:
    """Horizontal bars, one per row, scaled to the largest value; mirrored when `rtl`."""
    largest = max((row.value for row in rows), default=0) or 1
    room = WIDTH - VALUE_ROOM
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW
        length = row.value / largest * room
        bar_y = top + 22
        value_at = length + 8
        bars.append(
            BarShape(
                row=row,
                x=_mirror(0, length, rtl),
                y=bar_y,
                width=length,
                label_x=WIDTH - 6 if rtl else 6,
                label_y=top + 16,
                value_x=WIDTH - value_at if rtl else value_at,
                value_y=bar_y + BAR - 4,
            )
        )
    return BarChart(
        width=WIDTH,
        height=max(len(rows) * ROW, ROW),
        rtl=rtl,
        bars=bars,
        axis_x=WIDTH - 0.5 if rtl else 0.5,
    )


@dataclass(frozen=True)
class Segment:
    number: int  # the key into the legend below the chart
    label: str
    amount_text: str
    x: float
    width: float
    funded: bool
    show_number: bool


@dataclass(frozen=True)
class BudgetLine:
    width: int
    height: int
    rtl: bool
    segments: list[Segment]
    bar_y: int
    bar_height: int


def budget_line(
    funded: Sequence[tuple[str, int, str]], budget: int, left_text: str, rtl: bool = False
) -> BudgetLine:
    """The whole budget as one bar: a segment per funded project (in the order chosen), then
    what was left over. `funded` holds (title, cost, cost as text)."""
    scale = WIDTH / max(budget, sum(cost for _, cost, _ in funded), 1)
    segments = []
    start = 0.0
    for number, (title, cost, text) in enumerate(funded, start=1):
        width = cost * scale
        segments.append(
            Segment(number, title, text, _mirror(start, width, rtl), width, True, width >= 24)
        )
        start += width
    left = WIDTH - start
    if left > 0.5:
        segments.append(
            Segment(0, _("Left over"), left_text, _mirror(start, left, rtl), left, False, False)
        )
    return BudgetLine(WIDTH, 60, rtl, segments, bar_y=4, bar_height=44)


def _mirror(start: float, width: float, rtl: bool) -> float:
    return WIDTH - start - width if rtl else start


# ---------------------------------------------------------------------------------------------
# the participation counts the charts draw


def participation_by_day(round_id: int) -> list[tuple[date, int]]:
    query = (
        select(Participation.voted_on, func.count(Participation.id))
        .where(Participation.round_id == round_id)
        .group_by(Participation.voted_on)
        .order_by(Participation.voted_on)
    )
    return [(day, count) for day, count in db.session.execute(query)]


def weekly_when_long(days: list[tuple[date, int]], most_bars: int = 21) -> tuple[list, bool]:
    """Day counts as they are, or summed per week (from Monday) when there would be too many
    bars to read on a phone. Returns the rows and whether they are weeks."""
    if len(days) <= most_bars:
        return days, False
    weeks: dict[date, int] = {}
    for day, count in days:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    return sorted(weeks.items()), True


def participation_by_ward(round_id: int) -> list[tuple[str, int]]:
    query = (
        select(Ward.name, func.count(Participation.id))
        .select_from(Participation)
        .outerjoin(Ward, Ward.id == Participation.ward_id)
        .where(Participation.round_id == round_id)
        .group_by(Ward.name)
        .order_by(Ward.name)
    )
    return [(name or _("Ward not recorded"), count) for name, count in db.session.execute(query)]
