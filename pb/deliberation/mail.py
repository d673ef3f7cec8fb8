"""Moved to `pb.mail` (the outbox). This name stays so that code written against it, before the
outbox landed, keeps working: new code imports `pb.mail.outbox`."""

from pb.mail.outbox import enabled, queue

__all__ = ["enabled", "queue"]
