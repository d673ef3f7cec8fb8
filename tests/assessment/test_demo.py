"""The demo shows co-assessment on its published round: figures above k, none below k, and an
inspection report with the officer's answer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from pb.assessment.models import ProjectAssessment
from pb.extensions import db


def test_the_demo_has_ratings_above_and_below_k_and_an_answered_inspection(app: Flask) -> None:
    assert app.test_cli_runner().invoke(args=["pb", "demo"]).exit_code == 0
    db.session.rollback()
    shown, hidden = db.session.scalars(
        sa.select(ProjectAssessment).order_by(ProjectAssessment.opens_at)
    ).all()
    client = app.test_client()
    page = client.get(f"/rounds/{shown.round_id}/projects/{shown.proposal_id}/assessment").text
    assert "12 residents rated this project." in page
    assert "dropped kerb at the north gate" in page and "no dropped section" in page
    page = client.get(f"/rounds/{hidden.round_id}/projects/{hidden.proposal_id}/assessment").text
    assert "Figures appear once at least 5 residents" in page and "<table" not in page
