"""Pairwise ballots as the platform stores them, and as the bundle publishes them (pairwise.csv).

Pure (standard library and `pb.allocation`): the ballot page, the tally, the export and the
offline verifier all use these functions, so they all read a ballot the same way.

**Storage.** A pairwise ballot is a set of answered pairs in which each project appears at most
once (the ballot page draws disjoint pairs). It is stored like every other ballot, as
`{project id: value}` (so receipts, the board, ballots.csv and the secrecy measures need nothing
new): the answered pairs are sorted by their smaller project id and numbered k = 1, 2, ...; in
pair k the preferred project gets the value 2k - 1 and the other 2k. So the values of a ballot
are exactly 1..2m for m answered pairs, and the odd value of each pair marks the preferred one.
Skipped pairs are not stored, and nothing records the order in which pairs were shown.

**pairwise.csv** (pabulib has no pairwise type, so this file takes the place of ballots.pb):
header `receipt,preferred,other`, then one line per answered comparison; ballots in receipt
order (as in ballots.csv), each ballot's comparisons in the storage order above.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from pb.allocation import PairwiseBallot
from pb.audit.bundle import BALLOTS_PB, PAIRWISE_CSV

COLUMNS = ("receipt", "preferred", "other")

Comparison = tuple[int, int]
"""(preferred project id, other project id)."""


class PairwiseFormatError(ValueError):
    """Stored choices that are not a pairwise ballot (the message says why, in English)."""


def encode(comparisons: Iterable[Comparison]) -> dict[int, int]:
    """The stored choices of a ballot with these answers (see the module docstring)."""
    ordered = sorted(comparisons, key=lambda pair: min(pair))
    seen: set[int] = set()
    choices: dict[int, int] = {}
    for number, (preferred, other) in enumerate(ordered, start=1):
        if preferred == other or preferred in seen or other in seen:
            raise PairwiseFormatError("each project appears in at most one pair of a ballot")
        seen.update((preferred, other))
        choices[preferred], choices[other] = 2 * number - 1, 2 * number
    return choices


def decode(choices: Mapping[int, int]) -> list[Comparison]:
    """The answers a stored ballot holds, in storage order; raises `PairwiseFormatError` unless
    `choices` is exactly what `encode` writes for them."""
    by_value = {value: pid for pid, value in choices.items()}
    if sorted(by_value) != list(range(1, len(choices) + 1)) or len(choices) % 2:
        raise PairwiseFormatError(
            "a pairwise ballot gives the values 1, 2, ..., 2m once each (m answered pairs)"
        )
    comparisons = [(by_value[k], by_value[k + 1]) for k in range(1, len(choices), 2)]
    if encode(comparisons) != dict(choices):
        raise PairwiseFormatError("a pairwise ballot lists its pairs by their smaller project id")
    return comparisons


def preferred(choices: Mapping[int, int]) -> list[int]:
    """The projects a stored ballot preferred (its "votes" on the results page)."""
    return [pid for pid, value in choices.items() if value % 2 == 1]


def engine_ballot(choices: Mapping[int, int]) -> PairwiseBallot:
    return PairwiseBallot(tuple((str(a), str(b)) for a, b in decode(choices)))


def write_csv(ballots: Iterable[tuple[str, Mapping[int, int]]]) -> str:
    """pairwise.csv for (receipt, stored choices) pairs given in receipt order."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(COLUMNS)
    for receipt, choices in ballots:
        for preferred, other in decode(choices):
            out.writerow([receipt, preferred, other])
    return buffer.getvalue()


def read_csv(text: str) -> dict[str, list[Comparison]]:
    """Receipt -> comparisons, in file order; raises `PairwiseFormatError` naming the line."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise PairwiseFormatError(f"{PAIRWISE_CSV}: the header must be {','.join(COLUMNS)}")
    found: dict[str, list[Comparison]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(COLUMNS) or not all(_is_id(cell) for cell in row[1:]):
            raise PairwiseFormatError(
                f"{PAIRWISE_CSV} line {line}: expected a receipt and two project ids"
            )
        found.setdefault(row[0], []).append((int(row[1]), int(row[2])))
    return found


def same_ballots(text: str, expected: Sequence[tuple[str, Mapping[int, int]]]) -> None:
    """Raise `PairwiseFormatError` unless pairwise.csv holds exactly `expected`'s comparisons
    (receipt, stored choices), in the documented order."""
    found = read_csv(text)
    receipts = [receipt for receipt, _choices in expected]
    if list(found) != receipts:
        known = set(receipts)
        extra = next((r for r in found if r not in known), None)
        missing = next((r for r in receipts if r not in found), None)
        if extra is not None:
            raise PairwiseFormatError(f"{PAIRWISE_CSV}: ballot {extra} is not in ballots.csv")
        if missing is not None:
            raise PairwiseFormatError(f"{PAIRWISE_CSV}: ballot {missing} of ballots.csv is missing")
        raise PairwiseFormatError(f"{PAIRWISE_CSV}: ballots are not in receipt order")
    for receipt, choices in expected:
        if found[receipt] != decode(choices):
            raise PairwiseFormatError(
                f"{PAIRWISE_CSV}: the comparisons of ballot {receipt} differ from its receipted "
                "choices in ballots.csv"
            )
    if text != write_csv(expected):
        raise PairwiseFormatError(f"{PAIRWISE_CSV}: not written in the documented form")


def check_files(names: Iterable[str], vote_type: str) -> None:
    """A pairwise round's bundle has pairwise.csv and no ballots.pb; any other round's bundle
    has ballots.pb and no pairwise.csv (raises `PairwiseFormatError`)."""
    present = set(names)
    wanted, unwanted = (
        (PAIRWISE_CSV, BALLOTS_PB) if vote_type == "pairwise" else (BALLOTS_PB, PAIRWISE_CSV)
    )
    if wanted not in present:
        raise PairwiseFormatError(
            f"{wanted}: missing from the bundle of a round with {vote_type} ballots"
        )
    if unwanted in present:
        raise PairwiseFormatError(
            f"{unwanted}: does not belong in the bundle of a round with {vote_type} ballots"
        )


def _is_id(cell: str) -> bool:
    return cell.isascii() and cell.isdigit() and 0 < len(cell) <= 12 and cell[0] != "0"
