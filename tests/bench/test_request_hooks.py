"""bench/request_hooks.py charges each part of a request its own processor time."""

from __future__ import annotations

import time

from flask import Flask

from bench.request_hooks import REST, WHOLE, HookMeter


def _burn(milliseconds: float) -> None:
    until = time.process_time() + milliseconds / 1000
    while time.process_time() < until:
        pass


def test_each_part_is_charged_its_own_time_and_the_rest_is_what_is_left():
    app = Flask(__name__)

    @app.before_request
    def slow_check() -> None:
        _burn(6)

    @app.get("/")
    def page() -> str:
        _burn(2)
        return "ok"

    meter = HookMeter(app)
    client = app.test_client()
    client.get("/")  # not kept: no kind is set
    for _ in range(3):
        meter.start("page")
        assert client.get("/").text == "ok"
        meter.stop()
    rows = dict((name, values[0]) for name, values in meter.table())
    check = next(value for name, value in rows.items() if name.endswith("slow_check"))
    assert meter.requests == {"page": 3}
    assert 6 <= check < 12 and 2 <= rows["the view"] < 6
    assert rows[WHOLE] >= check + rows["the view"] and rows[REST] >= 0
    assert abs(sum(rows.values()) - 2 * rows[WHOLE]) < 1e-9  # the parts and the rest make the whole
