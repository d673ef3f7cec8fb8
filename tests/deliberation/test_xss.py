"""Stored XSS: hostile text in every field residents and staff type for deliberation is inert on
every page that shows it, for every role; every page sends a Content-Security-Policy."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask

from pb.accounts import services as accounts
from pb.accounts.models import Role
from pb.deliberation import amendments, comments, merging, moderation
from pb.deliberation.amendments import AmendmentDraft
from pb.extensions import db
from pb.following import services as following
from pb.following.models import FollowKind
from pb.proposals import services as proposals
from pb.security import CONTENT_SECURITY_POLICY
from tests import factories
from tests.deliberation.helpers import deliberating_round
from tests.media.test_images import picture

PAYLOADS = (
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    "{{7*7}}",
)
EVERYTHING = " ".join(PAYLOADS)
SHORT = "<svg onload=alert(1)>{{7*7}}"  # fits a display name (80 characters)


class InertnessChecker(HTMLParser):
    """Collects anything in a page that could run script."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            self.problems.append(f"<script> {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            scheme = "".join((value or "").split()).lower()
            if name in ("href", "src", "action", "formaction", "xlink:href") and scheme.startswith(
                ("javascript:", "data:text")
            ):
                self.problems.append(f"<{tag} {name}={value}>")


def _inert(html: str) -> list[str]:
    checker = InertnessChecker()
    checker.feed(html)
    return checker.problems


@pytest.fixture
def hostile(app: Flask) -> dict:
    """A round full of payloads: proposal, comments, reply, amendment, reports, hidden reason,
    merge reason, display names."""
    setup = deliberating_round(voters=1)
    author = setup.voters[0]
    author.display_name = SHORT
    neighbour = accounts.register_citizen(
        "hostile@example.test", SHORT, factories.PASSWORD, setup.ward.id, None
    )
    neighbour.email_verified_at = factories.utcnow()  # as if they followed the mailed link
    db.session.commit()
    target = setup.projects[0]
    draft = proposals.ProposalDraft(
        ("<script>alert(1)</script>{{7*7}}" + PAYLOADS[1])[:200],
        EVERYTHING,
        1000,
        setup.ward.id,
        "Parks",
        location=EVERYTHING[:200],
        image=picture("PNG"),
        image_alt=EVERYTHING[:300],
    )
    hostile_proposal = proposals.submit(setup.round, draft, author=author)
    following.follow(neighbour, FollowKind.PROPOSAL, hostile_proposal.id, email=True)
    comment = comments.post(hostile_proposal, neighbour, EVERYTHING)
    comments.post(hostile_proposal, author, EVERYTHING, parent_id=comment.id)
    hidden = comments.post(hostile_proposal, neighbour, "to be hidden " + EVERYTHING)
    amendment = amendments.propose(
        hostile_proposal,
        neighbour,
        AmendmentDraft("<svg onload=alert(1)> better {{7*7}}", EVERYTHING, 2000, EVERYTHING),
    )
    moderation.report(neighbour, hostile_proposal, EVERYTHING)
    hide_me = moderation.report(author, hostile_proposal, EVERYTHING, comment=hidden)
    moderation.hide(hide_me, setup.councillor, EVERYTHING)
    merging.merge(target, [setup.projects[1]], officer=setup.officer, reason=EVERYTHING)
    db.session.commit()
    people = {
        "anonymous": None,
        "author": author,
        "neighbour": neighbour,
        "councillor": setup.councillor,
        "officer": setup.officer,
        "auditor": factories.user(Role.AUDITOR),
        "admin": factories.user(Role.ADMIN),
    }
    r, p = setup.round.id, hostile_proposal.id
    pages = [
        "/",
        f"/rounds/{r}",
        f"/rounds/{r}/proposals",
        f"/rounds/{r}/proposals?sort=discussed&category=Parks&status=submitted",
        "/following",
        f"/rounds/{r}/projects/{p}",
        f"/rounds/{r}/projects/{p}?comments=agreed",
        f"/rounds/{r}/projects/{target.id}",
        f"/rounds/{r}/projects/{setup.projects[1].id}",
        f"/proposals/{p}/history",
        f"/amendments/{amendment.id}",
        f"/comments/{comment.id}/edit",
        f"/proposals/{p}/report",
        f"/proposals/{p}/amendments/new",
        "/search?q=alert",
        f"/search?round={r}&sort=discussed",
        "/notifications",
        "/moderation",
        f"/rounds/{r}/merge",
        "/my/proposals",
        "/audit/log",
        "/admin/users",
        f"/manage/rounds/{r}",
        "/api/docs",
    ]
    api = [f"/api/v1/rounds/{r}/projects?per_page=100", f"/api/v1/rounds/{r}/projects/{p}"]
    return {"people": people, "pages": pages, "api": api}


def test_payloads_are_inert_everywhere_for_everyone(app: Flask, hostile: dict) -> None:
    problems = []
    shown = 0
    for role, person in hostile["people"].items():
        client = app.test_client()
        if person is not None:
            factories.login(client, person)
        for page in hostile["pages"]:
            response = client.get(page)
            assert response.status_code < 500, (role, page)
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            html = response.get_data(as_text=True)
            problems += [f"{role} {page}: {problem}" for problem in _inert(html)]
            if "{{7*7}}" in html:
                shown += 1  # the template expression came through as text, not as 49
    assert problems == []
    assert shown > 20  # the payloads really were on the pages checked


def test_the_api_gives_the_payloads_as_json_only(app: Flask, hostile: dict) -> None:
    """The API hands the text on as it was written; JSON, never sniffed as a page."""
    client = app.test_client()
    for path in hostile["api"]:
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<script>alert(1)</script>{{7*7}}" in response.get_data(as_text=True)


def test_comment_formatting_keeps_safe_markup_only(app: Flask) -> None:
    from pb.deliberation.formatting import render

    html = str(render("*yes* and [site](https://example.org) " + EVERYTHING))
    assert "<em>yes</em>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow' in html
    assert _inert(html) == []
    assert "&lt;script&gt;" in html
    assert len(_inert(EVERYTHING)) >= 3  # the checker does see the raw payloads


def test_pages_send_a_content_security_policy(app: Flask) -> None:
    client = app.test_client()
    for path in ("/", "/login", "/search", "/no-such-page"):
        policy = client.get(path).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy
