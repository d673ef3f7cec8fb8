"""The platform's notion of "now" for deciding things (is voting open? which phase is live?).

One function, looked up at call time, so a test can move time forward for a whole request cycle
(`monkeypatch.setattr(pb.clock, "now", ...)`) instead of editing dates in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
