"""`pb verify` on a round with paper ballots: paper.csv is checked against the count's log entry,
and ballots never exceed participations, in total and on paper (tampered bundles fail exactly)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pb.audit import bundle, export
from pb.audit.verify import VerificationFailed, verify_bundle
from pb.extensions import db
from tests.audit.helpers import (
    ballot_rows,
    head_of,
    log_entries,
    rechain,
    repack,
    resign,
    unpack,
)
from tests.conftest import make_app
from tests.paper.helpers import key_and_publish, paper_round

IMPOSTOR = Ed25519PrivateKey.generate()
Files = dict[str, bytes]


@pytest.fixture(scope="module")
def paper_bundle(sqlite_template, tmp_path_factory) -> Iterator[bytes]:  # type: ignore[no-untyped-def]
    """A published round: 2 ballots online, 3 paper marks, 3 paper ballots keyed twice."""
    path = tmp_path_factory.mktemp("paper") / "pb.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        run = paper_round(marks=3, online=2, voters=6)
        key_and_publish(run, (1,), (2,), (1, 2))
        data = export.round_bundle(run.round, None)
        db.session.remove()
        db.engine.dispose()
    yield data


def _tallied(entries: list[dict[str, Any]]) -> int:
    return next(i for i, e in enumerate(entries) if e.get("action") == "round.tallied")


def _edit_counts(files: Files, **channels: int) -> bytes:
    """The count's entry rewritten with other participations per channel, the chain
    recomputed and re-signed (an impostor's key), the manifest's counts to match."""
    entries = log_entries(files)
    at = _tallied(entries)
    data = entries[at]["data"]
    data["participated_by_channel"].update(channels)
    data["participated"] = sum(data["participated_by_channel"].values())
    rechain(entries, at)
    files[bundle.LOG] = "".join(_line(e) for e in entries).encode()
    resign(files, entries, IMPOSTOR)
    manifest = json.loads(files[bundle.MANIFEST])
    counts = dict(manifest["counts"], participated=data["participated"])
    counts["participated_by_channel"] = data["participated_by_channel"]
    return repack(files, log_head=head_of(entries), counts=counts)


def _line(entry: dict[str, Any]) -> str:
    from pb.audit.chain import canonical_json

    return canonical_json(entry) + "\n"


def test_the_paper_bundle_verifies_and_names_the_paper_ballots(paper_bundle: bytes) -> None:
    files = unpack(paper_bundle)
    assert len(ballot_rows(files)) == 2  # ballots.csv: the ballots cast online
    assert len(files[bundle.PAPER_CSV].decode().splitlines()) == 4  # header + 3 paper ballots
    manifest = json.loads(files[bundle.MANIFEST])
    assert manifest["counts"]["participated_by_channel"] == {
        "code": 0,
        "kiosk": 0,
        "paper": 3,
        "web": 2,
    }
    report = verify_bundle(paper_bundle)
    assert any("3 paper ballots for 3 paper marks" in fact for fact in report.facts)


def test_more_ballots_than_participations_fail(paper_bundle: bytes) -> None:
    tampered = _edit_counts(unpack(paper_bundle), web=1)
    with pytest.raises(VerificationFailed) as failure:
        verify_bundle(tampered)
    assert str(failure.value).endswith(
        "(round.tallied): 5 ballots but only 4 participations (ballots never exceed participations)"
    )


def test_more_paper_ballots_than_paper_marks_fail(paper_bundle: bytes) -> None:
    tampered = _edit_counts(unpack(paper_bundle), web=3, paper=2)
    with pytest.raises(VerificationFailed) as failure:
        verify_bundle(tampered)
    message = str(failure.value)
    assert message.startswith("paper.csv: 3 paper ballots but only 2 paper participations")
    assert message.endswith("(paper ballots never exceed the paper register's marks)")


def test_a_paper_ballot_removed_fails(paper_bundle: bytes) -> None:
    files = unpack(paper_bundle)
    text = files[bundle.PAPER_CSV].decode().splitlines()
    text.pop()
    files[bundle.PAPER_CSV] = ("\n".join(text) + "\n").encode()
    with pytest.raises(VerificationFailed) as failure:
        verify_bundle(repack(files))
    assert str(failure.value) == "ballots.pb: 5 votes, but ballots.csv and paper.csv have 4 ballots"


def test_a_paper_ballot_changed_in_every_file_but_the_log_fails(paper_bundle: bytes) -> None:
    files = unpack(paper_bundle)
    rows = list(csv.reader(io.StringIO(files[bundle.PAPER_CSV].decode())))
    ballot_id, _config, choices = rows[1]
    project = json.loads(choices)[0][0]
    config = json.loads(files[bundle.CONFIG])
    other = next(p["id"] for p in config["projects"] if p["id"] != project)
    rows[1][2] = f"[[{other},1]]"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    files[bundle.PAPER_CSV] = out.getvalue().encode()
    pb_text = files[bundle.BALLOTS_PB].decode()
    start = pb_text.index(f"\n{ballot_id};") + 1
    end = pb_text.index("\n", start)
    files[bundle.BALLOTS_PB] = (pb_text[:start] + f"{ballot_id};{other}" + pb_text[end:]).encode()
    with pytest.raises(VerificationFailed, match=r"^paper\.csv: the paper ballots do not hash"):
        verify_bundle(repack(files))
