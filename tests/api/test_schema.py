"""The API against its own OpenAPI document: Schemathesis generates requests from the document
(valid ones, and invalid ones that must be refused) and checks every answer: no 5xx, a status,
headers, content type and body the document allows.

Requests are generated with any ids, and again naming a seeded published round and one of its
projects (random ids alone would only ever meet 404s). `PB_API_EXAMPLES` examples per
operation and mode (default 15, derandomized): measured in docs/api.md.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pb.rounds.models import Phase
from tests import factories
from tests.outcomes.helpers import counted_round

EXAMPLES = int(os.environ.get("PB_API_EXAMPLES", "15"))
ALWAYS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CHECKS = {
    GenerationMode.POSITIVE: ALWAYS,
    GenerationMode.NEGATIVE: [*ALWAYS, negative_data_rejection],
}


def _seeded() -> dict[str, int]:
    # published, with delivery plans, residents' time and ratings (the outcomes report)
    setup = counted_round().setup
    factories.round_in_phase(Phase.VOTING, ballots=[{0: 1}])
    factories.round_in_phase(Phase.DRAFT)
    return {
        "round_id": setup.round.id,
        "proposal_id": setup.projects[0].id,
        "ward_id": setup.ward.id,
    }


def _exercise(operation: Any, mode: GenerationMode, path: dict[str, int] | None) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    def check(case: Any) -> None:
        case.call_and_validate(checks=CHECKS[mode])

    check()


def test_every_answer_matches_the_document(app: Flask) -> None:
    seeded = _seeded()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    for operation in operations:
        names = {parameter.name for parameter in operation.path_parameters}
        paths = [None, {name: seeded[name] for name in names}] if names else [None]
        for path in paths:
            _exercise(operation, GenerationMode.POSITIVE, path)
            if path is None or list(operation.query):  # something left to get wrong
                _exercise(operation, GenerationMode.NEGATIVE, path)
