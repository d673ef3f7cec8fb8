"""Operations: liveness and readiness probes, Prometheus metrics, JSON logs with request ids.

Nothing here knows about ballots beyond a count: metrics and log lines never carry ballot
content, secrets or full client addresses (docs/operations.md says what is logged and for how
long).
"""
