"""Property: whatever a stranger sends to any form or any `<int:...>` URL, the answer is never a
5xx, and a refused request (4xx) writes nothing.

Hypothesis draws the requests: any subset of every field name the site's pages use, with text
of any kind (control characters, other scripts, numbers too large for any column, sNaN...), some
of them sent as file parts. The number of examples is bounded (PB_FUZZ_EXAMPLES, default 6 per
form) and the draw is derandomized, so CI is fast and repeatable; raise it locally to dig.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pb.access import POLICY, PUBLIC
from pb.accounts.models import Role
from pb.rounds.models import Phase
from tests import factories
from tests.access_world import World, add_assessment, build_world, signed_in, url

EXAMPLES = int(os.environ.get("PB_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # one world per test, shared by its examples on purpose (building it per example would
    # cost seconds each); what accepted requests write does not change what is being checked
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
SPECIAL = [
    "",
    "0",
    "-1",
    "sNaN",
    "NaN",
    "-Infinity",
    "1E+999999999",
    "9" * 30,
    "9" * 5000,
    "1e309",
    "２３",
    "/\t/evil.example",
    "\r\n",
    "a\x00b",
    "<script>alert(1)</script>",
    "2026-13-45T25:61",
    "x" * 6000,
]
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
# A failed sign-in keeps its audit entry despite the 422, on purpose (pb.db.keep_despite_refusal):
# repeated attacks on one account must show in the log.
KEPT_ON_REFUSAL = {"accounts.login": {"audit_log"}}
SIGNS_OUT = {"accounts.logout", "accounts.sign_out_everywhere", "accounts.change_password"}


@dataclass
class Site:
    """A round taking proposals (comments, supports, amendments, moderation are live), one
    taking ballots, and a signed-in client per role (and for a voter of the second round)."""

    app: Flask
    world: World
    clients: dict[Role | None, FlaskClient]
    voter: FlaskClient
    voting_round_id: int
    ballot_fields: list[str]

    def client_for(self, endpoint: str) -> FlaskClient:
        return self.voter if endpoint.startswith("voting.") else self.clients[_poster(endpoint)]

    def sign_in_again(self, endpoint: str) -> None:
        role = _poster(endpoint)
        if role is not None:
            self.clients[role] = signed_in(self.app, self.world.people[role])


@pytest.fixture
def site(app: Flask) -> Site:
    world = build_world(Phase.PROPOSALS)
    add_assessment(world)  # the co-assessment forms (rating, inspection...) take input too
    voting = factories.round_in_phase(Phase.VOTING, ward_=factories.ward(), voters=1)
    roles: list[Role | None] = [None, *Role]
    return Site(
        app,
        world,
        {role: signed_in(app, world.people[role] if role else None) for role in roles},
        signed_in(app, voting.voters[0]),
        voting.round.id,
        [f"project-{project.id}" for project in voting.projects],
    )


def _poster(endpoint: str) -> Role | None:
    allowed = POLICY[endpoint]
    if allowed is PUBLIC:
        return None
    return next(role for role in (Role.CITIZEN, *Role) if role in allowed)


def _address(app: Flask, site: Site, rule) -> str:  # type: ignore[no-untyped-def]
    args = dict(site.world.args)
    if rule.endpoint.startswith("voting."):
        args["round_id"] = site.voting_round_id
    address = url(app, rule, args)
    assert address is not None, rule.endpoint
    return address


def _field_names(app: Flask, site: Site) -> list[str]:
    """Every form field name on every page the site's people can open, and the ballot's."""
    names = {"next", "lang", "from_phase", "q", "page", "key", "email", "password"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        page = site.client_for(rule.endpoint).get(_address(app, site, rule))
        if page.mimetype == "text/html":  # not an image (pb/media)
            names |= set(re.findall(r'name="([^"]+)"', page.get_data(as_text=True)))
        page.close()
    return sorted((names | set(site.ballot_fields)) - {"csrf_token"})


def _post_targets(app: Flask, site: Site) -> Iterator[tuple[str, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if "POST" in rule.methods:
            yield rule.endpoint, _address(app, site, rule)


def _send(client: FlaskClient, address: str, fields: dict[str, str], as_files: set[str]):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        name: (io.BytesIO(value.encode()), "f.txt") if name in as_files else value
        for name, value in fields.items()
    }
    response = client.post(address, data=data, content_type="multipart/form-data")
    response.close()
    return response


def test_no_form_answers_5xx_or_writes_when_it_refuses(app: Flask, site: Site) -> None:
    names = _field_names(app, site)
    targets = list(_post_targets(app, site))
    assert len(targets) >= 30  # every form of the site

    for endpoint, address in targets:
        _fuzz_form(site, endpoint, address, names)
        if endpoint in SIGNS_OUT:
            site.sign_in_again(endpoint)


def _fuzz_form(site: Site, endpoint: str, address: str, names: list[str]) -> None:
    client = site.client_for(endpoint)

    @FUZZ
    @given(
        fields=st.dictionaries(st.sampled_from(names), VALUES, max_size=8),
        files=st.sets(st.sampled_from(names), max_size=2),
    )
    def post_anything(fields: dict[str, str], files: set[str]) -> None:
        before = factories.row_counts()
        response = _send(client, address, fields, files & fields.keys())
        status = response.status_code
        assert status < 500, f"POST {address} ({endpoint}): {status}"
        if status >= 400:
            after = factories.row_counts()
            changed = {table for table in after if after[table] != before[table]}
            assert changed <= KEPT_ON_REFUSAL.get(endpoint, set()), (endpoint, status, changed)

    post_anything()


NUMBERS = st.integers(min_value=0, max_value=10**30).map(str) | st.text("0123456789", min_size=1)


def test_no_int_route_answers_5xx(app: Flask, site: Site) -> None:
    """Every route with an `<int:...>` argument, with any number (or run of digits) in it, as
    a role allowed there (so the view runs, not only the policy)."""
    rules = sorted((r for r in app.url_map.iter_rules() if "<int:" in r.rule), key=str)
    assert len(rules) >= 30

    @settings(FUZZ, max_examples=EXAMPLES * 10)
    @given(data=st.data())
    def open_any(data: st.DataObject) -> None:
        rule = data.draw(st.sampled_from(rules))
        path = re.sub(r"<int:\w+>", lambda _: data.draw(NUMBERS), rule.rule)
        method = data.draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})))
        response = site.client_for(rule.endpoint).open(path, method=method)
        response.close()
        assert response.status_code < 500, f"{method} {path[:80]}: {response.status_code}"
        if rule.endpoint in SIGNS_OUT:
            site.sign_in_again(rule.endpoint)

    open_any()
