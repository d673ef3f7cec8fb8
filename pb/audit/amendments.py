"""Amended configurations (voting extended or ended early): the verifier's side.

Pure (standard library and the pure parts of `pb.audit`), like the rest of the verifier.

A round's configuration is frozen when voting opens (entry round.frozen, with its SHA-256).
Before the count a councillor may amend it: extend voting, or end it early (pb.rounds.
amendments). Each amendment changes one field, `voting_close_at`, and is logged as a
round.amended entry naming the hash it replaces (`previous_config_hash`), the new hash
(`config_hash`), the field, its old and new values and the public reason. Ballots keep the
hash they were cast under, so a bundle of an amended round carries every version:

- config_versions.json: `{"format": "pb-config-versions-1", "versions": [{"config": {...},
  "sha256": ..., "entry": SEQ}, ...]}`, oldest first; `entry` is the seq of the log entry that
  recorded the version (round.frozen for the first, round.amended for each later one);
- config.json: the last version, the one the count used.

A bundle of a round never amended has no config_versions.json, and verifies as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pb.audit.bundle import CONFIG, CONFIG_VERSIONS, LOG, Bundle
from pb.audit.chain import canonical_json, sha256_hex
from pb.audit.verdict import Report, VerificationFailed

VERSIONS_FORMAT = "pb-config-versions-1"
FROZEN = "round.frozen"
AMENDED = "round.amended"
TALLIED = "round.tallied"
AMENDABLE_FIELDS = frozenset({"voting_close_at"})

Entry = Mapping[str, Any]


def current_entry(round_entries: Sequence[Entry], frozen: Entry) -> Entry:
    """The entry that recorded the configuration in force: the last amendment, else `frozen`."""
    amended = [e for e in round_entries if e["action"] == AMENDED]
    return amended[-1] if amended else frozen


def check_versions(
    bundle: Bundle, round_entries: Sequence[Entry], config_hash: str, report: Report
) -> frozenset[str]:
    """Every version of the configuration, chained by the log's amendments; returns their
    hashes (a ballot may have been cast under any of them)."""
    amended = [e for e in round_entries if e["action"] == AMENDED]
    if CONFIG_VERSIONS not in bundle.files:
        if amended:
            raise VerificationFailed(
                f"{LOG}: entry {amended[0]['seq']} ({AMENDED}) amends the configuration, but "
                f"the bundle has no {CONFIG_VERSIONS}"
            )
        return frozenset({config_hash})
    versions = _versions(bundle)
    frozen = [e for e in round_entries if e["action"] == FROZEN][-1]
    recorded = [frozen, *amended]
    if len(versions) != len(recorded):
        raise VerificationFailed(
            f"{CONFIG_VERSIONS}: {len(versions)} versions, but the log records {len(recorded)} "
            f"(one {FROZEN} entry and {len(amended)} {AMENDED})"
        )
    tallied = [e["seq"] for e in round_entries if e["action"] == TALLIED]
    for number, (version, entry) in enumerate(zip(versions, recorded, strict=True), start=1):
        _check_recorded(number, version, entry)
        if number > 1:
            _check_amendment(versions[number - 2], version, entry)
            if tallied and entry["seq"] > tallied[0]:
                raise VerificationFailed(
                    f"entry {entry['seq']} ({AMENDED}): amends the configuration after the count "
                    f"(entry {tallied[0]}, {TALLIED}); amendments are allowed only before it"
                )
    if canonical_json(versions[-1]["config"]).encode() != bundle.files[CONFIG]:
        raise VerificationFailed(
            f"{CONFIG_VERSIONS}: the last version is not {CONFIG} (the configuration counted)"
        )
    seqs = ", ".join(str(e["seq"]) for e in amended)
    report.facts.append(
        f"{CONFIG_VERSIONS}: {len(versions)} versions of the configuration; each amendment "
        f"(entries {seqs}) chains from the version before and changes only the field it names; "
        f"the count used the last one ({CONFIG})"
    )
    return frozenset(version["sha256"] for version in versions)


def _versions(bundle: Bundle) -> list[dict[str, Any]]:
    document = bundle.json(CONFIG_VERSIONS)
    if (
        not isinstance(document, dict)
        or document.get("format") != VERSIONS_FORMAT
        or not isinstance(document.get("versions"), list)
        or not document["versions"]
    ):
        raise VerificationFailed(f"{CONFIG_VERSIONS}: not a {VERSIONS_FORMAT} document")
    versions = document["versions"]
    for number, version in enumerate(versions, start=1):
        if not (
            isinstance(version, dict)
            and isinstance(version.get("config"), dict)
            and isinstance(version.get("sha256"), str)
            and type(version.get("entry")) is int
        ):
            raise VerificationFailed(
                f"{CONFIG_VERSIONS} version {number}: needs a config, its sha256 and its entry"
            )
    return versions


def _check_recorded(number: int, version: Mapping[str, Any], entry: Entry) -> None:
    """The version hashes to its sha256, which is the hash its log entry recorded."""
    where = f"{CONFIG_VERSIONS} version {number}"
    digest = sha256_hex(canonical_json(version["config"]))
    if digest != version["sha256"]:
        raise VerificationFailed(f"{where}: its configuration hashes to {digest}, not its sha256")
    if version["entry"] != entry["seq"]:
        raise VerificationFailed(
            f"{where}: names entry {version['entry']}, but the log recorded it in entry "
            f"{entry['seq']} ({entry['action']})"
        )
    if entry["data"].get("config_hash") != digest:
        raise VerificationFailed(
            f"{where}: SHA-256 {digest} is not the hash entry {entry['seq']} ({entry['action']}) "
            f"recorded ({entry['data'].get('config_hash')})"
        )


def _check_amendment(before: Mapping[str, Any], after: Mapping[str, Any], entry: Entry) -> None:
    """The amendment names the version before it and changes exactly the field it names."""
    data, seq = entry["data"], entry["seq"]
    where = f"entry {seq} ({AMENDED})"
    if data.get("previous_config_hash") != before["sha256"]:
        raise VerificationFailed(
            f"{where}: amends configuration {data.get('previous_config_hash')}, not the version "
            f"before it ({before['sha256']})"
        )
    field = data.get("field")
    if field not in AMENDABLE_FIELDS:
        raise VerificationFailed(
            f"{where}: {field!r} cannot be amended (only {', '.join(sorted(AMENDABLE_FIELDS))})"
        )
    old, new = before["config"], after["config"]
    changed = sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))
    if changed != [field]:
        raise VerificationFailed(
            f"{where}: the configuration changed {', '.join(changed) or 'nothing'}, but the "
            f"amendment names only {field}"
        )
    if (data.get("old_value"), data.get("new_value")) != (old[field], new[field]):
        raise VerificationFailed(
            f"{where}: {field} {data.get('old_value')} -> {data.get('new_value')} is not the "
            f"change between the versions ({old[field]} -> {new[field]})"
        )
    if not (isinstance(data.get("reason"), str) and data["reason"].strip()):
        raise VerificationFailed(f"{where}: gives no reason")
