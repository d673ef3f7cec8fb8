"""One way to cut a listing into pages (it was written by hand in six places).

`paginate(statement, page, per_page)` counts the rows the statement selects, clamps the page
number into range (a page past the end shows the last page; 0 or less, the first), and fetches
that page. `rows=True` returns whole rows (for statements selecting several columns) instead of
the first column's objects. Flask-SQLAlchemy's `db.paginate` does most of this, but answers a
page past the end with an empty page and only returns the first column, so it is not used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from pb.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int
    total: int


def paginate(
    statement: Select[Any],
    page: int,
    per_page: int,
    *,
    count: Select[Any] | None = None,
    rows: bool = False,
) -> Page[Any]:
    """One page of `statement`'s results; `count` replaces the default count query."""
    if count is None:
        count = select(func.count()).select_from(statement.order_by(None).subquery())
    total = db.session.scalar(count) or 0
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    sliced = statement.offset((page - 1) * per_page).limit(per_page)
    items = list(db.session.execute(sliced).all() if rows else db.session.scalars(sliced))
    return Page(items, page, pages, total)
