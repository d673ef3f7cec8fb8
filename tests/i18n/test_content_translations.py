"""Councillors enter round and project texts in other languages; residents see them."""

from __future__ import annotations

from flask import Flask

from pb.audit.models import AuditEntry
from pb.extensions import db
from pb.rounds.models import Phase
from tests import factories


def test_councillor_translates_and_residents_read_their_language(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.VOTING)
    project = setup.projects[0]
    councillor = app.test_client()
    factories.login(councillor, setup.councillor)
    path = f"/manage/rounds/{setup.round.id}/translations"
    assert councillor.get(path).status_code == 200
    response = councillor.post(
        path,
        data={
            "round-pl-title": "Budżet obywatelski dzielnicy",
            "round-ur-description": "وارڈ کے رہائشی مل کر فیصلہ کرتے ہیں۔",
            "category-pl-0": "Parki",
            f"project-{project.id}-pl-title": "Nowy plac zabaw",
        },
    )
    assert response.status_code == 302
    db.session.rollback()  # end the test's read snapshot to see what the request committed
    assert setup.round.translations["pl"]["title"] == "Budżet obywatelski dzielnicy"
    assert project.translations == {"pl": {"title": "Nowy plac zabaw"}}
    assert db.session.query(AuditEntry).filter_by(action="round.translations_saved").count() == 1

    visitor = app.test_client()
    visitor.post("/language", data={"lang": "pl"})
    page = visitor.get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert "Budżet obywatelski dzielnicy" in page
    assert "Parki" in page
    english = app.test_client().get(f"/rounds/{setup.round.id}").get_data(as_text=True)
    assert "Budżet obywatelski dzielnicy" not in english and setup.round.title in english


def test_only_the_rounds_councillors_may_translate(app: Flask) -> None:
    setup = factories.round_in_phase(Phase.PROPOSALS)
    other = factories.user(factories.Role.COUNCILLOR, wards_=[factories.ward()])
    client = app.test_client()
    factories.login(client, other)
    path = f"/manage/rounds/{setup.round.id}/translations"
    assert client.get(path).status_code == 403
    assert client.post(path, data={"round-pl-title": "X"}).status_code == 403
