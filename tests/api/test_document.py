"""The OpenAPI document at /api/openapi.json, and the page that reads it to people."""

from __future__ import annotations

import pytest
from flask import Flask
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator

from pb.rounds.models import Phase
from tests import factories

V1 = [
    "/api/v1/checkpoints",
    "/api/v1/rounds",
    "/api/v1/rounds/{round_id}",
    "/api/v1/rounds/{round_id}/outcomes",
    "/api/v1/rounds/{round_id}/participation",
    "/api/v1/rounds/{round_id}/projects",
    "/api/v1/rounds/{round_id}/projects/{proposal_id}",
    "/api/v1/rounds/{round_id}/results",
    "/api/v1/rounds/{round_id}/results/why",
    "/api/v1/wards/{ward_id}/outcomes",
]


def test_the_document_is_valid_openapi_3_1(bare_app: Flask) -> None:
    document = bare_app.test_client().get("/api/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    assert sorted(document["paths"]) == V1
    assert document["info"]["version"] == "1.0.0"


def test_the_document_says_what_is_nullable(bare_app: Flask) -> None:
    schemas = bare_app.test_client().get("/api/openapi.json").get_json()["components"]["schemas"]
    project = schemas["Project"]["properties"]
    assert {"$ref": "#/components/schemas/Delivery"} in project["delivery"]["anyOf"]
    assert {"type": "null"} in project["delivery"]["anyOf"]
    assert {"$ref": "#/components/schemas/ProjectResult"} in project["result"]["anyOf"]
    assert "delivery" in schemas["Project"]["required"]


def test_every_list_documents_paging_and_every_answer_an_etag(bare_app: Flask) -> None:
    paths = bare_app.test_client().get("/api/openapi.json").get_json()["paths"]
    for path, item in paths.items():
        ok = item["get"]["responses"]["200"]
        assert "ETag" in ok["headers"] and "304" in item["get"]["responses"], path
        names = {p["name"] for p in item["get"].get("parameters", [])}
        if path.endswith(("/rounds", "/projects", "/checkpoints")):
            assert {"page", "per_page"} <= names and "Link" in ok["headers"], path


@pytest.mark.parametrize("language", ["en", "pl", "ur"])
def test_the_page_lists_every_address_in_each_language(app: Flask, language: str) -> None:
    factories.round_in_phase(Phase.PUBLISHED)
    client = app.test_client()
    page = client.get("/api/docs", headers={"Accept-Language": language})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    for path in V1:
        assert f"GET {path}</code>" in text
    assert 'href="/api/openapi.json"' in text
    assert "<script" not in text.split("</header>", 1)[-1].split("<footer", 1)[0]
    headings = {"en": "API for integrators", "pl": "API dla integratorów", "ur": "انٹیگریٹرز"}
    assert headings[language] in text


def test_the_document_is_built_when_first_read_and_holds_every_route(bare_app: Flask) -> None:
    # building an app (every test does) leaves the schemas unresolved until someone reads them
    api = bare_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    assert api._undocumented and not api._spec.to_dict()["paths"]
    document = bare_app.test_client().get("/api/openapi.json").get_json()
    assert not api._undocumented
    routes = {r.rule for r in bare_app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert {path.replace("{", "<int:").replace("}", ">") for path in document["paths"]} == routes
    assert [tag["name"] for tag in document["tags"]] == ["api_v1"]
