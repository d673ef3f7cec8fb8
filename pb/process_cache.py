"""Values a worker process computes once and keeps: per frozen round, per language.

One small helper instead of `functools.lru_cache` because the keys are built by the callers
(a round's config hash, a texts version, the language) and the value is made by a closure that
reads the database; the bound only guards against a process that sees unusually many rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

V = TypeVar("V")


def kept(cache: dict[Hashable, V], key: Hashable, make: Callable[[], V], size: int) -> V:
    """`cache[key]`, made by `make()` the first time. The cache is emptied when it holds `size`
    entries (a worker sees few rounds and languages; emptying is simpler than an LRU and rare)."""
    found = cache.get(key)
    if found is None:
        found = make()
        if len(cache) >= size:
            cache.clear()
        cache[key] = found
    return found
