"""Access codes as people type them: making, checking and normalising. No database here.

A code is 16 random symbols of Crockford's base32 (0-9 and A-Z without I, L, O and U: no
look-alikes), 80 bits from `secrets`, then one check symbol, printed in groups of four:
`7K3M-Q9TZ-X2HD-5WVA-R`. Typing is forgiving the way Crockford's alphabet intends: case, spaces
and hyphens are ignored, and I/L are read as 1, O as 0.

The check symbol is Damm's algorithm over the field with 32 elements: step(r, s) = x·r + s in
GF(32) (x the generator; + is XOR), and the check symbol c makes the final step 0. The operation
is a totally anti-symmetric quasigroup, so every single wrong symbol and every swap of two
adjacent symbols (the check symbol included) is caught, with a check symbol from the same 32
letters. Crockford's own mod-37 check would need five extra symbols (* ~ $ = U) that are awkward
on a letter and a phone keyboard; hence this small module rather than a library.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
READ_AS = {"I": "1", "L": "1", "O": "0"}  # look-alikes people may type
PAYLOAD = 16  # symbols: 16 x 5 = 80 bits
LENGTH = PAYLOAD + 1
GROUP = 4
MAX_TYPED = 64  # characters accepted from a form before anything else is looked at
_FIELD = 0b100101  # x^5 + x^2 + 1, irreducible: GF(32)


class CodeFormatError(ValueError):
    """Not a well-formed code: wrong length, a symbol outside the alphabet, a wrong check."""


def _step(interim: int, value: int) -> int:
    doubled = interim << 1
    if doubled & 0b100000:
        doubled ^= _FIELD
    return doubled ^ value


def check_symbol(payload: str) -> str:
    """The symbol that makes Damm's interim value 0 after it."""
    interim = 0
    for symbol in payload:
        interim = _step(interim, VALUE[symbol])
    return ALPHABET[_step(interim, 0)]  # x·r + c = 0  <=>  c = x·r (characteristic 2)


def is_valid(canonical: str) -> bool:
    """True when a canonical code (LENGTH symbols of the alphabet) has a correct check."""
    interim = 0
    for symbol in canonical:
        interim = _step(interim, VALUE[symbol])
    return interim == 0


def generate() -> str:
    """A new code in canonical form (no hyphens): 80 random bits and the check symbol."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD))
    return payload + check_symbol(payload)


def grouped(canonical: str) -> str:
    """`7K3MQ9TZX2HD5WVAR` -> `7K3M-Q9TZ-X2HD-5WVA-R` (as printed)."""
    return "-".join(canonical[i : i + GROUP] for i in range(0, len(canonical), GROUP))


def canonical(typed: str) -> str:
    """The code someone typed, normalised and checked; raises CodeFormatError otherwise.

    Nothing but the text is looked at: a mistyped code is refused before any database lookup."""
    if len(typed) > MAX_TYPED:
        raise CodeFormatError("too long")
    symbols = []
    for character in typed.upper():
        if character in " -\t":
            continue
        character = READ_AS.get(character, character)
        if character not in VALUE:
            raise CodeFormatError("symbol")
        symbols.append(character)
    code = "".join(symbols)
    if len(code) != LENGTH:
        raise CodeFormatError("length")
    if not is_valid(code):
        raise CodeFormatError("check")
    return code
