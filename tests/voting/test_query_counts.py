"""How many SQL statements each step of the ballot flow runs, pinned: a new query on the hot path
(or a lazy load in a template, one per project) shows here first. If a change needs one more,
raise the figure in the same commit and say why. Measured on a signed-in resident of an
e-mail-verified round with three projects; bench/request_cpu.py --statements gives the same on
the demo (a census round: one more lookup)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from pb.rounds.models import Phase
from tests import factories
from tests.sql import recorded_statements

# Statements that read or write rows (BEGIN and savepoints differ between SQLite and PostgreSQL).
READS_AND_WRITES = {"SELECT", "INSERT", "UPDATE", "DELETE"}
# Every step: the user with their session, the round and "may they vote, did they already" (the
# census entry and the participations), in one statement (pb/accounts/sessions.py: `with_round`,
# `with_census`; who may vote needs the round's wards: a frozen round's are read once per
# process, by the first step that asks); on the ballot page and the review the same statement
# also reads the header's counts (notifications, notices, rating invitations: pb/header.py
# `with_counts`). A frozen round's ballot projects are read once per process and texts version,
# by the first step that shows them (pb/voting/cards.py; 2026-12-04: the ballot page and the
# review read them on every request, the receipt its chosen projects): the review's and the
# receipt's chosen projects come from them. The cast adds three inserts (participation, ballot,
# one choice), reads neither the participation (the unique constraint answers) nor any project
# (tests/voting/test_frozen_ballot.py); the receipt (not a ballot step: the user's statement
# alone) adds the header's counts, the participation and the voter's ballot with its choices
# (one statement).
# On SQLite the cast reads the round's phase once more, under the write lock it takes only for
# its writes (pb/db.py `start_writing`).
EXPECTED = {"ballot": 1, "review": 1, "cast": 4, "receipt": 5}
SQLITE_EXTRA = {"cast": 1}


def _reads_or_writes(statement: str) -> bool:
    return statement.lstrip().split(" ", 1)[0].upper() in READS_AND_WRITES


def _count(client: FlaskClient, method: str, path: str, **kwargs: object) -> int:
    with recorded_statements(_reads_or_writes) as seen:
        response = client.open(path, method=method, **kwargs)  # type: ignore[arg-type]
    assert response.status_code in (200, 302), (path, response.status_code)
    return len(seen)


def test_the_ballot_flow_runs_a_fixed_number_of_statements(app: Flask, database_url: str) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    base = f"/rounds/{setup.round.id}/ballot"
    choice = {f"project-{setup.projects[0].id}": "1"}
    first = _count(client, "GET", base)  # the frozen round's wards and projects, once per process
    counts = {
        "ballot": _count(client, "GET", base),
        "review": _count(client, "POST", base + "/review", data=choice),
        "cast": _count(client, "POST", base + "/cast", data=choice),
        "receipt": _count(client, "GET", base + "/receipt"),
    }
    extra = SQLITE_EXTRA if database_url.startswith("sqlite") else {}
    assert counts == {step: count + extra.get(step, 0) for step, count in EXPECTED.items()}
    assert first == counts["ballot"] + 2
