"""Operator commands for checkpoints, added to the `flask --app wsgi pb` group.

- `pb keygen` creates the Ed25519 signing key (once) and prints the public key to publish;
  `--owner 10001:10001` gives the file to the container's user (docs/operations.md, Containers).
- `pb checkpoint` is what a scheduler runs every 15 minutes: while a round is open for voting it
  signs the head of the audit log (if it moved since the last checkpoint). It needs no request,
  so checkpoints keep coming even when nobody visits the site. It also finishes the rewrite of
  the ballot tables in random order if a close could not do it (pb.audit.secrecy).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from pb.audit import checkpoints, keys, secrecy, signing
from pb.db import writing
from pb.errors import DomainError
from pb.extensions import db


def _numeric_owner(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[int, int] | None:
    """`10001` or `10001:10001` as (uid, gid): numbers, as the user may exist only in the image."""
    if value is None:
        return None
    uid, _, gid = value.partition(":")
    if not uid.isdigit() or not (gid or uid).isdigit():
        raise click.BadParameter("UID or UID:GID, in numbers")
    return int(uid), int(gid or uid)


@click.command("keygen")
@click.option(
    "--force", is_flag=True, help="Replace an existing key (checkpoints already signed stay valid)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the key (default: PB_CHECKPOINT_KEY_FILE or instance/checkpoint_key.pem).",
)
@click.option(
    "--owner",
    callback=_numeric_owner,
    default=None,
    metavar="UID[:GID]",
    help="Give the file to this user (needs root), e.g. the container's pb user: 10001:10001.",
)
def keygen(force: bool, out: Path | None, owner: tuple[int, int] | None) -> None:
    """Create the checkpoint signing key and print its public key."""
    path = out or keys.key_file()
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; use --force to replace it.")
    public = keys.write_key_file(path, replace=force)
    if owner:
        # A compose file secret is the host file bind-mounted as it is: owner and mode 0600
        # included, so only the container's own user can read it.
        try:
            os.chown(path, *owner)
        except PermissionError as error:
            raise click.ClickException(f"{path} written, but not given away: {error}") from error
    click.echo(f"Wrote {path} (keep it private; back it up outside the database).")
    click.echo(f"Public key: {public}")
    click.echo(f"Key id:     {signing.key_id(public)}")
    click.echo(
        "Publish the public key where auditors will find it (it is also shown on /transparency)."
    )


@click.command("checkpoint")
@click.option("--force", is_flag=True, help="Sign even if no round is open for voting.")
def checkpoint(force: bool) -> None:
    """Sign the head of the audit log (run every 15 minutes while voting is open)."""
    try:
        with writing():
            if secrecy.rewrite_if_needed() is False:
                click.echo("Ballot tables not yet rewritten in random order (busy); will retry.")
            if not force and not checkpoints.voting_is_open():
                message = "No round is open for voting: nothing to sign (--force signs anyway)."
            else:
                signed = checkpoints.sign_head()
                if signed is None:
                    latest = checkpoints.latest_checkpoint()
                    seq = latest.seq if latest else "-"
                    message = f"The head is already signed (checkpoint at seq {seq})."
                else:
                    message = f"Signed checkpoint: seq {signed.seq}, hash {signed.entry_hash}."
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    finally:
        db.session.remove()
    click.echo(message)
