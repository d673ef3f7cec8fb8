"""Nothing a user can type gives a 500: junk to every form, as the role allowed to post it."""

from __future__ import annotations

import re

import pytest
from flask import Flask, url_for

from pb.access import POLICY, PUBLIC
from pb.accounts.models import Role
from pb.rounds.models import Phase
from tests import factories
from tests.access_world import World, add_assessment
from tests.deliberation.helpers import access_objects
from tests.volunteering.helpers import direct_task

# One value per way typed input has broken forms elsewhere: empty, negative, float overflow,
# an integer too long for a float, markup, NUL (PostgreSQL refuses it), astral characters,
# non-ASCII digits, an impossible date, a very long text.
JUNK = [
    "",
    "-1",
    "1e309",
    "9" * 400,
    "<script>alert(1)</script>' OR 1=1 --",
    "a\x00b",
    "😀" * 300,
    "２３",
    "2026-13-45T25:61",
    "x" * 20_000,
]
COMMON_FIELDS = ["key", "lang", "next", "from_phase", "q", "page", "ward"]


@pytest.fixture
def world(app: Flask) -> dict:
    # in person too: the poll clerk's station takes the junk while voting is open
    voting = factories.round_in_phase(
        Phase.VOTING, voters=1, verification_methods=["email", "in_person"]
    )
    review = factories.round_in_phase(Phase.REVIEW, voters=1, ward_=voting.ward)
    proposals = factories.round_in_phase(Phase.PROPOSALS, voters=1, ward_=voting.ward)
    people = {
        Role.CITIZEN: voting.voters[0],
        Role.COUNCILLOR: factories.user(Role.COUNCILLOR, wards_=[voting.ward]),
        Role.OFFICER: factories.user(Role.OFFICER, wards_=[voting.ward]),
        Role.AUDITOR: factories.user(Role.AUDITOR),
        Role.ADMIN: factories.user(Role.ADMIN),
        Role.POLL_CLERK: factories.user(Role.POLL_CLERK, wards_=[voting.ward]),
    }
    extra = access_objects(proposals, proposals.voters[0])  # comments, amendments, reports
    # a funded project, for delivery and following (pb/delivery, pb/following)
    published = factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}], ward_=voting.ward)
    with factories.writing():
        extra["task_id"] = direct_task(proposals.projects[0]).id  # a volunteer task
    paper = _paper_batch(voting.ward, people[Role.OFFICER])
    extra |= {"batch_id": paper.id, "position": 1}
    rated = World(Phase.VOTING, people, {"round_id": voting.round.id})
    rated.args["proposal_id"] = voting.projects[0].id
    add_assessment(rated)  # a rating window, a rating and an inspection by the citizen
    extra |= {name: rated.args[name] for name in ("rating_id", "inspection_id")}
    return {
        "published": published,
        "paper": paper.round_id,
        "voting": voting,
        "review": review,
        "proposals": proposals,
        "people": people,
        "extra": extra,
    }


def _paper_batch(ward, officer):  # type: ignore[no-untyped-def]
    """A closed round with paper register marks and a batch someone else keyed once."""
    from pb.paper import services as paper
    from tests.paper.helpers import lines, paper_round

    run = paper_round(marks=2, online=0, ward_=ward)
    with factories.writing():
        batch = paper.open_batch(run.round, ward.id, "Box 1", 2, actor=run.second)
        paper.enter_reading(run.round, batch, lines(run.setup, (0,), (1,)), actor=run.second)
    return batch


def _args(world: dict, endpoint: str) -> dict:
    round_for = world["review"] if endpoint.startswith("proposals.review") else world["voting"]
    if endpoint in ("proposals.new", "proposals.edit"):
        round_for = world["proposals"]
    if endpoint.startswith(("delivery.", "following.")):
        round_for = world["published"]
    paper = endpoint.startswith("paper.")
    return {
        "round_id": world["paper"] if paper else round_for.round.id,
        "proposal_id": round_for.projects[0].id,
        "user_id": world["people"][Role.CITIZEN].id,
        "ward_id": world["voting"].ward.id,
        "token": "not-a-signed-link",
        **world["extra"],
        "kind": "project",
        "object_id": world["published"].projects[0].id,
    }


def _poster(role_set: frozenset) -> Role | None:
    if role_set is PUBLIC:
        return None
    for role in (
        Role.CITIZEN,
        Role.COUNCILLOR,
        Role.OFFICER,
        Role.ADMIN,
        Role.AUDITOR,
        Role.POLL_CLERK,
    ):
        if role in role_set:
            return role
    return None


def _delivery_page(app: Flask, args: dict) -> str:
    """The officer's page holding the delivery forms (their POST routes have no page)."""
    with app.test_request_context():
        return url_for(
            "delivery.manage", round_id=args["round_id"], proposal_id=args["proposal_id"]
        )


def test_junk_never_causes_a_server_error(app: Flask, world: dict) -> None:
    failures = []
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        role = _poster(POLICY[rule.endpoint])
        client = app.test_client()
        if role is not None:
            factories.login(client, world["people"][role])
        args = _args(world, rule.endpoint)
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})
        fields = set(COMMON_FIELDS)
        if "GET" in rule.methods or rule.endpoint.startswith("delivery."):
            form_page = url if "GET" in rule.methods else _delivery_page(app, args)
            page = client.get(form_page).data.decode()
            fields |= set(re.findall(r'name="([^"]+)"', page))
        fields |= {f"project-{p.id}" for p in world["voting"].projects}
        fields.discard("csrf_token")
        for junk in JUNK:
            response = client.post(url, data={name: junk for name in fields})
            checked += 1
            if response.status_code >= 500:
                failures.append(f"POST {url} with {junk[:20]!r}: {response.status_code}")
    assert checked > 100
    assert failures == []


def test_a_form_with_errors_keeps_what_was_typed(app: Flask, world: dict) -> None:
    client = app.test_client()
    factories.login(client, world["people"][Role.CITIZEN])
    proposals = world["proposals"]
    response = client.post(
        f"/rounds/{proposals.round.id}/proposals/new",
        data={
            "title": "Benches by the pond",
            "description": "too short",
            "estimated_cost": "twelve pounds",
            "ward": proposals.ward.id,
            "category": "Parks",
        },
    )
    page = response.data.decode()
    assert response.status_code == 422
    assert 'value="Benches by the pond"' in page  # kept
    assert "too short</textarea>" in page
    assert 'value="twelve pounds"' in page
    assert "Enter an amount such as 12500" in page  # the field's own error
    assert 'aria-invalid="true"' in page


def test_unknown_ids_are_404(app: Flask, world: dict) -> None:
    client = app.test_client()
    for url in (
        "/rounds/999999",
        "/rounds/999999/results",
        "/rounds/999999/outcomes",
        "/rounds/999999/outcomes.csv",
        "/wards/999999/outcomes",
        "/api/v1/rounds/999999/outcomes",
        "/api/v1/wards/999999/outcomes",
        "/rounds/1/projects/999999",
        "/api/rounds/999999",
    ):
        assert client.get(url).status_code == 404, url
    response = client.get("/api/rounds/999999")
    assert response.is_json and response.get_json()["reason"]
