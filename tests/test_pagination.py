"""pb/pagination.py, the one helper every listing pages with: the page a visitor asks for is
clamped into range, the count is of the whole listing, and each page holds the right rows."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from pb.extensions import db
from pb.pagination import paginate
from pb.wards.models import Ward
from tests import factories


@pytest.fixture
def seven_wards(app: Flask) -> list[str]:
    codes = [f"P{n}" for n in range(7)]
    for code in codes:
        factories.ward(code=code)
    return codes


def _codes(page: int, per_page: int = 3):  # type: ignore[no-untyped-def]
    statement = select(Ward).where(Ward.code.like("P%")).order_by(Ward.code)
    return paginate(statement, page, per_page)


@pytest.mark.parametrize(
    ("asked", "shown", "codes"),
    [
        (1, 1, ["P0", "P1", "P2"]),
        (2, 2, ["P3", "P4", "P5"]),
        (3, 3, ["P6"]),  # the last page holds the rest
        (4, 3, ["P6"]),  # past the end: the last page, not an empty one
        (10**12, 3, ["P6"]),  # a huge number from the query string
        (0, 1, ["P0", "P1", "P2"]),  # 0 or less: the first page
        (-5, 1, ["P0", "P1", "P2"]),
    ],
)
def test_the_page_asked_for_is_clamped_and_holds_its_rows(
    seven_wards: list[str], asked: int, shown: int, codes: list[str]
) -> None:
    page = _codes(asked)
    assert (page.page, page.pages, page.total) == (shown, 3, 7)
    assert [ward.code for ward in page.items] == codes


def test_an_empty_listing_has_one_empty_page(app: Flask) -> None:
    page = paginate(select(Ward).where(Ward.code == "none"), 5, 10)
    assert (page.items, page.page, page.pages, page.total) == ([], 1, 1, 0)


def test_whole_rows_and_a_count_of_its_own(seven_wards: list[str]) -> None:
    statement = select(Ward.code, Ward.name).where(Ward.code.like("P%")).order_by(Ward.code)
    count = select(db.func.count()).select_from(Ward).where(Ward.code.like("P%"))
    page = paginate(statement, 2, 5, count=count, rows=True)
    assert [row.code for row in page.items] == ["P5", "P6"]
    assert all(len(row) == 2 for row in page.items)  # whole rows, not the first column
    assert (page.page, page.pages, page.total) == (2, 2, 7)
