"""`flask --app wsgi pb digest`: the authors' daily digest e-mails (run it once a day)."""

from __future__ import annotations

import click

from pb.db import writing
from pb.extensions import db
from pb.following import digest as digests


@click.command("digest")
def digest() -> None:
    """Queue one e-mail per author who chose a daily digest and has new notices."""
    try:
        with writing():
            emails, notices = digests.send()
            db.session.commit()
    finally:
        db.session.remove()
    click.echo(f"Queued {emails} digest e-mails for {notices} notices.")
