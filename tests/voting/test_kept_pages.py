"""The ballot page a voter sees before choosing is rendered once and shared
(pb/voting/kept_pages.py): it must be the page a fresh rendering gives, byte for byte but the
CSRF token, in every language and format, and never carry one person's parts to another."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pb.db import writing
from pb.extensions import db
from pb.rounds.models import Phase, Round
from pb.voting import kept_pages
from pb.voting.formats import get_format
from tests import factories

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LANGUAGES = ("en", "pl", "ur")


def _without_tokens(html: str) -> str:
    assert TOKEN.search(html), "no CSRF token on the page"
    return TOKEN.sub('name="csrf_token" value=""', html)


def _raw_token(html: str) -> str:
    """The session's token, without the signature's timestamp (which changes each second)."""
    found = TOKEN.search(html)
    assert found
    return found.group(1).split(".")[0]


def _page(client: FlaskClient, path: str, language: str, *, shared: bool) -> str:
    """The page, from the shared rendering or (shared=False) rendered fresh."""
    keepable = kept_pages.keepable
    if not shared:
        kept_pages.keepable = lambda *_args, **_kwargs: False  # type: ignore[assignment]
    try:
        response = client.get(path, headers={"Accept-Language": language})
    finally:
        kept_pages.keepable = keepable  # type: ignore[assignment]
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("name", ["approval", "knapsack", "ranked", "cumulative"])
def test_the_shared_page_is_the_fresh_page_in_every_language(app: Flask, name: str) -> None:
    fmt = get_format(name)
    params = {param.name: param.default for param in fmt.params}
    setup = factories.round_in_phase(
        Phase.VOTING, voters=2, ballot_format=name, ballot_params=params
    )
    path = f"/rounds/{setup.round.id}/ballot"
    for voter in setup.voters:
        client = app.test_client()
        factories.login(client, voter)
        for language in LANGUAGES:
            fresh = _page(client, path, language, shared=False)
            first = _page(client, path, language, shared=True)  # renders and keeps it
            kept = _page(client, path, language, shared=True)  # from the kept page
            assert _without_tokens(first) == _without_tokens(fresh), (name, language)
            assert _without_tokens(kept) == _without_tokens(fresh), (name, language)
            assert _raw_token(kept) == _raw_token(fresh)  # this session's, signed per page


def _voter_at_ballot(app: Flask) -> tuple[factories.RoundSetup, FlaskClient, str]:
    """A round in voting, its first voter signed in, and the path of its ballot."""
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    client = app.test_client()
    factories.login(client, setup.voters[0])
    return setup, client, f"/rounds/{setup.round.id}/ballot"


def _edit(model: type, key: int, **values: object) -> None:
    """Change a stored row as a councillor's edit would, outside the test's open transaction."""
    db.session.rollback()
    with writing():
        row = db.session.get(model, key)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def test_each_voter_gets_their_own_token_and_the_already_voted_notice(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=2, ballots=[{0: 1}])
    path = f"/rounds/{setup.round.id}/ballot"
    pages = {}
    for voter in setup.voters:
        client = app.test_client()
        factories.login(client, voter)
        pages[voter.id] = (_page(client, path, "en", shared=True), client)
    (voted, _), (fresh, _) = pages.values()
    assert _raw_token(voted) != _raw_token(fresh)
    assert ("You have already voted" in voted) != ("You have already voted" in fresh)
    for html, client in pages.values():  # each page's token is its own session's
        assert _without_tokens(html) == _without_tokens(_page(client, path, "en", shared=False))


def test_an_edited_title_is_a_new_page(app: Flask) -> None:
    setup, client, path = _voter_at_ballot(app)
    assert "Renamed for the ballot" not in _page(client, path, "en", shared=True)
    _edit(Round, setup.round.id, translations={"en": {"title": "Renamed for the ballot"}})
    assert "Renamed for the ballot" in _page(client, path, "en", shared=True)


def test_chosen_filtered_or_flashed_pages_are_rendered_fresh(app: Flask) -> None:
    setup, client, path = _voter_at_ballot(app)
    project = setup.projects[0].id
    token = TOKEN.search(_page(client, path, "en", shared=True)).group(1)  # type: ignore[union-attr]
    posted = client.post(path, data={"csrf_token": token, f"project-{project}": "1"})
    assert posted.status_code == 200 and "is-chosen" in posted.text
    filtered = client.get(path + "?category=nothing-like-this")
    assert filtered.status_code == 200 and "0 projects shown." in filtered.text
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this person only")]
    assert "A message for this person only" in client.get(path).text
    assert "A message for this person only" not in client.get(path).text


def _review(
    client: FlaskClient, path: str, data: dict[str, str], language: str, *, shared: bool
) -> str:
    keepable = kept_pages.review_keepable
    if not shared:
        kept_pages.review_keepable = lambda *_args, **_kwargs: False  # type: ignore[assignment]
    try:
        response = client.post(path + "/review", data=data, headers={"Accept-Language": language})
    finally:
        kept_pages.review_keepable = keepable  # type: ignore[assignment]
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("name", ["approval", "knapsack", "ranked", "cumulative"])
def test_the_kept_review_is_the_fresh_review_in_every_language(app: Flask, name: str) -> None:
    fmt = get_format(name)
    params = {param.name: param.default for param in fmt.params}
    if name == "knapsack":
        params = {"min_share_percent": 0}
    setup = factories.round_in_phase(
        Phase.VOTING, voters=2, ballot_format=name, ballot_params=params, ballots=[{0: 1}]
    )
    path = f"/rounds/{setup.round.id}/ballot"
    first, second = (project.id for project in setup.projects[:2])
    values = {"ranked": ("2", "1"), "cumulative": ("3", "2")}.get(name, ("1", "1"))
    replacing = []
    for voter in setup.voters:  # the first has voted already: "replaces" and the key field
        client = app.test_client()
        factories.login(client, voter)
        token = _raw_token(_page(client, path, "en", shared=True))
        for language in LANGUAGES:
            html = _page(client, path, language, shared=True)
            found = TOKEN.search(html)
            assert found and found.group(1).split(".")[0] == token
            data = {"csrf_token": found.group(1), f"project-{first}": values[0]}
            data[f"project-{second}"] = values[1]
            fresh = _review(client, path, data, language, shared=False)
            kept_first = _review(client, path, data, language, shared=True)
            kept = _review(client, path, data, language, shared=True)
            assert _without_tokens(kept_first) == _without_tokens(fresh), (name, language)
            assert _without_tokens(kept) == _without_tokens(fresh), (name, language)
            assert f'name="project-{first}" value="{values[0]}"' in kept
            if language == "en":
                voted = "You have already voted" in html
                replacing.append(voted)
                assert ("Confirming replaces the ballot" in kept) == voted
    assert replacing == [True, False]  # both voters' situations rendered


def test_each_review_shows_its_own_choices(app: Flask) -> None:
    setup, client, path = _voter_at_ballot(app)  # costs 30,000, 50,000 and 40,000
    token = TOKEN.search(_page(client, path, "en", shared=True)).group(1)  # type: ignore[union-attr]
    titles = [project.title for project in setup.projects]
    for chosen in ((0,), (1, 2), (0, 2)):
        data = {"csrf_token": token, **{f"project-{setup.projects[i].id}": "1" for i in chosen}}
        html = _review(client, path, data, "en", shared=True)
        assert _without_tokens(html) == _without_tokens(
            _review(client, path, data, "en", shared=False)
        )
        for index, title in enumerate(titles):
            assert (f"<td>{title}</td>" in html) == (index in chosen), (chosen, title)
            hidden = f'name="project-{setup.projects[index].id}"'
            assert (hidden in html) == (index in chosen)


def test_an_edited_project_text_or_translation_is_a_new_page(app: Flask) -> None:
    from pb.proposals.models import Proposal

    setup, client, path = _voter_at_ballot(app)
    assert "A newer title" not in _page(client, path, "en", shared=True)
    _edit(Proposal, setup.projects[0].id, title="A newer title")
    assert "A newer title" in _page(client, path, "en", shared=True)
    assert "Nowy tytuł projektu" not in _page(client, path, "pl", shared=True)
    _edit(Proposal, setup.projects[0].id, translations={"pl": {"title": "Nowy tytuł projektu"}})
    kept = _page(client, path, "pl", shared=True)
    assert "Nowy tytuł projektu" in kept
    assert _without_tokens(kept) == _without_tokens(_page(client, path, "pl", shared=False))
