"""Choosing a rule when setting up a round: only rules that can count the ballot format are
offered (and accepted), each in plain words with a link; labels, not codes, on the settings
page; and the comparison of the ward's last counted round is one click away."""

from __future__ import annotations

import html
import re

from flask import Flask

from pb.rounds.models import Phase
from tests import factories


def rule_options(html: str) -> dict[str, bool]:
    """Rule code -> whether the page shows it (not hidden)."""
    found = {}
    for block in re.findall(r'<div class="rule-option"[^>]*>.*?</div>', html, re.S):
        code = re.search(r'name="rule"[^>]*value="([^"]+)"', block)
        if code:
            found[code.group(1)] = "hidden" not in block.split(">")[0]
    return found


def test_the_form_offers_only_rules_for_the_chosen_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.DRAFT, ballot_format="ranked", ballot_params={"min_rank": 1, "max_rank": 2}
    )
    client = app.test_client()
    factories.login(client, setup.councillor)
    page = client.get(f"/manage/rounds/{setup.round.id}/edit").get_data(as_text=True)
    shown = rule_options(page)
    assert shown["greedy"] and shown["equalshares/add1"]
    assert shown["phragmen"] is False  # Phragmén counts approvals only
    assert "Most votes first" in page and "/rules#rule-equalshares-add1" in page


def test_the_server_refuses_a_rule_that_cannot_count_the_ballot(app: Flask) -> None:
    setup = factories.round_in_phase(
        Phase.DRAFT, ballot_format="ranked", ballot_params={"min_rank": 1, "max_rank": 2}
    )
    client = app.test_client()
    factories.login(client, setup.councillor)
    page = client.get(f"/manage/rounds/{setup.round.id}/edit").get_data(as_text=True)
    form = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
        if name not in ("rule", "ballot_format", "wards")
    }
    form.update(
        {
            name: html.unescape(value)
            for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<', page)
        }
    )
    form.update(
        {
            "rule": "phragmen",
            "ballot_format": "ranked",
            "wards": [setup.ward.id],
            "currency": setup.round.currency,
            "tie_break": "lexicographic",
            "satisfaction": "",
        }
    )
    response = client.post(f"/manage/rounds/{setup.round.id}/edit", data=form)
    assert response.status_code == 422
    errors = re.findall(r'class="error-message"[^>]*>([^<]*)<', response.get_data(as_text=True))
    assert errors == ["This rule cannot count this ballot format. Choose another rule."]
    form["rule"] = "greedy"  # the same form with a rule that counts rankings is saved
    assert client.post(f"/manage/rounds/{setup.round.id}/edit", data=form).status_code == 302


def test_settings_show_labels_and_last_years_comparison_is_linked(app: Flask) -> None:
    past = factories.round_in_phase(Phase.PUBLISHED, ballots=[{0: 1}])
    setup = factories.round_in_phase(Phase.DRAFT, ward_=past.ward, tie_break="lowest-cost")
    client = app.test_client()
    factories.login(client, setup.councillor)
    settings = client.get(f"/manage/rounds/{setup.round.id}").get_data(as_text=True)
    assert "Most votes first" in settings and "Cheapest project" in settings
    assert "lowest-cost" not in settings
    form = client.get(f"/manage/rounds/{setup.round.id}/edit").get_data(as_text=True)
    assert f"/rounds/{past.round.id}/results/compare" in form


def test_the_rules_page_explains_every_rule(app: Flask) -> None:
    page = app.test_client().get("/rules").get_data(as_text=True)
    assert 'id="rule-equalshares-add1"' in page and 'id="rule-phragmen"' in page
    phragmen = page.split('id="rule-phragmen"')[1].split("</section>")[0]
    assert "Approval" in phragmen and "Ranked" not in phragmen  # the ballots it can count
