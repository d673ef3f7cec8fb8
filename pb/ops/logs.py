"""Structured logs: one JSON object per line, each with the request id of the request it is about.

What a log line may hold, and what it never does (tests/ops/test_logs.py checks it):
- one access line per request (logger `pb.access`): method, the route's pattern (never the URL
  typed, whose path or query could carry a token), endpoint, status, duration, request id, and
  the client's network (IPv4 /24, IPv6 /48), never the full address;
- no ballot content, password, cookie, CSRF token, ballot key or signing key. SQLAlchemy's
  statement echo is pinned to WARNING here, because at INFO it writes every bound parameter.

Processes configure logging once at their entry point (gunicorn through deploy/gunicorn.conf.py,
the outbox worker) with `pb.ops.logconfig`; `create_app` does not, so tests and embedding code
keep their own handlers.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid
from functools import lru_cache

from flask import Flask, Response, g, request

from pb.ops import metrics
from pb.ops.logconfig import JsonFormatter, configure, logging_config

ACCESS = logging.getLogger("pb.access")
REQUEST_ID_HEADER = "X-Request-ID"
# An id a proxy in front already gave the request is kept (so its lines and ours match);
# anything else is replaced: a log field must not be a place to smuggle text.
_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
QUIET_ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.prometheus", "static"})
__all__ = ["JsonFormatter", "client_network", "configure", "init_app", "logging_config"]


@lru_cache(maxsize=4096)  # parsing the address is most of the access line's cost; few clients
def client_network(address: str | None) -> str:
    """The client's network, not its address: 203.0.113.7 -> 203.0.113.0/24 (IPv6: a /48)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def init_app(app: Flask) -> None:
    """Give every request an id, time it, and write one access line and one metric for it.

    Registered before the other hooks, so its after_request runs last: the figures include
    the commit.
    """

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _GOOD_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
        endpoint = request.endpoint or "unmatched"
        metrics.observe_request(endpoint, request.method, response.status_code, seconds)
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        ACCESS.log(
            logging.DEBUG if endpoint in QUIET_ENDPOINTS else logging.INFO,
            "request",
            extra={
                "request_id": request_id,
                "method": request.method,
                "route": request.url_rule.rule if request.url_rule else None,
                "endpoint": endpoint,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "client": client_network(request.remote_addr),
            },
        )
        return response
