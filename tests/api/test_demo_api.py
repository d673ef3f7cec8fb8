"""The API over the demo (`make run`): every v1 address of every demo round answers as the
document says, and the published round's results come with their explanations."""

from __future__ import annotations

import schemathesis
import sqlalchemy as sa
from flask import Flask

from pb import demo
from pb.db import writing
from pb.extensions import db
from pb.proposals.models import Proposal
from pb.rounds.models import Phase, Round

PATHS = ("", "/projects", "/results", "/participation", "/results/why")


def test_every_demo_round_through_the_api(app: Flask) -> None:
    with writing():
        demo.load()
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    client = app.test_client()
    answered = {}
    for round_ in db.session.scalars(sa.select(Round)):
        first = db.session.scalar(sa.select(Proposal.id).where(Proposal.round_id == round_.id))
        base = f"/api/v1/rounds/{round_.id}"
        for path in (*PATHS, f"/projects/{first}"):
            response = client.get(f"{base}{path}")
            template = "/api/v1/rounds/{round_id}" + path.replace(str(first), "{proposal_id}")
            schema[template]["GET"].validate_response(response)
            answered[(round_.phase, path)] = response.status_code
    published = next(r for r in db.session.scalars(sa.select(Round)) if r.phase is Phase.PUBLISHED)
    results = client.get(f"/api/v1/rounds/{published.id}/results").get_json()
    assert results["projects"] and all(line["explanation"] for line in results["projects"])
    assert answered[(Phase.PUBLISHED, "/participation")] == 200
    assert answered[(Phase.VOTING, "/results")] == 404
    assert client.get("/api/v1/rounds").get_json()["total"] >= 4
