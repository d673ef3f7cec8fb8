"""Database engine behaviour shared by every request: SQLite pragmas and the one commit point."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import DateTime, Dialect, Engine, Enum, bindparam, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from pb.extensions import db

View = TypeVar("View", bound=Any)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_writing: ContextVar[bool] = ContextVar("pb_writing", default=False)
_reading: ContextVar[bool] = ContextVar("pb_reading", default=False)


@contextmanager
def writing() -> Iterator[None]:
    """Mark work outside a request (a command) as a writer, so SQLite takes the write lock."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


def reads_only(view: View) -> View:
    """Mark a POST view that writes nothing (it checks a form and shows a page): on SQLite it
    begins deferred like a GET, so it never waits for, or holds, the write lock."""
    view.pb_reads_only = True  # type: ignore[attr-defined]
    return view


def locks_late(view: View) -> View:
    """Mark a POST view that reads first and calls `start_writing()` before its first write: on
    SQLite its reads begin deferred, and it queues for the write lock only for its writes."""
    view.pb_locks_late = True  # type: ignore[attr-defined]
    return view


def start_writing() -> bool:
    """In a `locks_late` view, between its reads and its writes: on SQLite, end the reads'
    transaction (they wrote nothing; the objects read stay loaded) and begin IMMEDIATE, taking
    the write lock (waiting for it). True when it did: whatever the reads decided that
    another writer could have changed meanwhile must then be read again. False on PostgreSQL,
    whose row locks and constraints need no such step (the transaction goes on)."""
    if not is_sqlite():
        return False
    session = _read_only_session("start_writing() comes before the first write")
    g.pb_write_lock_now = True  # for any transaction this request begins after this one
    # On the same connection, within the session's transaction: the reads' transaction ends
    # (nothing to write, no fsync) and the write lock's begins. The session's own commit, the
    # connection's return to the pool and its checkout cost more CPU than these two statements,
    # and the commit hooks (metrics, checkpoints) then fire once, at the request's one commit.
    connection = session.connection()
    connection.connection.commit()  # the DBAPI connection's: no session commit, no new checkout
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    return True


@contextmanager
def before_writing() -> Iterator[None]:
    """Reads a request does before it writes, in a transaction of their own that ends here.

    For slow work between reading and writing (an Argon2 check): on SQLite the reads begin
    deferred and the transaction ends before the slow part, so no other request waits for this
    one's write lock meanwhile (on PostgreSQL no connection sits idle in a transaction). The
    writes that follow begin a new transaction. Nothing may be written inside."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)
    session = _read_only_session("before_writing() is for reads: nothing may be written inside")
    session.rollback()  # writes nothing: only ends the read transaction


def _read_only_session(misuse: str) -> Session:
    """The request's session, which must hold no pending write (ending its transaction early
    would otherwise write, or drop, what the caller meant to write later): neither unsaved
    changes nor changes already flushed in this transaction."""
    session = db.session()
    if session.new or session.dirty or session.deleted or session.info.get(_FLUSHED):
        raise RuntimeError(misuse)
    return session


# Whether the session's transaction holds flushed writes: they are no longer in `new`, `dirty`
# or `deleted`, and ending that transaction early would drop them (or commit them too soon).
_FLUSHED = "pb_flushed_writes"


@event.listens_for(Session, "after_flush")
def _remember_flushed_writes(session: Session, _context: object) -> None:
    session.info[_FLUSHED] = True  # (a flush with nothing to write fires no event)


@event.listens_for(Session, "after_transaction_end")
def _forget_flushed_writes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost: its writes were committed or rolled back
        session.info.pop(_FLUSHED, None)


def _takes_write_lock() -> bool:
    if _writing.get():
        return True
    if _reading.get() or not has_request_context() or request.method in SAFE_METHODS:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "pb_locks_late", False):
        return bool(g.get("pb_write_lock_now"))
    return not getattr(view, "pb_reads_only", False)


def configure_sqlite(engine: Engine) -> None:
    """WAL + synchronous=FULL for durability; writers take the lock at BEGIN and queue.

    pysqlite's own transaction handling is switched off: its deferred BEGIN lets two writers read
    the same state and then fail with "database is locked" on upgrade, which would fork the audit
    chain or lose a ballot. A request that may write (POST...) or a command marked `writing()`
    begins IMMEDIATE, taking the write lock first (waiting up to busy_timeout; a view marked
    `locks_late` from its `start_writing()` on); reads (GET, a
    view marked `reads_only`, the reads inside `before_writing()`) begin deferred, so in WAL
    mode they never wait for, or block, a writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted content is overwritten, not left in free pages (the seal deletes ballots).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _takes_write_lock() else "BEGIN")


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


def added_once(obj: Any) -> bool:
    """Insert `obj` inside a savepoint. False, with nothing written, when a unique constraint
    already holds its twin (the same click twice at once: the constraint has the last word, and
    the request can still answer cleanly); True when it was inserted."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except IntegrityError:
        return False
    return True


def inserted_once(model: Any, **values: Any) -> bool:
    """Insert one row of `model` unless a unique constraint already holds its twin: False, with
    nothing written, when it does. Like `added_once`, for a hot path that needs no ORM object
    afterwards: one INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL) instead of a
    savepoint, an insert and a release. On PostgreSQL an insert racing an uncommitted twin waits
    for that transaction: nothing is inserted if it commits, the row is if it rolls back."""
    dialect = db.session.get_bind().dialect.name
    statement = _insert_once_statement(model, dialect, frozenset(values))
    return db.session.execute(statement, values).first() is not None


_INSERT_ONCE: dict[tuple[Any, str, frozenset[str]], Any] = {}


def _insert_once_statement(model: Any, dialect: str, columns: frozenset[str]) -> Any:
    """`inserted_once`'s statement, built once per model, dialect and columns, on the table
    (a plain insert: the ORM's bulk-insert path cost three times the CPU of the statement).
    `values` name columns, which on the models that use it are also the attributes' names."""
    key = (model, dialect, columns)
    statement = _INSERT_ONCE.get(key)
    if statement is None:
        table = inspect(model).local_table
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = {name: bindparam(name) for name in sorted(columns)}
        # RETURNING names the row inserted, if any (rowcount is -1 here on PostgreSQL)
        returning = inspect(model).primary_key  # the table's own columns
        statement = insert(table).values(values).on_conflict_do_nothing().returning(*returning)
        _INSERT_ONCE[key] = statement
    return statement
