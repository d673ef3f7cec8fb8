"""Benchmark: processor time of each request of the ballot flow and of the public pages, in process.

    .venv/bin/python bench/request_cpu.py [--calls 40] [--warmup 5] [--profile KIND] [--top 30]
                                          [--statements] [--only KIND,KIND] [--fresh-pages]
                                          [--count-calls] [--hooks]

The load benchmark (bench/load.py) measures throughput over HTTP; on a shared machine its figures
move with the load. This one runs the same requests through Flask's test client on a fresh SQLite
copy of the demo (bench/load.py's `build`) and reports the processor time of each (time.process_time
around the call: the time this process spent, whatever else the machine is doing), so a change to a
view, a template or a query shows as milliseconds of CPU per request.

Kinds: `ballot` (GET the ballot, signed in), `review` (POST the choices), `cast` (POST them: a new
voter each time, so every cast is a first ballot), `round` (a voting round's public page,
anonymous) and `results` (the published round's results, anonymous): kept pages after the
first visit (pb/public/page_cache.py), rendered every time with `--fresh-pages`. `--profile
ballot` prints a cProfile of the ballot GETs (sorted by own time, then cumulative);
`--statements` the number of SQL statements each request runs; `--count-calls` the Python
function calls each makes (cProfile's count: what a change removes, whatever the machine's load;
the CPU figures then include the profiler's overhead); `--hooks` the CPU of each part of a
request (every before/after/teardown function, the view, the session's open and save, and what
Flask and Werkzeug spend between them; bench/request_hooks.py).
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.load_data import BENCH_SETTINGS, PASSWORD, build  # noqa: E402
from bench.request_hooks import HookMeter  # noqa: E402

KINDS = ("ballot", "review", "cast", "round", "results")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PROJECT = re.compile(r'name="project-(\d+)"')


class Meter:
    """Processor time, wall time and SQL statements of each measured request, by kind."""

    def __init__(self, profile: str | None, engine, count_calls: bool = False) -> None:  # type: ignore[no-untyped-def]
        self.count_calls = count_calls
        self.hooks: HookMeter | None = None  # with --hooks: the CPU of each part of a request
        self.calls: dict[str, list[int]] = defaultdict(list)
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.wall: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.profile_kind = profile
        self.profiler = cProfile.Profile()
        self._counted = 0
        import sqlalchemy as sa

        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:  # type: ignore[no-untyped-def]
        self._counted += 1

    @contextmanager
    def measure(self, kind: str, on: bool) -> Iterator[None]:
        """Time the block as one request of `kind` (only when `on`: warm-up calls are not kept)."""
        profiling = on and kind == self.profile_kind
        counting = on and self.count_calls and not profiling
        counter = cProfile.Profile() if counting else None
        self._counted = 0
        wall, cpu = time.perf_counter(), time.process_time()
        if profiling:
            self.profiler.enable()
        if counter:
            counter.enable()
        if on and self.hooks:
            self.hooks.start(kind)
        try:
            yield
        finally:
            if self.hooks:
                self.hooks.stop()
            if counter:
                counter.disable()
                self.calls[kind].append(pstats.Stats(counter).total_calls)  # type: ignore[attr-defined]
            if profiling:
                self.profiler.disable()
            if on:
                self.cpu[kind].append(1000 * (time.process_time() - cpu))
                self.wall[kind].append(1000 * (time.perf_counter() - wall))
                self.statements[kind].append(self._counted)


def voter_flow(app, meter: Meter, round_id: int, voter: int, kinds: set[str], on: bool) -> None:  # type: ignore[no-untyped-def]
    """One voter signs in (not measured), then GETs the ballot, reviews and casts."""
    client = app.test_client()
    token = TOKEN.search(client.get("/login").text)
    assert token, "no CSRF token on the sign-in page"
    email = f"voter{voter}@load.test"
    signed = client.post(
        "/login", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD}
    )
    assert signed.status_code == 302, signed.status_code
    path = f"/rounds/{round_id}/ballot"
    with meter.measure("ballot", on and "ballot" in kinds):
        page = client.get(path)
    assert page.status_code == 200, page.status_code
    token = TOKEN.search(page.text)
    assert token, "no CSRF token on the ballot"
    projects = PROJECT.findall(page.text)
    chosen = projects[voter % 3 :][:2]  # a different pair or so for each voter
    data = {"csrf_token": token.group(1), **{f"project-{p}": "1" for p in chosen}}
    with meter.measure("review", on and "review" in kinds):
        review = client.post(path + "/review", data=data)
    assert review.status_code == 200, review.status_code
    with meter.measure("cast", on and "cast" in kinds):
        cast = client.post(path + "/cast", data=data)
    assert cast.status_code == 302, cast.status_code


def public_pages(app, meter: Meter, pages: dict[str, str], kinds: set[str], on: bool) -> None:  # type: ignore[no-untyped-def]
    """Each anonymous page once, with a new client (no cookie), as a first visit."""
    for kind, path in pages.items():
        if kind not in kinds:
            continue
        client = app.test_client()
        with meter.measure(kind, on):
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)


def report(meter: Meter, statements: bool) -> None:
    columns = ["request", "calls", "cpu ms mean", "cpu ms median", "wall ms mean"]
    if statements:
        columns.append("SQL statements")
    if meter.count_calls:
        columns.append("Python calls")
    print("  ".join(f"{c:<14}" for c in columns))
    for kind in KINDS:
        if not meter.cpu.get(kind):
            continue
        cpu, wall = meter.cpu[kind], meter.wall[kind]
        row = [kind, str(len(cpu)), f"{statistics.fmean(cpu):.2f}", f"{statistics.median(cpu):.2f}"]
        row.append(f"{statistics.fmean(wall):.2f}")
        if statements:
            counts = sorted(set(meter.statements[kind]))
            row.append("/".join(str(c) for c in counts))
        if meter.count_calls:
            row.append(f"{statistics.fmean(meter.calls[kind]):.0f}")
        print("  ".join(f"{c:<14}" for c in row))


def run(args: argparse.Namespace, scratch: str) -> Meter:
    from pb import create_app
    from pb.extensions import db

    kinds = set(args.only.split(",")) if args.only else set(KINDS)
    url = f"sqlite:///{scratch}/request_cpu.db"
    logging.disable(logging.INFO)  # the migrations' names are noise here
    round_id, published = build(url, args.calls + args.warmup)
    logging.disable(logging.NOTSET)
    settings = {
        **BENCH_SETTINGS,
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{scratch}/limits.db",
    }
    if args.fresh_pages:
        settings["PUBLIC_PAGE_CACHE_SECONDS"] = 0
    app = create_app(settings)
    pages = {"round": f"/rounds/{round_id}", "results": f"/rounds/{published}/results"}
    with app.app_context():
        meter = Meter(args.profile, db.engine, args.count_calls)
    if args.hooks:
        meter.hooks = HookMeter(app)
    for voter in range(args.calls + args.warmup):
        on = voter >= args.warmup
        if kinds & {"ballot", "review", "cast"}:
            voter_flow(app, meter, round_id, voter, kinds, on)
        public_pages(app, meter, pages, kinds, on)
    return meter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=40, help="measured requests of each kind")
    parser.add_argument("--warmup", type=int, default=5, help="requests of each kind not kept")
    parser.add_argument("--only", default="", help=f"comma-separated kinds among {KINDS}")
    parser.add_argument("--profile", choices=KINDS, help="print a cProfile of this kind")
    parser.add_argument("--top", type=int, default=30, help="rows of the profile")
    parser.add_argument("--statements", action="store_true", help="SQL statements per request")
    help_calls = "Python function calls per request (cProfile's; the CPU then includes it)"
    parser.add_argument("--count-calls", action="store_true", help=help_calls)
    help_fresh = "render the public pages every time (without it, visitors get the kept page)"
    parser.add_argument("--fresh-pages", action="store_true", help=help_fresh)
    help_hooks = "the CPU of each part of a request: hooks, view, session (bench/request_hooks.py)"
    parser.add_argument("--hooks", action="store_true", help=help_hooks)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"# {started}, load average {load:.1f}; SQLite, Flask test client, ", end="")
    print(f"{args.calls} calls per kind after {args.warmup} warm-up")
    with tempfile.TemporaryDirectory(prefix="pb-request-cpu-") as scratch:
        meter = run(args, scratch)
    report(meter, args.statements)
    if meter.hooks:
        meter.hooks.report()
    if args.profile:
        stats = pstats.Stats(meter.profiler, stream=sys.stdout)
        print(f"\n# profile of {args.profile} (its times above include the profiler's overhead)")
        stats.sort_stats("tottime").print_stats(args.top)
        print(f"\n# profile of {args.profile}, by cumulative time")
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
