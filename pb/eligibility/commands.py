"""`flask --app wsgi pb census-purge`: delete the census register once its retention ends."""

from __future__ import annotations

import click

from pb.db import writing
from pb.eligibility import register
from pb.extensions import db


@click.command("census-purge")
def census_purge() -> None:
    """Delete census entries of uploads older than CENSUS_RETENTION_DAYS (run it daily)."""
    try:
        with writing():
            removed = register.purge_expired()
            db.session.commit()
    finally:
        db.session.remove()
    click.echo(f"Deleted {removed} census entries past their retention.")
