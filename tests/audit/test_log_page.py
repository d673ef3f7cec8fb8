"""The auditor's audit log: filtered by action, role and date, exported as CSV, and told in
labels and amounts with the raw JSON behind a details toggle."""

from __future__ import annotations

import csv
import io
import pathlib
import re

from flask import Flask

from pb.accounts.models import Role
from pb.audit.labels import ACTION_LABELS
from pb.rounds.models import Phase
from tests import factories


def _auditor(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    factories.login(client, factories.user(Role.AUDITOR))
    return client


def test_entries_read_as_labels_and_amounts(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.REVIEW)
    page = _auditor(app).get("/audit/log?action=round.created").text
    assert "<td>Round created</td>" in page and "<td><code>round.created" not in page
    budget = setup.round.budget
    assert f"£{budget // 100:,}.00" in page  # pence shown as pounds
    assert f"&#34;budget&#34;:{budget}" in page  # the raw JSON, as hashed, is kept
    assert "<details><summary>Details</summary>" in page


def test_filters_narrow_the_page_and_the_csv(app: Flask) -> None:
    factories.round_in_phase(Phase.REVIEW)
    client = _auditor(app)
    page = client.get("/audit/log?role=councillor&action=round.phase_changed").text
    assert "<td>Round moved to another phase</td>" in page
    assert "<td>Proposal submitted</td>" not in page
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/audit/log.csv?role=councillor").data.decode("utf-8-sig"))
        )
    )
    assert rows and {row["actor_role"] for row in rows} == {"councillor"}
    assert {"seq", "entry_hash", "prev_hash", "data"} <= set(rows[0])
    assert client.get("/audit/log.csv?since=2999-01-01").data.decode("utf-8-sig").count("\n") == 1


def test_odd_filter_values_are_ignored_not_refused(app: Flask) -> None:
    client = _auditor(app)
    for query in ("since=yesterday", "until=2026-13-45", "action=" + "x" * 5000, "role=%FF"):
        assert client.get(f"/audit/log?{query}").status_code == 200
        assert client.get(f"/audit/log.csv?{query}").status_code == 200
    assert client.get("/audit/log?role=%00").status_code == 400  # NUL is refused site-wide


def test_every_action_the_code_records_has_a_label() -> None:
    recorded = set()
    for path in pathlib.Path("pb").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        recorded |= set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', text))
        recorded |= set(re.findall(r'action = "([a-z_]+\.[a-z_]+)" if', text))
        recorded |= set(re.findall(r'else "([a-z_]+\.[a-z_]+)"', text))
        recorded |= set(re.findall(r'^SEALED = "([a-z_]+\.[a-z_]+)"', text, flags=re.M))
    assert recorded and not recorded - set(ACTION_LABELS)
