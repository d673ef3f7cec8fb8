"""pb/process_cache.py: a value is made once per key, and the cache never outgrows its bound."""

from __future__ import annotations

from collections.abc import Hashable

from pb.process_cache import kept


def test_a_value_is_made_once_and_the_cache_is_emptied_at_its_bound() -> None:
    cache: dict[Hashable, str] = {}
    made: list[str] = []

    def make(key: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(key) or key.upper()

    assert [kept(cache, k, make(k), 2) for k in ("a", "a", "b", "a")] == ["A", "A", "B", "A"]
    assert made == ["a", "b"]  # "a" was made once
    assert kept(cache, "c", make("c"), 2) == "C"  # full: emptied, then "c" kept alone
    assert cache == {"c": "C"}
    assert kept(cache, "a", make("a"), 2) == "A" and made == ["a", "b", "c", "a"]
