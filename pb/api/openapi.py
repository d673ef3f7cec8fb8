"""The OpenAPI 3.1 document (flask-smorest + apispec) and the page that reads it to people.

flask-smorest builds the document from the /api/v1 routes and their marshmallow schemas and
serves it at /api/openapi.json. Its own JSON error handler is not installed: pb.errors already
answers every /api/ path with {"error", "reason", "status"}, and would otherwise lose its
readable error pages everywhere else.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app
from flask_smorest import Api as SmorestApi

from pb.api import schemas
from pb.routing import LARGEST_ID, BoundedIntConverter

VERSION = "1.0.0"
_DOCUMENTING = threading.RLock()  # re-entered: documenting reads `spec` itself


class Api(SmorestApi):  # type: ignore[misc]
    """flask-smorest's Api, documenting a blueprint's routes when the document is first read.

    Resolving the marshmallow schemas into the document was a third of building the whole app
    (every test builds one), and only /api/openapi.json and the API page read it. The routes are
    registered at once, as before; the documentation is added, in the same order, at the first
    read of `spec` (by flask-smorest itself or by `document()`), so the document is the same."""

    ERROR_SCHEMA = schemas.Error

    @property
    def spec(self) -> Any:
        if self.__dict__.get("_undocumented"):
            # another thread of the worker waits for the whole document; this thread's own
            # reads while documenting (flask-smorest's) see it as it is built, as before
            with _DOCUMENTING:
                if self._undocumented and not self.__dict__.get("_documenting"):
                    self._documenting = True
                    try:
                        for document_blueprint in self._undocumented:
                            document_blueprint()
                        self._undocumented = []
                    finally:
                        self._documenting = False
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: Any, *, parameters: Any = None, **options: Any) -> None:
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self.__dict__.setdefault("_undocumented", []).append(
            lambda: self._document(blp, name, parameters)
        )

    def _document(self, blp: Any, name: str, parameters: Any) -> None:
        """What flask-smorest's `register_blueprint` does after registering the routes."""
        spec = self.spec
        blp.register_views_in_doc(self, self._app, spec, name=name, parameters=parameters)
        spec.tag({"name": name, "description": blp.description})

    def _register_error_handlers(self) -> None:
        """pb.errors answers errors (JSON under /api/, pages elsewhere)."""


def _id_schema(converter: Any) -> dict[str, Any]:
    return {"type": "integer", "minimum": 0, "maximum": LARGEST_ID}


def init_app(app: Flask) -> None:
    from pb.api import v1

    app.config.update(
        API_TITLE="Ward budgets API",
        API_VERSION=VERSION,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Read-only public data of the participatory budgeting rounds. "
                "Paging, ETags and versioning: docs/api.md."
            }
        },
    )
    api = Api(app)
    api.register_converter(BoundedIntConverter, _id_schema)
    api.register_blueprint(v1.blp)


def document() -> dict[str, Any]:
    """The OpenAPI document, as served at /api/openapi.json."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return api.spec.to_dict()  # type: ignore[no-any-return]


def type_of(schema: dict[str, Any]) -> str:
    """A property's type in a few words, for the human-readable page."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for combined in ("allOf", "anyOf", "oneOf"):
        if combined in schema:
            return " | ".join(type_of(part) for part in schema[combined])
    kind = schema.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    named = []
    for one in kinds:
        if one == "array":
            named.append(type_of(schema.get("items", {})) + "[]")
        else:
            named.append(str(one))
    return " | ".join(named)


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every path and method of the document, in order, with what the page shows of them."""
    found = []
    for path, methods in spec.get("paths", {}).items():
        shared = methods.get("parameters", [])
        for method, operation in methods.items():
            if method == "parameters":
                continue
            found.append(
                {
                    "path": path,
                    "method": method.upper(),
                    "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": shared + operation.get("parameters", []),
                    "responses": _responses(spec, operation.get("responses", {})),
                }
            )
    return found


def _responses(spec: dict[str, Any], responses: dict[str, Any]) -> list[dict[str, str]]:
    listed = []
    shared = spec.get("components", {}).get("responses", {})
    for status, given in sorted(responses.items()):
        response = shared.get(given["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in given else given
        body = response.get("content", {}).get("application/json", {}).get("schema")
        listed.append(
            {
                "status": status,
                "description": response.get("description", ""),
                "schema": type_of(body) if body else "",
            }
        )
    return listed
