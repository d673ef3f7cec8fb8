"""`flask --app wsgi pb assessment-aggregate`: recompute the published rating figures."""

from __future__ import annotations

import click

from pb import clock
from pb.assessment import aggregates
from pb.db import writing
from pb.extensions import db


@click.command("assessment-aggregate")
def assessment_aggregate() -> None:
    """Recompute figures of windows that closed, and of open ones once a day (run it hourly)."""
    try:
        with writing():
            count = aggregates.refresh_all(clock.now())
            db.session.commit()
    finally:
        db.session.remove()
    click.echo(f"Recomputed the figures of {count} projects.")
