"""Database engine behaviour shared by every request: SQLite pragmas and the one commit point."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from flask import Flask, Response, g
from sqlalchemy import DateTime, Dialect, Engine, Enum, event
from sqlalchemy.types import TypeDecorator

from pb.extensions import db


def configure_sqlite(engine: Engine) -> None:
    """WAL + synchronous=FULL for durability; BEGIN IMMEDIATE so writers queue instead of failing.

    pysqlite's own transaction handling is switched off: its deferred BEGIN lets two writers read
    the same state and then fail with "database is locked" on upgrade, which would fork the audit
    chain or lose a ballot. Taking the write lock at BEGIN serialises them (up to busy_timeout).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def keep_despite_refusal() -> None:
    """Commit this request even though it answers with an error (e.g. a failed login's record)."""
    g.keep_despite_refusal = True


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"


def init_app(app: Flask) -> None:
    """Commit once per request, at the end, and only when the response says it succeeded.

    Views never commit. A form re-rendered with errors answers 422, so anything a service flushed
    before the error is rolled back here rather than half-saved.
    """
    with app.app_context():
        if is_sqlite():
            configure_sqlite(db.engine)

    @app.after_request
    def _commit_or_rollback(response: Response) -> Response:
        if response.status_code < 400 or g.get("keep_despite_refusal"):
            db.session.commit()
        else:
            db.session.rollback()
        return response


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, refuses naive input (so no local time slips in)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def str_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint listing the allowed values."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(member.value) for member in enum_class) + 4,
        values_callable=lambda members: [member.value for member in members],
    )
