"""Chart geometry (mirrored for right-to-left) and the plain-words explanation of a trace."""

from __future__ import annotations

from fractions import Fraction

from flask import Flask

from pb.allocation import Outcome, Payments, TraceStep
from pb.results import charts, explanation


def test_bars_scale_to_the_largest_and_mirror_for_rtl() -> None:
    rows = [charts.Row("A", 10, "10", True), charts.Row("B", 5, "5")]
    ltr, rtl = charts.bar_chart(rows), charts.bar_chart(rows, rtl=True)
    assert ltr.bars[0].width == 2 * ltr.bars[1].width
    assert ltr.bars[0].x == 0 and ltr.bars[1].x == 0
    for left, right in zip(ltr.bars, rtl.bars, strict=True):
        assert right.width == left.width
        assert right.x == charts.WIDTH - left.width  # bars grow from the right edge
        assert right.value_x == charts.WIDTH - left.value_x


def test_budget_line_splits_the_budget_and_shows_what_is_left(bare_app: Flask) -> None:
    line = charts.budget_line([("A", 300, "£3"), ("B", 500, "£5")], 1000, "£2")
    widths = [segment.width for segment in line.segments]
    assert widths == [charts.WIDTH * 0.3, charts.WIDTH * 0.5, charts.WIDTH * 0.2]
    assert [s.funded for s in line.segments] == [True, True, False]
    mirrored = charts.budget_line([("A", 300, "£3")], 1000, "£7", rtl=True)
    assert mirrored.segments[0].x == charts.WIDTH * 0.7


def _outcome() -> Outcome:
    return Outcome(
        rule="equalshares",
        satisfaction="cost",
        tie_break="lexicographic",
        seed=None,
        budget=90_000,
        selected=("1",),
        total_cost=60_000,
        scores={"1": 2, "2": 1},
        trace=(
            TraceStep(
                project="1",
                selected=True,
                reason="selected",
                score=2,
                cost=60_000,
                remaining_budget=30_000,
                phase="equal-shares",
                price=Fraction(1, 2),
                payments=Payments(payers=2, total=60_000, max_payment=30_000, exhausted=0),
            ),
            TraceStep("2", False, "not_affordable_by_supporters", 1, 50_000, 30_000),
        ),
    )


def test_equal_shares_is_explained_from_the_stored_trace(bare_app: Flask) -> None:
    import json

    stored = json.dumps(_outcome().to_json())
    outcome = explanation.read_outcome(stored)
    assert outcome is not None and explanation.uses_equal_shares(outcome)
    lines = explanation.explain(outcome, "GBP")
    assert [(line.project_id, line.funded) for line in lines] == [(1, True), (2, False)]
    assert "2 voters shared its cost of £600.00" in lines[0].text  # stored without supporters
    assert "equal shares" in lines[1].text and "£500.00" in lines[1].text
    assert str(explanation.equal_share(outcome, 3)) == "30000"
    assert explanation.read_outcome('{"rule": "old"}') is None


def test_long_voting_periods_are_drawn_week_by_week() -> None:
    from datetime import date, timedelta

    from pb.results.charts import weekly_when_long

    short = [(date(2026, 3, 2) + timedelta(days=n), 1) for n in range(21)]
    assert weekly_when_long(short) == (short, False)
    long = [(date(2026, 3, 2) + timedelta(days=n), n) for n in range(30)]  # 2 March is a Monday
    weeks, weekly = weekly_when_long(long)
    assert weekly and [day.weekday() for day, _ in weeks] == [0] * 5
    assert sum(count for _, count in weeks) == sum(count for _, count in long)
    assert weeks[0] == (date(2026, 3, 2), sum(range(7)))
