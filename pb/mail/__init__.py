"""E-mail through a database outbox: written in the request's transaction, delivered by a worker.

`pb.mail.outbox.queue(session, to, subject, body, not_before=...)` is the one way to send mail.
The message is a row in the same transaction as the change that caused it, so a rolled-back
request sends nothing and a committed one is never lost; `flask pb outbox --loop` (or the
thread-free worker `make run` starts itself) delivers it with retries. See docs/operations.md.
"""
