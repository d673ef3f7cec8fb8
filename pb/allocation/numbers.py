"""Exact numbers: the only kinds the engine accepts and returns are `int` and `Fraction`.

Floats never enter a decision. Money in a pabulib file may be written as a decimal ("1500.50");
it is read exactly as a `Fraction`. In JSON a `Fraction` travels as the string "p/q" (an `int` as a
JSON integer), so a stored outcome compares equal after a round trip, bit for bit.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational
from typing import TypeAlias

from pb.allocation.errors import InvalidElectionError

Number: TypeAlias = int | Fraction
"""An exact number: an `int`, or a `Fraction` whose denominator is not 1."""

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_RATIO = re.compile(r"-?\d+(/\d+)?")


def normalize(value: Rational | int) -> Number:
    """Return `value` as an `int` when it is whole, else as a `Fraction` (exactly)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number here")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    # gmpy2.mpq and other exact rationals expose numerator/denominator.
    numerator, denominator = int(value.numerator), int(value.denominator)
    return numerator if denominator == 1 else Fraction(numerator, denominator)


def exact(value: object, what: str) -> Number:
    """Accept an int, Fraction or Decimal as an exact number; refuse floats and the rest.

    `what` names the value in the error message ("cost of project 7").
    """
    if type(value) is int:
        return value
    if isinstance(value, bool):
        raise InvalidElectionError(f"{what} must be a number, not a boolean")
    if isinstance(value, int | Fraction):
        return normalize(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidElectionError(f"{what} must be a finite number, not {value}")
        return normalize(Fraction(value))
    if isinstance(value, float):
        raise InvalidElectionError(
            f"{what} must be exact (an int, a Fraction or a Decimal), not the float {value!r}"
        )
    if isinstance(value, Rational):
        return normalize(value)
    raise InvalidElectionError(f"{what} must be a number, not {type(value).__name__}")


def parse_decimal(text: str) -> Number:
    """Parse a decimal written in a file ("1500", "1500.50", "1,5", "2e3") exactly.

    A comma is accepted as the decimal separator, as some pabulib files use it. Raises
    `ValueError` for anything else.
    """
    cleaned = text.strip()
    if cleaned.isascii() and cleaned.isdigit():
        return int(cleaned)  # the common case, fast
    cleaned = cleaned.replace(",", ".")
    if not _DECIMAL.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}")
    try:
        return normalize(Fraction(Decimal(cleaned)))
    except (InvalidOperation, ValueError) as error:  # pragma: no cover - the regex guards this
        raise ValueError(f"not a number: {text!r}") from error


def format_decimal(value: Number) -> str:
    """Write an exact number as a plain decimal when it has one ("1500", "1500.5").

    A fraction with no finite decimal expansion (1/3) is written as "p/q"; pabulib files never
    need one, because costs and points written by people always are finite decimals.
    """
    value = normalize(value)
    if isinstance(value, int):
        return str(value)
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = value * 10**places
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def to_json(value: Number) -> int | str:
    """An exact number as JSON: an int stays an int, a Fraction becomes "p/q"."""
    value = normalize(value)
    if isinstance(value, int):
        return value
    return f"{value.numerator}/{value.denominator}"


def from_json(value: object) -> Number:
    """The inverse of `to_json`; refuses floats, which could not have come from `to_json`."""
    if isinstance(value, bool | float):
        raise ValueError(f"not an exact number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _RATIO.fullmatch(value):
        return normalize(Fraction(value))
    raise ValueError(f"not an exact number: {value!r}")
