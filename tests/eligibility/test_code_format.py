"""Access codes as typed: 80 random bits in Crockford's base32 without look-alikes, and a check
symbol that catches every single wrong symbol and every swap of two adjacent symbols."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from pb.eligibility import codes

payloads = st.text(alphabet=codes.ALPHABET, min_size=codes.PAYLOAD, max_size=codes.PAYLOAD)


def _code(payload: str) -> str:
    return payload + codes.check_symbol(payload)


def test_a_code_holds_at_least_80_random_bits_without_look_alikes() -> None:
    assert len(codes.ALPHABET) == len(set(codes.ALPHABET)) == 32
    assert not set("ILOU") & set(codes.ALPHABET)
    assert codes.PAYLOAD * math.log2(len(codes.ALPHABET)) >= 80
    made = {codes.generate() for _ in range(2000)}
    assert len(made) == 2000
    for code in made:
        assert len(code) == codes.LENGTH and set(code) <= set(codes.ALPHABET)
        assert codes.is_valid(code)
    # every symbol turns up in every payload position (random, not a fixed pattern)
    for position in range(codes.PAYLOAD):
        assert {code[position] for code in made} == set(codes.ALPHABET)


@given(payloads)
def test_every_single_wrong_symbol_is_caught(payload: str) -> None:
    code = _code(payload)
    for position in range(codes.LENGTH):
        for symbol in codes.ALPHABET:
            if symbol != code[position]:
                assert not codes.is_valid(code[:position] + symbol + code[position + 1 :])


@given(payloads)
def test_every_swap_of_adjacent_symbols_is_caught(payload: str) -> None:
    code = _code(payload)
    for position in range(codes.LENGTH - 1):
        a, b = code[position], code[position + 1]
        if a != b:
            assert not codes.is_valid(code[:position] + b + a + code[position + 2 :])


@given(payloads, st.sampled_from(["lower", "spaced", "look-alikes"]))
def test_a_code_typed_loosely_reads_as_printed(payload: str, style: str) -> None:
    code = _code(payload)
    typed = codes.grouped(code)
    if style == "lower":
        typed = typed.lower()
    elif style == "spaced":
        typed = " ".join(code[i : i + 2] for i in range(0, len(code), 2))
    else:
        typed = typed.replace("1", "l").replace("0", "O")
    assert codes.canonical(typed) == code


@given(st.text(max_size=80))
def test_anything_else_is_refused_without_a_lookup(typed: str) -> None:
    try:
        code = codes.canonical(typed)
    except codes.CodeFormatError:
        return
    assert codes.is_valid(code) and len(code) == codes.LENGTH


def test_grouped_as_printed() -> None:
    assert codes.grouped("7K3MQ9TZX2HD5WVAR") == "7K3M-Q9TZ-X2HD-5WVA-R"
