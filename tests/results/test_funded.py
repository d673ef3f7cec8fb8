"""What happens after the vote starts from the funded projects of a published round."""

from __future__ import annotations

from flask import Flask

from pb.qr import qr_svg
from pb.results import services as results
from pb.rounds.models import Phase
from tests import factories

# budget 100k; costs 30k, 50k, 40k: project 2 (4 votes) then project 1 (2 votes, lower id on a tie)
APPROVALS = [{0: 1, 1: 1}, {1: 1}, {1: 1, 2: 1}, {0: 1}, {2: 1}, {1: 1}]


def test_funded_projects_are_listed_only_once_published_in_the_order_chosen(app: Flask) -> None:
    closed = factories.round_in_phase(Phase.CLOSED, ballots=APPROVALS)
    assert results.funded_projects(closed.round) == []
    assert not results.is_funded(closed.projects[1])

    published = factories.round_in_phase(Phase.PUBLISHED, ballots=APPROVALS)
    first, second, third = published.projects
    assert results.funded_projects(published.round) == [second, first]
    assert [results.is_funded(p) for p in (first, second, third)] == [True, True, False]


def test_a_qr_code_is_an_inline_svg_with_a_title() -> None:
    svg = qr_svg("https://pb.example/vote/code", title="Scan to vote")
    assert svg.startswith("<svg") and "<title>Scan to vote</title>" in svg
    assert 'class="qr"' in svg
