"""Who may vote in a frozen round is asked against its wards, kept per process by config hash
(pb/rounds/services.py `keep_frozen_wards`): the answer must be the round's own wards."""

from __future__ import annotations

from flask import Flask

from pb.rounds.models import Phase
from tests import factories


def test_a_resident_of_another_ward_is_refused_and_one_of_the_round_s_ward_votes(
    app: Flask,
) -> None:
    setup = factories.round_in_phase(Phase.VOTING, voters=1)
    path = f"/rounds/{setup.round.id}/ballot"
    choice = {f"project-{setup.projects[0].id}": "1"}
    outsider = app.test_client()
    factories.login(outsider, factories.user(home=factories.ward()))
    page = outsider.get(path)
    assert page.status_code == 200
    assert "Only residents of this round" in page.text and 'id="ballot-form"' not in page.text
    assert outsider.post(path + "/cast", data=choice).status_code == 403
    resident = app.test_client()
    factories.login(resident, setup.voters[0])
    assert 'id="ballot-form"' in resident.get(path).text
    assert resident.post(path + "/cast", data=choice).status_code == 302
