"""The admin's list of accounts is paged and searchable, however many residents register."""

from __future__ import annotations

import re

from flask import Flask

from pb.accounts.models import Role, User
from pb.extensions import db
from tests import factories


def _admin_client(app: Flask):  # type: ignore[no-untyped-def]
    client = app.test_client()
    factories.login(client, factories.user(Role.ADMIN))
    return client


def _many_residents(count: int) -> None:
    ward = factories.ward()
    db.session.add_all(
        User(
            email=f"resident{n:04d}@example.test",
            display_name=f"Resident {n}",
            home_ward=ward,
            password_hash="x",
        )
        for n in range(count)
    )
    db.session.commit()


def test_every_account_is_reachable_page_by_page(app: Flask) -> None:
    _many_residents(230)
    client = _admin_client(app)
    seen: set[str] = set()
    page = 1
    while True:
        text = client.get(f"/admin/users?page={page}").text
        found = set(re.findall(r"resident\d{4}@example\.test", text))
        seen |= found
        if 'rel="next"' not in text:
            break
        page += 1
    assert len(seen) == 230 and page == 5  # 231 accounts with the admin, 50 a page
    assert "231 accounts" in client.get("/admin/users").text


def test_search_by_address_or_name_keeps_the_query_across_pages(app: Flask) -> None:
    _many_residents(120)
    client = _admin_client(app)
    by_name = client.get("/admin/users?q=resident 11").text
    assert "resident0011@example.test" in by_name and "resident0110@example.test" in by_name
    assert "resident0012@example.test" not in by_name
    first = client.get("/admin/users?q=RESIDENT").text
    assert "q=RESIDENT" in first.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_a_page_past_the_end_shows_the_last_page(app: Flask) -> None:
    _many_residents(60)
    text = _admin_client(app).get("/admin/users?page=99999999999").text
    assert "Page 2 of 2" in text and "resident0059@example.test" in text
