"""`flask --app wsgi pb ...`: operator commands that need the application and its database."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from pb.accounts import services as accounts
from pb.accounts.models import Role
from pb.assessment.commands import assessment_aggregate
from pb.audit.commands import checkpoint, keygen
from pb.db import writing
from pb.eligibility.commands import census_purge
from pb.errors import DomainError
from pb.extensions import db
from pb.mail.commands import outbox

cli = AppGroup("pb", help="Participatory budgeting operator commands.")
cli.add_command(keygen)  # the checkpoint signing key (pb/audit/commands.py)
cli.add_command(checkpoint)  # a scheduler runs this every 15 minutes while voting is open
cli.add_command(outbox)  # the e-mail delivery worker (pb/mail/commands.py)
cli.add_command(assessment_aggregate)  # hourly: rating figures (docs/assessment.md)
cli.add_command(census_purge)  # daily: the census register's retention (docs/eligibility.md)


@cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--ward", "wards", multiple=True, help="Ward code a councillor/officer works for.")
@click.option("--home-ward", default=None, help="Home ward code (citizens).")
@click.password_option()
def create_user(
    email: str,
    display_name: str,
    role: str,
    wards: tuple[str, ...],
    home_ward: str | None,
    password: str,
) -> None:
    """Create an account (staff accounts are only ever made this way or by an admin grant)."""
    try:
        with writing():
            user = accounts.create_staff_user(
                email, display_name, password, Role(role), list(wards), home_ward
            )
            message = f"Created {user.role.value} {user.email} (id {user.id})."
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    finally:
        db.session.remove()  # end the transaction: nothing read after this holds a snapshot
    click.echo(message)


@cli.command("routes")
def routes() -> None:
    """Print every route and the roles allowed on it (the table in docs/routes.md)."""
    from flask import current_app

    from pb.access import policy_table

    click.echo(policy_table(current_app), nl=False)


@cli.command("demo")
@click.option("--force", is_flag=True, help="Load even if the database already has data.")
def demo(force: bool) -> None:
    """Load the demo wards, accounts and rounds (once: does nothing if data exists)."""
    from pb import demo as demo_data

    if demo_data.already_loaded() and not force:
        click.echo("Demo data already present; nothing to do.")
        return
    with writing():
        summary = demo_data.load()
        db.session.commit()
    click.echo(summary)
