"""The SQL statements a block of test code runs, as the engine sends them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from pb.extensions import db


@contextmanager
def recorded_statements(keep: Callable[[str], bool]) -> Iterator[list[str]]:
    """Every statement for which `keep` is true, while the block runs."""
    seen: list[str] = []

    def look(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if keep(statement):
            seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", look)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", look)
