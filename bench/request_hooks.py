"""Where a request's processor time goes, part by part: `bench/request_cpu.py --hooks`.

cProfile charges its own overhead to every call, so a request made of many small calls (Flask's
hooks, Werkzeug's proxies) looks several times heavier under it than it is. This meter wraps the
parts of a Flask application instead, once each, and adds `time.process_time()` differences:

- every before-request, after-request and teardown function, by name;
- the view (the endpoint's function) and the session's open and save;
- the whole WSGI call, so that what is left ("Flask and Werkzeug between the parts": contexts,
  routing, the request and response objects) is the whole minus the parts.

The parts do not nest (a hook is not called from a view), so they add up.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

WHOLE = "the whole WSGI call"
REST = "Flask and Werkzeug between the parts"


def _name(function: Any) -> str:
    inner = getattr(function, "func", function)  # a functools.partial (Flask-Limiter's hooks)
    name = f"{getattr(inner, '__module__', '?')}.{getattr(inner, '__qualname__', repr(inner))}"
    return name.replace(".init_app.<locals>", "")  # the extensions' hooks are made in init_app


class HookMeter:
    """CPU milliseconds per request of each part of `app`, by request kind."""

    def __init__(self, app: Any) -> None:
        self.kind: str | None = None  # the kind of the kept request running now, if any
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.requests: Counter[str] = Counter()
        for hooks, label in (
            (app.before_request_funcs, "before"),
            (app.after_request_funcs, "after"),
            (app.teardown_request_funcs, "teardown"),
        ):
            for functions in hooks.values():
                functions[:] = [self._part(f"{label} {_name(f)}", f) for f in functions]
        teardowns = app.teardown_appcontext_funcs
        teardowns[:] = [self._part(f"teardown {_name(f)}", f) for f in teardowns]
        app.view_functions.update(
            {endpoint: self._part("the view", f) for endpoint, f in app.view_functions.items()}
        )
        sessions = app.session_interface
        sessions.open_session = self._part("session open", sessions.open_session)
        sessions.save_session = self._part("session save", sessions.save_session)
        app.wsgi_app = self._part(WHOLE, app.wsgi_app)

    def _part(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            kind = self.kind
            if kind is None:
                return function(*args, **kwargs)
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[kind, name] += time.process_time() - started

        return timed

    def start(self, kind: str) -> None:
        self.kind = kind
        self.requests[kind] += 1

    def stop(self) -> None:
        self.kind = None

    def table(self) -> list[tuple[str, list[float]]]:
        """(part, [ms per request of each kind]) rows, heaviest first; the rest last."""
        kinds = list(self.requests)
        parts = {name for _kind, name in self.seconds} - {WHOLE}

        def per_request(kind: str, name: str) -> float:
            return 1000 * self.seconds[kind, name] / self.requests[kind]

        rows = [(name, [per_request(kind, name) for kind in kinds]) for name in parts]
        rows.sort(key=lambda row: -sum(row[1]))
        whole = [per_request(kind, WHOLE) for kind in kinds]
        rest = [w - sum(row[1][i] for row in rows) for i, w in enumerate(whole)]
        return [(WHOLE, whole), *rows, (REST, rest)]

    def report(self) -> None:
        kinds = list(self.requests)
        print("\n# CPU ms per request, by part (process time around each; bench/request_hooks.py)")
        print("  ".join(f"{kind:>8}" for kind in kinds) + "  part")
        for name, values in self.table():
            print("  ".join(f"{value:8.3f}" for value in values) + f"  {name}")
