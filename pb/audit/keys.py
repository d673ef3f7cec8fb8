"""The checkpoint signing key: kept outside the database, in a file or an environment variable.

Where it is looked for, first found wins:
1. `PB_CHECKPOINT_KEY` (or the app setting `CHECKPOINT_KEY`): the PEM text itself, or the 32-byte
   seed as 64 hex digits, e.g. injected by a secrets manager;
2. the file `PB_CHECKPOINT_KEY_FILE` (or `CHECKPOINT_KEY_FILE`), by default
   `instance/checkpoint_key.pem`, written by `flask --app wsgi pb keygen`.

Outside production a missing key file is created on first use (like the demo's secret key), so
a fresh checkout can run a round end to end. In production (`PB_PRODUCTION=1`) a missing key is
an error: checkpoints signed by a key nobody published would prove nothing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask_babel import gettext as _

from pb.audit import signing
from pb.config import PROJECT_ROOT
from pb.errors import Conflict

ENV_KEY = "PB_CHECKPOINT_KEY"
ENV_KEY_FILE = "PB_CHECKPOINT_KEY_FILE"
DEFAULT_KEY_FILE = PROJECT_ROOT / "instance" / "checkpoint_key.pem"


class MissingKey(Conflict):
    """No signing key is configured (production), or the configured one cannot be read."""


def key_file() -> Path:
    configured = current_app.config.get("CHECKPOINT_KEY_FILE") or os.environ.get(ENV_KEY_FILE)
    return Path(configured) if configured else DEFAULT_KEY_FILE


def _inline_key() -> str | None:
    return current_app.config.get("CHECKPOINT_KEY") or os.environ.get(ENV_KEY) or None


def signing_key() -> Ed25519PrivateKey:
    """The private key checkpoints are signed with; raises `MissingKey` when there is none."""
    inline = _inline_key()
    try:
        if inline:
            return signing.load_private_key(inline)
        path = key_file()
        if not path.exists():
            if current_app.config.get("ENV_PRODUCTION"):
                raise MissingKey(_missing_message())
            write_key_file(path)
        return signing.load_private_key(path.read_bytes())
    except (OSError, signing.UnreadableKey) as error:
        current_app.logger.error("checkpoint signing key unusable: %s", error)
        raise MissingKey(_missing_message()) from error


def public_key() -> str | None:
    """The published public key (hex), or None when no key exists yet (never creates one)."""
    inline = _inline_key()
    try:
        if inline:
            return signing.public_key_hex(signing.load_private_key(inline))
        path = key_file()
        if not path.exists():
            return None
        return signing.public_key_hex(signing.load_private_key(path.read_bytes()))
    except (OSError, signing.UnreadableKey):
        return None


def write_key_file(path: Path, *, replace: bool = False) -> str:
    """Create a new key file (mode 0600) and return its public key (hex).

    The file appears whole or not at all (written aside, then linked into place), so processes
    starting together never read half a key; without `replace`, an existing key is kept.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = signing.new_private_key_pem()
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        if replace:
            os.replace(temporary, path)
        else:
            with contextlib.suppress(FileExistsError):  # another process made one first
                os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return signing.public_key_hex(signing.load_private_key(path.read_bytes()))


def _missing_message() -> str:
    return _(
        "Checkpoints cannot be signed: the signing key is missing or unreadable. "
        "An administrator must create it with “flask pb keygen”."
    )
