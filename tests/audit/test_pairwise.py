"""A pairwise round's bundle: pairwise.csv instead of ballots.pb, `pb verify` recounts from it,
and every edit of it (or of ballots.csv behind it) is caught."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask

from pb.audit import bundle
from pb.audit.pairwise import COLUMNS, encode
from pb.audit.verify import VerificationFailed, verify_bundle
from tests.audit.helpers import Published, ballot_row, ballot_rows, repack, run_round, unpack
from tests.audit.test_cli import pb

COSTS = (30_000, 50_000, 40_000, 20_000, 10_000)
# project indexes: 0 beats 1 twice; 2 beats 3; 4 beats 0 once (0 and 4 meet once)
BALLOTS = [
    encode([(0, 1), (2, 3)]),
    encode([(0, 1)]),
    encode([(4, 0), (3, 2)]),
    encode([(2, 3), (1, 4)]),
]


@pytest.fixture
def published(app: Flask) -> Published:
    return run_round(
        BALLOTS,
        costs=COSTS,
        budget=100_000,
        ballot_format="pairwise",
        ballot_params={"pairs": 2},
        rule="pairwise-copeland",
    )


def rows(files: dict[str, bytes]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(files[bundle.PAIRWISE_CSV].decode(), newline="")))


def write(files: dict[str, bytes], table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    return repack({**files, bundle.PAIRWISE_CSV: buffer.getvalue().encode()})


def test_the_bundle_carries_pairwise_csv_and_verifies(published: Published) -> None:
    files = unpack(published.data)
    assert bundle.BALLOTS_PB not in files
    table = rows(files)
    assert tuple(table[0]) == COLUMNS
    ids = [p.id for p in published.setup.projects]
    assert [row[0] for row in table[1:]] == sorted(row[0] for row in table[1:])
    # pb-bundle-2 (issue 12): comparisons name the ballot id of ballots.csv, never a receipt
    ballot_ids = {row[0] for row in ballot_rows(files)}
    assert {row[0] for row in table[1:]} == ballot_ids
    assert not ballot_ids & set(published.cast_order)
    assert len(table) - 1 == sum(len(b) // 2 for b in BALLOTS)  # one line per comparison
    assert [str(ids[0]), str(ids[1])] in [row[1:] for row in table]
    report = verify_bundle(published.data)
    assert any("pairwise.csv holds the same ballots" in fact for fact in report.facts)
    assert any(
        fact.startswith("results.json: recounted with pairwise-copeland") for fact in report.facts
    )
    results = json.loads(files[bundle.RESULTS])
    assert ids.index(int(results["outcome"]["selected"][0])) in (0, 2)


def test_pb_verify_on_the_command_line(published: Published, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bundle.zip"
    path.write_bytes(published.data)
    done = pb("verify", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "pairwise.csv" in done.stdout


def test_swapping_a_comparison_is_caught(published: Published) -> None:
    files = unpack(published.data)
    table = rows(files)
    table[1] = [table[1][0], table[1][2], table[1][1]]  # the other project preferred
    with pytest.raises(VerificationFailed, match=r"pairwise\.csv: the comparisons of ballot"):
        verify_bundle(write(files, table))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t[:1] + t[2:], r"pairwise\.csv"),  # a comparison dropped
        (lambda t: [*t, t[1]], r"pairwise\.csv"),  # a comparison repeated
        (lambda t: [t[0], *reversed(t[1:])], r"pairwise\.csv"),  # reordered
        (lambda t: [["receipt", "winner", "loser"], *t[1:]], r"pairwise\.csv: the header"),
        (lambda t: [*t, ["f" * 64, "1", "2"]], r"pairwise\.csv: ballot f+ is not in ballots"),
        (lambda t: [*t[:1], [t[1][0], t[1][1], "x"], *t[2:]], r"pairwise\.csv line 2"),
    ],
)
def test_editing_pairwise_csv_is_caught(published: Published, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    files = unpack(published.data)
    with pytest.raises(VerificationFailed, match=message):
        verify_bundle(write(files, edit(rows(files))))


def test_a_bundle_without_pairwise_csv_or_ballots_pb_is_refused(published: Published) -> None:
    files = unpack(published.data)
    del files[bundle.PAIRWISE_CSV]
    with pytest.raises(VerificationFailed, match=r"does not list ballots\.pb"):
        verify_bundle(repack(files))


def test_changing_a_ballot_behind_a_consistent_pairwise_csv_is_caught(
    published: Published,
) -> None:
    """The tamperer rewrites ballots.csv and pairwise.csv to agree: the ballots no longer hash
    to the digest the log recorded when they were sealed at close."""
    files = unpack(published.data)
    table = ballot_rows(files)
    ballot_id, config_hash, choices = table[0]
    stored = {pid: value for pid, value in json.loads(choices)}
    flipped = {pid: value + 1 if value % 2 else value - 1 for pid, value in stored.items()}
    edited = sorted([ballot_row(ballot_id, config_hash, flipped), *table[1:]])
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerows([list(bundle.SEPARATE_BALLOT_COLUMNS), *edited])
    files[bundle.BALLOTS_CSV] = buffer.getvalue().encode()
    from pb.audit.pairwise import write_csv

    files[bundle.PAIRWISE_CSV] = write_csv(
        (r[0], {pid: v for pid, v in json.loads(r[2])}) for r in edited
    ).encode()
    with pytest.raises(VerificationFailed, match=r"ballots do not hash to the ballots_sha256"):
        verify_bundle(repack(files))


def test_a_stored_ballot_that_is_not_a_pairwise_ballot_is_caught(published: Published) -> None:
    files = unpack(published.data)
    config = json.loads(files[bundle.CONFIG])
    table = ballot_rows(files)
    ballot_id, config_hash, _choices = table[0]
    ids = [p["id"] for p in config["projects"]]
    row = ballot_row(ballot_id, config_hash, {ids[0]: 1, ids[1]: 3})
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [list(bundle.SEPARATE_BALLOT_COLUMNS), *sorted([row, *table[1:]])]
    )
    files[bundle.BALLOTS_CSV] = buffer.getvalue().encode()
    with pytest.raises(VerificationFailed, match=r"values 1, 2, \.\.\., 2m"):
        verify_bundle(repack(files))


def test_a_pabulib_file_in_a_pairwise_bundle_is_refused(published: Published) -> None:
    files = unpack(published.data)
    files[bundle.BALLOTS_PB] = b"META\nkey;value\n"
    with pytest.raises(
        VerificationFailed,
        match=r"ballots\.pb: does not belong in the bundle of a round with pairwise",
    ):
        verify_bundle(repack(files))


def test_pairwise_csv_in_another_rounds_bundle_is_refused(app: Flask) -> None:
    files = unpack(run_round([{0: 1}, {1: 1}]).data)
    files[bundle.PAIRWISE_CSV] = b"receipt,preferred,other\n"
    with pytest.raises(
        VerificationFailed,
        match=r"pairwise\.csv: does not belong in the bundle of a round with approval",
    ):
        verify_bundle(repack(files))
