"""URL converters registered app-wide, before any blueprint adds its routes."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

# Every id column is a 32-bit INTEGER on PostgreSQL; SQLite's are 64-bit.
LARGEST_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that only matches ids a database column can hold.

    Werkzeug's own converter accepts any number of digits, and a 23-digit id then fails deep in
    the database driver (SQLite's OverflowError, PostgreSQL's "out of range") as a 500. Here such
    a URL simply matches no route: 404, before any view or query runs."""

    def __init__(self, map, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
