"""Outcomes serialise to plain JSON, exactly, and read back equal."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from pb.allocation import Outcome, Payments, TraceStep
from pb.allocation.numbers import format_decimal, from_json, parse_decimal, to_json


def sample() -> Outcome:
    return Outcome(
        rule="equalshares",
        satisfaction="cost",
        tie_break="lottery",
        seed=7,
        budget=100,
        selected=("a",),
        total_cost=60,
        scores={"a": 2, "b": Fraction(1, 3)},
        trace=(
            TraceStep(
                "a",
                True,
                "selected",
                2,
                60,
                40,
                phase="equal-shares",
                price=Fraction(1, 120),
                payments=Payments(2, 60, Fraction(1, 2), 1),
            ),
            TraceStep("b", False, "not_affordable_by_supporters", Fraction(1, 3), 50, 40),
        ),
        details={"voter_budget": Fraction(101, 3), "rounds": 4, "note": "x"},
    )


def test_json_round_trip_is_exact_and_uses_no_floats() -> None:
    outcome = sample()
    data = outcome.to_json()
    text = json.dumps(data)
    assert "." not in text.replace('"format"', "")  # no float anywhere
    again = Outcome.from_json(json.loads(text))
    assert again == outcome
    assert data["scores"]["b"] == "1/3"
    assert data["trace"][0]["price"] == "1/120"
    assert data["details"]["voter_budget"] == "101/3"


def test_from_json_refuses_floats_and_unknown_formats() -> None:
    data = sample().to_json()
    data["budget"] = 100.0
    with pytest.raises(ValueError):
        Outcome.from_json(data)
    with pytest.raises(ValueError, match="format"):
        Outcome.from_json({**sample().to_json(), "format": 99})


def test_steps_explain_themselves() -> None:
    outcome = sample()
    assert outcome.step("a").explanation().startswith("Selected")
    assert "supporters" in outcome.step("b").explanation()
    assert outcome.remaining_budget == 40


@pytest.mark.parametrize(
    ("text", "value"),
    [("10", 10), ("1500.50", Fraction(3001, 2)), ("1,5", Fraction(3, 2)), (" 2e3 ", 2000)],
)
def test_decimals_from_files_are_read_exactly(text: str, value: object) -> None:
    assert parse_decimal(text) == value


@pytest.mark.parametrize("text", ["", "ten", "1.2.3", "nan", "inf", "1/2"])
def test_non_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_number_encodings() -> None:
    assert format_decimal(Fraction(3, 2)) == "1.5"
    assert format_decimal(Fraction(-1, 8)) == "-0.125"
    assert format_decimal(Fraction(1, 3)) == "1/3"
    assert to_json(Fraction(4, 2)) == 2
    assert from_json("-7/4") == Fraction(-7, 4)
    with pytest.raises(ValueError):
        from_json(True)


def test_the_engines_quick_steps_equal_ordinary_ones() -> None:
    from dataclasses import fields

    for step in sample().trace:
        values = {f.name: getattr(step, f.name) for f in fields(TraceStep)}
        quick = TraceStep.trusted(**values)
        assert quick == step and hash(quick) == hash(step)
        assert vars(quick).keys() == values.keys()  # every field set, no other attribute
        assert quick.to_json() == step.to_json()
