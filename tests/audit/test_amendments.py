"""An amended round (voting extended, then ended early) exports and verifies; tampering with
its configuration versions fails with an exact message.

The round: two ballots cast under the frozen configuration, voting extended (version 2), one
voter's revote and a new ballot under version 2, then voting ended early (version 3, counted).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from pb.audit import amendments, bundle
from pb.audit.chain import canonical_json, sha256_hex
from pb.audit.verdict import Report
from pb.audit.verify import VerificationFailed, verify_bundle
from pb.extensions import db
from pb.rounds import amendments as rounds_amendments
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.voting import services as voting
from tests import factories
from tests.audit.helpers import ballot_rows, repack, unpack, write_ballots
from tests.conftest import make_app

VERSIONS = bundle.CONFIG_VERSIONS


def _amended_round() -> tuple[bytes, list[str]]:
    setup = factories.round_in_phase(Phase.VOTING, voters=3)
    round_, voters, projects = setup.round, setup.voters, setup.projects
    hashes = [round_.config_hash or ""]
    moment = round_.voting_open_at + timedelta(minutes=1)
    with factories.writing():
        secret = voting.cast(round_, voters[0], {projects[0].id: 1}, now=moment).revote_secret
        voting.cast(round_, voters[1], {projects[0].id: 1, projects[1].id: 1}, now=moment)
    with factories.writing():
        later = round_.voting_close_at + timedelta(days=1)
        rounds_amendments.extend_voting(
            round_, later, "Outage on Saturday.", actor=setup.councillor
        )
        hashes.append(round_.config_hash or "")
    with factories.writing():
        voting.replace(round_, voters[0], secret or "", {projects[2].id: 1}, now=moment)
        voting.cast(round_, voters[2], {projects[1].id: 1}, now=moment)
    with factories.writing():
        rounds_amendments.end_voting_early(round_, "Council decision.", actor=setup.councillor)
        hashes.append(round_.config_hash or "")
    with factories.writing():
        rounds.advance_phase(round_, actor=setup.councillor)
    from pb.audit import export

    data = export.round_bundle(round_, None)
    db.session.commit()
    return data, hashes


@pytest.fixture(scope="module")
def amended(sqlite_template, tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("amended") / "pb.db"
    shutil.copyfile(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        data, hashes = _amended_round()
        db.session.remove()
        db.engine.dispose()
    yield {"data": data, "hashes": hashes}


def test_an_amended_round_verifies_with_every_version(amended: dict[str, Any]) -> None:
    report = verify_bundle(amended["data"])
    files = unpack(amended["data"])
    document = json.loads(files[VERSIONS])
    assert document["format"] == "pb-config-versions-1"
    assert [v["sha256"] for v in document["versions"]] == amended["hashes"]
    assert canonical_json(document["versions"][-1]["config"]).encode() == files[bundle.CONFIG]
    # the ballot kept from before the extension, and two cast under it
    cast_under = sorted(row[1] for row in ballot_rows(files))
    assert cast_under == sorted([amended["hashes"][0], amended["hashes"][1], amended["hashes"][1]])
    results = json.loads(files[bundle.RESULTS])
    assert results["config_hash"] == amended["hashes"][-1] and results["ballot_count"] == 3
    assert any(fact.startswith(f"{VERSIONS}: 3 versions") for fact in report.facts)


def test_an_unamended_round_has_no_versions_file(app: Flask) -> None:
    from tests.audit.helpers import run_round

    run = run_round([{0: 1}])
    assert VERSIONS not in unpack(run.data)
    verify_bundle(run.data)


def _tampered(amended: dict[str, Any], edit: Callable[[dict[str, bytes]], None]) -> bytes:
    files = unpack(amended["data"])
    edit(files)
    return repack(files)


def _edit_versions(edit: Callable[[list[dict[str, Any]]], None]) -> Callable[[dict], None]:
    def apply(files: dict[str, bytes]) -> None:
        document = json.loads(files[VERSIONS])
        edit(document["versions"])
        files[VERSIONS] = bundle.dumps(document)

    return apply


def _drop_versions(files: dict[str, bytes]) -> None:
    del files[VERSIONS]


def _retitle_first(versions: list[dict[str, Any]]) -> None:
    versions[0]["config"]["title"] = "Another round"
    versions[0]["sha256"] = sha256_hex(canonical_json(versions[0]["config"]))


def _not_a_document(files: dict[str, bytes]) -> None:
    files[VERSIONS] = b'{"format": "x"}\n'


def _ballot_under_unknown_hash(files: dict[str, bytes]) -> None:
    rows = ballot_rows(files)
    rows[0][1] = "f" * 64
    write_ballots(files, rows)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_drop_versions, f"amends the configuration, but the bundle has no {VERSIONS}"),
        (
            _edit_versions(lambda versions: versions.pop(0)),
            f"{VERSIONS}: 2 versions, but the log records 3 (one round.frozen entry and 2 "
            "round.amended)",
        ),
        (_edit_versions(_retitle_first), f"{VERSIONS} version 1: SHA-256 "),
        (
            _edit_versions(lambda versions: versions[1].update(sha256="0" * 64)),
            f"{VERSIONS} version 2: its configuration hashes to ",
        ),
        (
            _edit_versions(lambda versions: versions[2].update(entry=1)),
            f"{VERSIONS} version 3: names entry 1, but the log recorded it in entry ",
        ),
        (
            _edit_versions(lambda versions: versions.append(versions[-1])),
            f"{VERSIONS}: 4 versions, but the log records 3",
        ),
        (_not_a_document, f"{VERSIONS}: not a pb-config-versions-1 document"),
        (_ballot_under_unknown_hash, f"cast under configuration {'f' * 64}, none of the round's 3"),
    ],
)
def test_tampered_versions_fail_exactly(
    amended: dict[str, Any], edit: Callable[[dict[str, bytes]], None], message: str
) -> None:
    with pytest.raises(VerificationFailed) as failure:
        verify_bundle(_tampered(amended, edit))
    assert message in str(failure.value)


# The log's amendment entries are signed into the chain, so the pure checks are tried on a
# bundle built by hand: what a platform that broke the rules (or a forger) would have written.


def _config(close: str, **changes: Any) -> dict[str, Any]:
    return {"round_id": 7, "title": "A round", "voting_close_at": close, **changes}


def _situation(
    second: dict[str, Any], **amendment: Any
) -> tuple[bundle.Bundle, list[dict[str, Any]]]:
    first = _config("2026-01-02T00:00:00.000000Z")
    first_hash, second_hash = (sha256_hex(canonical_json(c)) for c in (first, second))
    data = {
        "kind": "extended",
        "field": "voting_close_at",
        "old_value": first["voting_close_at"],
        "new_value": second["voting_close_at"],
        "reason": "Outage.",
        "previous_config_hash": first_hash,
        "config_hash": second_hash,
    } | amendment
    entries = [
        {"seq": 3, "action": "round.frozen", "data": {"config_hash": first_hash}},
        {"seq": 5, "action": "round.amended", "data": data},
        {"seq": 9, "action": "round.tallied", "data": {}},
    ]
    versions = [
        {"config": first, "sha256": first_hash, "entry": 3},
        {"config": second, "sha256": second_hash, "entry": 5},
    ]
    files = {
        bundle.CONFIG: canonical_json(second).encode(),
        VERSIONS: bundle.dumps({"format": amendments.VERSIONS_FORMAT, "versions": versions}),
    }
    return bundle.Bundle({}, files), entries


LATER = "2026-01-03T00:00:00.000000Z"


def test_the_hand_built_amendment_verifies() -> None:
    found, entries = _situation(_config(LATER))
    hashes = amendments.check_versions(found, entries, "ignored", Report())
    assert hashes == {entries[0]["data"]["config_hash"], entries[1]["data"]["config_hash"]}


@pytest.mark.parametrize(
    ("second", "amendment", "message"),
    [
        (
            _config(LATER, title="Renamed"),
            {},
            "entry 5 (round.amended): the configuration changed title, voting_close_at, but the "
            "amendment names only voting_close_at",
        ),
        (
            _config(LATER),
            {"previous_config_hash": "a" * 64},
            f"entry 5 (round.amended): amends configuration {'a' * 64}, not the version before it",
        ),
        (
            _config(LATER),
            {"field": "budget"},
            "entry 5 (round.amended): 'budget' cannot be amended (only voting_close_at)",
        ),
        (
            _config(LATER),
            {"new_value": "2027-01-01T00:00:00.000000Z"},
            "entry 5 (round.amended): voting_close_at 2026-01-02T00:00:00.000000Z -> "
            "2027-01-01T00:00:00.000000Z is not the change between the versions",
        ),
        (_config(LATER), {"reason": "  "}, "entry 5 (round.amended): gives no reason"),
    ],
)
def test_a_forged_amendment_fails_exactly(
    second: dict[str, Any], amendment: dict[str, Any], message: str
) -> None:
    found, entries = _situation(second, **amendment)
    with pytest.raises(VerificationFailed) as failure:
        amendments.check_versions(found, entries, "ignored", Report())
    assert str(failure.value).startswith(message)


def test_an_amendment_after_the_count_fails() -> None:
    found, entries = _situation(_config(LATER))
    entries[1]["seq"], entries[2]["seq"] = 9, 5
    found.files[VERSIONS] = found.files[VERSIONS].replace(b'"entry": 5', b'"entry": 9')  # type: ignore[index]
    with pytest.raises(VerificationFailed) as failure:
        amendments.check_versions(found, entries, "ignored", Report())
    assert str(failure.value) == (
        "entry 9 (round.amended): amends the configuration after the count (entry 5, "
        "round.tallied); amendments are allowed only before it"
    )
