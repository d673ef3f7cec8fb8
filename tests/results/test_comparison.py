"""The rule comparison pages: a counted round's (same visibility as its results), its CSV, and
the public upload of a pabulib file (read in memory, refused with a 4xx when it is not one)."""

from __future__ import annotations

import csv
import io
import time

from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import EnvironBuilder, encode_multipart

from pb.accounts.models import Role
from pb.allocation import allocate
from pb.allocation import comparison as allocation_comparison
from pb.results import comparison, engine
from pb.rounds.models import Phase
from pb.voting import services as voting
from tests import factories

from ..allocation.conftest import LOCAL_PABULIB

# budget 100k; costs 30k, 50k, 40k
APPROVALS = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}, {1: 1}]
SWIECIE = LOCAL_PABULIB / "Poland_Swiecie_2023.pb"


def test_a_published_round_compares_every_rule_on_its_own_ballots(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    page = app.test_client().get(f"/rounds/{setup.round.id}/results/compare")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Equal Shares (no completion)" in text and "Sequential Phragmén" in text
    assert "(the rule used)" in text and "<svg" in text
    # the funded projects under Equal Shares are exactly what the engine funds
    ballots = [voting.choices_of(b) for b in voting.round_ballots(setup.round)]
    instance, profile = engine.build_election(setup.round, ballots)
    expected = allocate(instance, profile, "equalshares")
    result = comparison.for_round(setup.round, None)
    column = next(c for c in result.columns if c.rule == "equalshares")
    titles = {str(p.id): p.title for p in setup.projects}
    assert [title for title, _cost in column.funded] == [titles[p] for p in expected.selected]
    assert column.measures["share_with_funded_project"] > 0 and column.paragraph


def test_the_csv_has_one_line_per_rule_with_the_measure_names(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    response = app.test_client().get(f"/rounds/{setup.round.id}/results/compare.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert {row["rule"] for row in rows} >= {"greedy", "equalshares", "phragmen"}
    greedy = next(row for row in rows if row["rule"] == "greedy")
    assert greedy["status"] == "ok" and float(greedy["share_with_funded_project"]) <= 1


def test_unpublished_comparisons_follow_the_results_policy(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    client = app.test_client()
    assert client.get(f"/rounds/{setup.round.id}/results/compare").status_code == 404
    factories.login(client, factories.user(Role.AUDITOR))
    assert client.get(f"/rounds/{setup.round.id}/results/compare").status_code == 200
    voting_round = factories.round_in_phase(Phase.VOTING, ballots=APPROVALS)
    assert client.get(f"/rounds/{voting_round.round.id}/results/compare").status_code == 404


def upload(client, data: bytes, name: str = "election.pb", **extra):  # type: ignore[no-untyped-def]
    client.get("/compare")
    return client.post(
        "/compare",
        data={"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def test_an_uploaded_pabulib_file_is_compared_and_not_kept(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    response = upload(client, SWIECIE.read_bytes())
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Equal Shares (no completion)" in text and "Voters with a funded project" in text
    as_csv = upload(client, SWIECIE.read_bytes(), csv="1")
    assert as_csv.mimetype == "text/csv"
    assert "equalshares/add1" in as_csv.get_data(as_text=True)


def test_junk_uploads_are_refused_with_a_clear_4xx(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    for data, name in (
        (b"not a pabulib file", "junk.pb"),
        (b"\xff\xfe\x00garbage", "junk.pb"),
        (SWIECIE.read_bytes(), "election.exe"),
    ):
        response = upload(client, data, name)
        assert response.status_code == 422, name
    assert upload(client, b"", "empty.pb").status_code == 422


def test_a_large_upload_never_touches_the_disk(app: Flask) -> None:
    """Werkzeug would spool a file over 500 kB to a temporary file; ours stay in memory."""
    boundary, body = encode_multipart(
        MultiDict({"file": FileStorage(io.BytesIO(b"x" * 600_000), "big.pb")})
    )
    builder = EnvironBuilder(
        path="/compare",
        method="POST",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
    )
    request = app.request_class(builder.get_environ())
    assert isinstance(request.files["file"].stream, io.BytesIO)


def test_a_rule_over_its_time_budget_is_shown_as_stopped(app: Flask, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(comparison, "SECONDS_PER_RULE", 0.000001)
    # every count takes a moment (the forked child inherits this), so that no tiny count can
    # answer within the microsecond, however late the page polls on a loaded machine
    slow_allocate = allocation_comparison.allocate

    def counting_slowly(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.05)
        return slow_allocate(*args, **kwargs)

    monkeypatch.setattr(allocation_comparison, "allocate", counting_slowly)
    setup = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    page = app.test_client().get(f"/rounds/{setup.round.id}/results/compare")
    assert page.status_code == 200
    assert "took longer than the time allowed" in page.get_data(as_text=True)
