"""Participatory budgeting platform.

The package root imports nothing heavy on purpose: `pb.allocation` and the offline verifier must
import without Flask or SQLAlchemy, so the web application is only built inside `create_app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; wiring only (no migrations, no network, no prompts)."""
    from pb.app import build_app

    return build_app(config)
