"""The database the web benchmarks start from: migrated, with the demo loaded."""

from __future__ import annotations

from flask import Flask

from pb import create_app, demo
from pb.db import writing
from pb.extensions import db

SETTINGS = {
    "SECRET_KEY": "bench",
    "AUDIT_PSEUDONYM_KEY": "bench",
    "CENSUS_HMAC_KEY": "bench",
    "RATELIMIT_ENABLED": False,
}


def migrated_demo(url: str) -> Flask:
    """An app on `url`, its schema at head and the demo loaded (the caller adds its own load)."""
    from flask_migrate import upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, **SETTINGS})
    with app.app_context():
        upgrade()
        with writing():
            demo.load()
            db.session.commit()
    return app
