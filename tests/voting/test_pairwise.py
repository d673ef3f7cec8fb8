"""The pairwise ballot through the web client: random disjoint pairs, answer or skip, review,
cast, receipt; and a forged or malformed answer refused with a clear message."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from pb.audit.pairwise import PairwiseFormatError, decode, encode
from pb.db import utcnow
from pb.extensions import db
from pb.rounds import services as rounds
from pb.rounds.models import Phase
from pb.voting import services as voting
from pb.voting.formats import BALLOT_FORMATS, BallotItem
from pb.voting.models import Ballot
from tests import factories

COSTS = (30_000, 50_000, 40_000, 20_000, 10_000)
PAIRWISE = {
    "ballot_format": "pairwise",
    "ballot_params": {"pairs": 2},
    "rule": "pairwise-copeland",
}


@pytest.fixture
def pairwise_round(app: Flask) -> factories.RoundSetup:
    return factories.round_in_phase(Phase.VOTING, costs=COSTS, voters=2, **PAIRWISE)


def voter_client(app: Flask, setup: factories.RoundSetup, index: int = 0) -> FlaskClient:
    client = app.test_client()
    assert factories.login(client, setup.voters[index]).status_code == 302
    return client


def drawn(page: str) -> tuple[str, list[tuple[int, int]]]:
    """The signed pairs field and the pairs the page shows (in order)."""
    token = re.search(r'name="pairs" value="([^"]+)"', page).group(1)
    pairs = []
    for number in range(1, 10):
        ids = re.findall(rf'name="pair-{number}" value="(\d+)"', page)
        if not ids:
            break
        pairs.append((int(ids[0]), int(ids[1])))
    return token, pairs


def test_the_ballot_shows_random_disjoint_pairs_of_the_round(
    app: Flask, pairwise_round: factories.RoundSetup
) -> None:
    client = voter_client(app, pairwise_round)
    url = f"/rounds/{pairwise_round.round.id}/ballot"
    project_ids = {p.id for p in pairwise_round.projects}
    seen = set()
    for _ in range(8):
        page = client.get(url).get_data(as_text=True)
        _token, pairs = drawn(page)
        assert len(pairs) == 2  # the councillor's number (5 projects allow at most 2)
        flat = [pid for pair in pairs for pid in pair]
        assert len(set(flat)) == 4 and set(flat) <= project_ids
        assert "Skip this pair" in page and "which would you rather fund?" in page
        assert "ballot.js" not in page  # nothing on this page needs JavaScript
        seen.add(tuple(pairs))
    assert len(seen) > 1  # drawn afresh for each page


def test_answer_skip_review_cast_and_receipt(
    app: Flask, pairwise_round: factories.RoundSetup
) -> None:
    client = voter_client(app, pairwise_round)
    round_id = pairwise_round.round.id
    token, pairs = drawn(client.get(f"/rounds/{round_id}/ballot").get_data(as_text=True))
    (a, b), (c, d) = pairs
    form = {"pairs": token, "pair-1": str(b), "pair-2": "skip"}
    review = client.post(f"/rounds/{round_id}/ballot/review", data=form)
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert "You would rather fund" in text
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', text))
    assert hidden["pairs"] == token and hidden["pair-1"] == str(b)
    # "change my choices" shows the same pairs with the answers kept
    back = client.post(f"/rounds/{round_id}/ballot", data=hidden).get_data(as_text=True)
    assert drawn(back)[1] == pairs
    assert re.search(rf'value="{b}"\s+aria-describedby="[^"]+"\s+checked', back)
    cast = client.post(f"/rounds/{round_id}/ballot/cast", data=hidden)
    assert cast.status_code == 302
    db.session.rollback()
    ballot = db.session.scalars(sa.select(Ballot)).one()
    assert decode(voting.choices_of(ballot)) == [(b, a)]  # the skipped pair is not stored
    receipt = client.get(f"/rounds/{round_id}/ballot/receipt").get_data(as_text=True)
    assert voting.short_code(ballot.receipt) in receipt
    del c, d


@pytest.mark.parametrize(
    "change, message",
    [
        ({"pair-1": "skip", "pair-2": "skip"}, "Answer at least one pair"),
        ({"pair-1": "999999"}, "Choose one of the two projects of each pair"),
        ({"pairs": "forged"}, "The pairs on this ballot were changed"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(
    app: Flask, pairwise_round: factories.RoundSetup, change: dict[str, str], message: str
) -> None:
    client = voter_client(app, pairwise_round)
    round_id = pairwise_round.round.id
    token, pairs = drawn(client.get(f"/rounds/{round_id}/ballot").get_data(as_text=True))
    form = {"pairs": token, "pair-1": str(pairs[0][0]), "pair-2": str(pairs[1][1]), **change}
    for step in ("review", "cast"):
        response = client.post(f"/rounds/{round_id}/ballot/{step}", data=form)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_pairs_of_the_voters_own_choosing_are_refused(
    app: Flask, pairwise_round: factories.RoundSetup
) -> None:
    """A signed field from another draw is fine, but one naming a project twice or a project
    that is not on this ballot cannot be signed by the voter."""
    from pb.voting import pairwise

    ids = [p.id for p in pairwise_round.projects]
    with app.test_request_context():
        with pytest.raises(ValueError):
            pairwise.unsign(pairwise.sign([(ids[0], ids[0])]), ids)
        with pytest.raises(ValueError):
            pairwise.unsign(pairwise.sign([(ids[0], 10**9)]), ids)
        assert pairwise.unsign(pairwise.sign([(ids[0], ids[1])]), ids) == [(ids[0], ids[1])]


def test_the_format_validates_the_stored_encoding(app: Flask) -> None:
    fmt = BALLOT_FORMATS["pairwise"]
    items = [BallotItem(id=i, cost=10) for i in range(1, 7)]
    with app.test_request_context():
        assert fmt.validate(encode([(2, 1), (5, 3)]), items, {"pairs": 2}, 100) == []
        assert fmt.validate(encode([(2, 1), (5, 3)]), items, {"pairs": 1}, 100) == [
            "Answer at most 1 pair."
        ]
        assert fmt.validate({1: 1, 2: 3}, items, {"pairs": 2}, 100)
        assert fmt.validate({}, items, {"pairs": 2}, 100)


def test_the_storage_encoding_round_trips_and_is_canonical() -> None:
    comparisons = [(9, 4), (1, 7), (3, 2)]
    stored = encode(comparisons)
    assert stored == {1: 1, 7: 2, 3: 3, 2: 4, 9: 5, 4: 6}
    assert decode(stored) == [(1, 7), (3, 2), (9, 4)]
    for bad in ({1: 1}, {1: 1, 2: 3}, {3: 1, 2: 2, 1: 3, 7: 4}, {1: 2, 2: 1, 3: 3, 4: 4, 5: 0}):
        with pytest.raises(PairwiseFormatError):
            decode(bad)
    with pytest.raises(PairwiseFormatError):
        encode([(1, 2), (2, 3)])  # a project in two pairs


def test_a_pairwise_round_is_counted_with_its_rule(
    app: Flask, pairwise_round: factories.RoundSetup
) -> None:
    """Two voters both prefer project 0 to 1; project 2 to 3 once. Copeland: 0 and 2 win."""
    setup = pairwise_round
    p = [project.id for project in setup.projects]
    moment = setup.round.voting_open_at + timedelta(minutes=1)
    with factories.writing():
        voting.cast(setup.round, setup.voters[0], encode([(p[0], p[1]), (p[2], p[3])]), moment)
        voting.cast(setup.round, setup.voters[1], encode([(p[0], p[1])]), moment)
    with factories.writing():
        closing = setup.round.voting_close_at + timedelta(minutes=1)
        rounds.advance_phase(setup.round, actor=setup.councillor, now=closing)
    from pb.results import services as results

    outcome = results.get_result(setup.round)
    assert outcome is not None and outcome.rule == "pairwise-copeland"
    selected = [line.proposal_id for line in outcome.projects if line.funded]
    assert p[0] in selected and p[2] in selected and p[1] not in selected
    votes = {line.proposal_id: line.votes for line in outcome.projects}
    assert votes[p[0]] == 2 and votes[p[1]] == 0  # a pairwise ballot chose what it preferred
    with factories.writing():
        rounds.advance_phase(setup.round, actor=setup.councillor, now=closing)
    client = app.test_client()
    page = client.get(f"/rounds/{setup.round.id}/results").get_data(as_text=True)
    assert "Score 5. Head to head: 1 won, 3 drawn, 0 lost." in page  # 0 beat 1 only
    assert "Chosen in 2 of the 2 comparisons that showed it." in page
    board = client.get(f"/rounds/{setup.round.id}/board").get_data(as_text=True)
    first, second = (setup.projects[i].title for i in (0, 1))
    assert f"{first} rather than {second}" in board
    how = client.get(f"/rounds/{setup.round.id}/transparency").get_data(as_text=True)
    assert "pairwise.csv" in how and "pb tally ballots.pb" not in how


def test_any_form_is_answered_without_a_server_error_and_writes_nothing_when_refused(
    app: Flask, pairwise_round: factories.RoundSetup
) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from pb.voting import pairwise

    client = voter_client(app, pairwise_round)
    round_id = pairwise_round.round.id
    ids = [p.id for p in pairwise_round.projects]
    with app.test_request_context():
        tokens = [
            pairwise.sign([(ids[0], ids[1]), (ids[2], ids[3])]),
            pairwise.sign([(ids[0], ids[0])]),
            pairwise.sign([]),
            pairwise.sign([(ids[0], ids[1])])[:-2] + "xx",
        ]
    values = st.one_of(
        st.sampled_from([*tokens, *map(str, ids), "skip", "", "0", "-1", "x" * 5000]),
        st.text(max_size=30),
    )
    names = st.sampled_from(["pairs", "pair-1", "pair-2", "pair-3", f"project-{ids[0]}", "key"])

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        fields=st.dictionaries(names, values, max_size=5),
        step=st.sampled_from(["review", "cast", ""]),
    )
    def post(fields: dict[str, str], step: str) -> None:
        before = factories.row_counts()
        address = f"/rounds/{round_id}/ballot" + (f"/{step}" if step else "")
        response = client.post(address, data=fields)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert factories.row_counts() == before

    post()


@pytest.mark.parametrize(
    "rule, status", [("pairwise-copeland", 302), ("greedy", 422), ("equalshares/add1", 422)]
)
def test_a_councillor_sets_up_a_pairwise_round_with_its_number_of_pairs(
    app: Flask, rule: str, status: int
) -> None:
    from pb.accounts.models import Role
    from pb.rounds.models import Round

    with factories.writing():
        home = factories.ward()
        councillor = factories.user(Role.COUNCILLOR, wards_=[home])
        ward_id = home.id
    client = app.test_client()
    assert factories.login(client, councillor).status_code == 302
    start = utcnow().replace(second=0, microsecond=0) + timedelta(days=1)
    moment = lambda days: (start + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    form = {
        "title": "Pairwise fund",
        "description": "Which would you rather fund?",
        "wards": [ward_id],
        "budget": "1,000",
        "currency": "GBP",
        "proposals_open_at": moment(0),
        "proposals_close_at": moment(7),
        "voting_open_at": moment(14),
        "voting_close_at": moment(21),
        "categories": "Parks\nStreets",
        "ballot_format": "pairwise",
        "pairwise_pairs": "3",
        "rule": rule,
        "satisfaction": "",
        "tie_break": "lexicographic",
        "verification_methods": "email",
    }
    response = client.post("/manage/rounds/new", data=form)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    saved = db.session.scalars(sa.select(Round).where(Round.title == "Pairwise fund")).all()
    if status == 302:
        assert [(r.ballot_format, r.ballot_params, r.rule) for r in saved] == [
            ("pairwise", {"pairs": 3}, "pairwise-copeland")
        ]
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "For each pair, choose the project you would rather fund" in page
    else:
        assert saved == []
        assert "This rule cannot count this ballot format" in response.get_data(as_text=True)
