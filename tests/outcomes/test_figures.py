"""Every figure of the outcomes report against the hand count in tests/outcomes/helpers.py."""

from __future__ import annotations

from decimal import Decimal

from flask import Flask

from pb.outcomes import services, words
from tests.conftest import custom_app
from tests.outcomes.helpers import counted_round


def test_every_figure_matches_the_hand_count(app: Flask) -> None:
    counted = counted_round()
    report = services.round_report(counted.setup.round, None)

    assert (report.allocated, report.spent) == (70_000, 70_500)
    assert [line.proposal.title for line in report.projects] == ["Project 1", "Project 3"]
    assert [line.on_time for line in report.projects] == [True, False]
    assert (len(report.delivered), len(report.on_time)) == (2, 1)

    assert (report.minutes_pledged, report.minutes_given) == (360, 210)
    assert report.hourly_rate == 1221
    assert (report.time_value, report.co_produced) == (4274, 74_274)

    ratings = report.ratings
    assert (ratings.k, ratings.projects_shown, ratings.projects_withheld) == (3, 1, 1)
    assert [(c.answers, c.mean, c.distribution) for c in ratings.criteria] == [
        (3, "4.00", [0, 0, 1, 1, 1]),
        (3, "4.33", [0, 0, 0, 2, 1]),
        (3, "2.00", [1, 1, 1, 0, 0]),
    ]
    people = report.people
    assert (people.proposers, people.commenters, people.voters) == (1, 2, 2)
    assert (people.volunteers, people.raters) == (3, 3)


def test_the_summary_and_csv_say_the_same(app: Flask) -> None:
    counted = counted_round()
    report = services.round_report(counted.setup.round, None)
    with app.test_request_context():
        text = " ".join(words.summary(report))
    assert "2 projects were funded with £700.00 of public money; £705.00 has been spent" in text
    assert "2 projects have been delivered, 1 of them on time." in text
    assert "3 residents pledged 6 hours of their time and gave 3.5 hours, worth £42.74" in text
    assert "at £12.21 an hour" in text and "£742.74 of value was co-produced" in text
    assert "asked “Was it delivered as promised?”, they answered 4.00 out of 5" in text
    assert "1 resident proposed projects; 2 commented on them; 2 votes were cast" in text
    assert "3 residents volunteered; 3 rated delivered projects." in text

    rows = {(s, i, m): v for s, i, m, v in words.csv_rows(report)}
    assert rows[("money", "", "allocated")] == "700.00"
    assert rows[("money", "", "spent")] == "705.00"
    assert rows[("money", "", "delivered_on_time_allocated")] == "300.00"
    assert rows[("project", "Project 3", "on_time")] is False
    assert rows[("time", "", "hours_given")] == Decimal("3.5")
    assert rows[("time", "", "value_of_hours_given")] == "42.74"
    assert rows[("rating", "Is it used?", "mean")] == "4.33"
    assert rows[("participation", "", "raters")] == 3


def test_the_hourly_rate_is_a_setting(database_url: str) -> None:
    with custom_app(database_url, OUTCOMES_HOURLY_RATE=1500) as app:
        counted = counted_round()
        data = app.test_client().get(f"/api/v1/rounds/{counted.setup.round.id}/outcomes").json
        # 3.5 hours at 15.00: 52.50; with the 700.00 allocated, 752.50
        assert data["time"]["hourly_rate"] == 1500
        assert (data["time"]["value"], data["time"]["public_money_and_time"]) == (5250, 75_250)
