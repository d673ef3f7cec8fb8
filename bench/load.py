"""Benchmark: the ballot flow over real HTTP against gunicorn, next to a bare Flask insert app.

    .venv/bin/python bench/load.py [--levels 16,32,64] [--ballots 200] [--warmup 60] [--repeat 3]
                                   [--databases sqlite,postgres]
                                   [--postgres postgresql://postgres@127.0.0.1:5432/pb_load]
                                   [--workers 3] [--worker-class sync|gthread] [--threads 4]

For each database: a fresh database (migrations, the demo, and enough new residents to vote),
then the platform under gunicorn with deploy/gunicorn.conf.py and the bare app
(bench/bare_app.py) under the same settings, on the same database:

- the flow: closed loops of 16/32/64 voters (each starts the next ballot as soon as one ends, no
  think time). A ballot is GET ballot, POST review, POST cast (302 to the receipt). Voters sign in
  before the clock starts (sign-in is not part of the flow).
- the bare app: the same loops, each ballot one POST that inserts one row.
- public pages: anonymous GETs of the voting round's page and the published results, against
  the bare app's GET (one small read), 32 at a time.

Both servers run at once. Each is warmed before any clock: `--warmup` ballots (voters of their
own) through the platform and as many public GETs; as many inserts and GETs into the bare app.
Each level's flow then runs `--repeat` times, each run followed at once by a bare run of as
many inserts; the ratio is the median of those pairs. Until 2026-12-04 the bare app was measured
cold and a minute after the platform, which flattered the ratio and let it swing with the
machine's speed (docs/performance.md).

It prints ballots/s, the ratio to the bare app, cast p99, errors, and who used the two cores:
CPU ms per ballot of this process (the load generator) + of gunicorn's process tree (from /proc).
The client is bench/wire.py, a minimal HTTP/1.1 client on asyncio streams (httpx used more CPU
per ballot than the server did), the same for both apps. Sign-in uses Argon2's
cheapest profile here (only the setup of hundreds of sign-ins would be slower; sign-in is not in
the measured flow); everything else is the platform as deployed. The PostgreSQL database named in
--postgres is dropped and recreated (never the tests' database).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.load_data import BENCH_SETTINGS, PASSWORD, build, fresh_postgres  # noqa: E402
from bench.proc_cpu import tree_seconds  # noqa: E402
from bench.wire import Client, HTTPError  # noqa: E402


def platform_app():  # type: ignore[no-untyped-def]
    """What gunicorn serves: the platform, with the cheap password profile (see the docstring)."""
    from pb import create_app

    return create_app({"PASSWORD_HASHING": BENCH_SETTINGS["PASSWORD_HASHING"]})


@dataclass
class Run:
    """Latencies and outcomes of one closed-loop run."""

    seconds: float = 0.0
    client_cpu: float = 0.0  # this process's CPU seconds during the run (the load generator)
    server_cpu: float = 0.0  # gunicorn's process tree's CPU seconds during the run
    done: int = 0
    errors: int = 0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)

    def time(self, step: str, started: float) -> None:
        self.latencies.setdefault(step, []).append(time.perf_counter() - started)

    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    @classmethod
    def merged(cls, runs: list[Run]) -> Run:
        """The runs as one: their times, CPU, jobs, errors and latencies added up."""
        whole = cls()
        for run in runs:
            whole.seconds += run.seconds
            whole.client_cpu += run.client_cpu
            whole.server_cpu += run.server_cpu
            whole.done += run.done
            whole.errors += run.errors
            for step, values in run.latencies.items():
                whole.latencies.setdefault(step, []).extend(values)
            whole.reasons.update(run.reasons)
        return whole

    def cpu_ms(self) -> str:
        """Client + server CPU milliseconds per completed job, e.g. "1.2+8.7" (tenths: a pass's
        change is a millisecond or less of the server's CPU a ballot, 2026-12-04)."""
        per = 1000 / max(self.done, 1)
        return f"{self.client_cpu * per:.1f}+{self.server_cpu * per:.1f}"

    def p99_ms(self, step: str) -> float:
        values = sorted(self.latencies.get(step, [0.0]))
        return 1000 * values[min(len(values) - 1, int(0.99 * len(values)))]


# --- the database ------------------------------------------------------------------------------


# --- the servers -------------------------------------------------------------------------------


@dataclass
class Server:
    base: str
    pid: int  # gunicorn's master: its tree's CPU is the server's (bench/proc_cpu.py)


@contextmanager
def serve(target: str, url: str, args: argparse.Namespace) -> Iterator[Server]:
    """gunicorn -c deploy/gunicorn.conf.py `target`, on a free port."""
    from tests.live import free_port

    port = free_port()
    scratch = Path(tempfile.mkdtemp(prefix="pb-load-"))
    env = {
        **os.environ,
        **BENCH_SETTINGS,
        "DATABASE_URL": url,
        "PB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "PROMETHEUS_MULTIPROC_DIR": str(scratch / "metrics"),
        "RATELIMIT_STORAGE_URI": f"sqlite:///{scratch / 'limits.db'}",
        "PB_LOG_LEVEL": "WARNING",
    }
    command = [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"]
    if args.worker_class:  # otherwise deploy/gunicorn.conf.py's own choice
        command += ["--worker-class", args.worker_class, "--threads", str(args.threads)]
    command.append(target)
    process = subprocess.Popen(command, cwd=REPO, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield Server(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            if asyncio.run(Client(base, timeout=2).get("/healthz")).status < 500:
                return
        except HTTPError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start within 90 s")


# --- the load ----------------------------------------------------------------------------------

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PROJECT = re.compile(r'name="project-(\d+)"')


async def closed_loop(
    concurrency: int,
    total: int,
    one: Callable[[int, Run], Awaitable[None]],
    server_pid: int | None = None,
) -> Run:
    """`concurrency` loops taking the next job number as soon as their last one ends; with
    `server_pid`, the CPU of this process and of the server's tree during the run."""
    run, jobs = Run(), iter(range(total))

    async def loop() -> None:
        for number in jobs:
            try:
                await one(number, run)
                run.done += 1
            except (HTTPError, AssertionError) as error:
                run.errors += 1
                run.reasons[f"{type(error).__name__} {error}"[:60]] += 1

    server = tree_seconds(server_pid) if server_pid else 0.0
    client, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(loop() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - started
    run.client_cpu = time.process_time() - client
    run.server_cpu = tree_seconds(server_pid) - server if server_pid else 0.0
    return run


async def sign_in(base: str, voters: range) -> list[dict[str, str]]:
    """Each voter's cookies after signing in (eight at a time; not measured)."""
    signed: dict[int, dict[str, str]] = {}
    client = Client(base)

    async def one(number: int, _run: Run) -> None:
        cookies: dict[str, str] = {}
        page = await client.get("/login", cookies)
        token = TOKEN.search(page.text)
        assert token
        data = {"csrf_token": token.group(1), "password": PASSWORD}
        data["email"] = f"voter{voters[number]}@load.test"
        response = await client.post("/login", data, cookies)
        assert response.status == 302, response.status
        signed[number] = cookies

    run = await closed_loop(8, len(voters), one)
    assert not run.errors, f"{run.errors} sign-ins failed"
    return [signed[n] for n in range(len(voters))]


async def ballot_flow(server: Server, round_id: int, voters: list[dict[str, str]], c: int) -> Run:
    """GET ballot, POST review, POST cast: one ballot per voter, `c` voters at a time."""
    path, client = f"/rounds/{round_id}/ballot", Client(server.base)

    async def one(number: int, run: Run) -> None:
        chooser, cookies = random.Random(number), voters[number]
        started = time.perf_counter()
        page = await client.get(path, cookies)
        run.time("ballot", started)
        assert page.status == 200, page.status
        text = page.text
        token = TOKEN.search(text)
        assert token
        projects = PROJECT.findall(text)
        chosen = chooser.sample(projects, chooser.randint(1, min(3, len(projects))))
        data = {"csrf_token": token.group(1), **{f"project-{p}": "1" for p in chosen}}
        started = time.perf_counter()
        review = await client.post(path + "/review", data, cookies)
        run.time("review", started)
        assert review.status == 200, review.status
        started = time.perf_counter()
        cast = await client.post(path + "/cast", data, cookies)
        run.time("cast", started)
        assert cast.status == 302, cast.status

    return await closed_loop(c, len(voters), one, server.pid)


async def bare_inserts(server: Server, total: int, c: int) -> Run:
    client = Client(server.base)

    async def one(number: int, run: Run) -> None:
        started = time.perf_counter()
        response = await client.post("/bare", {f"project-{number % 7}": "1"})
        run.time("cast", started)
        assert response.status == 200, response.status

    return await closed_loop(c, total, one, server.pid)


async def gets(server: Server, paths: list[str], total: int, c: int) -> Run:
    """Anonymous GETs (no cookie is ever sent), `c` at a time."""
    client = Client(server.base)

    async def one(number: int, run: Run) -> None:
        started = time.perf_counter()
        response = await client.get(paths[number % len(paths)])
        run.time("get", started)
        assert response.status == 200, response.status

    return await closed_loop(c, total, one, server.pid)


# --- one database ------------------------------------------------------------------------------


def measure(name: str, url: str, args: argparse.Namespace) -> list[list[str]]:
    """Both servers up at once; each level's flow runs `--repeat` times, each run followed by a
    bare run of as many inserts, so that both see the same minute of this shared machine."""
    levels = [int(level) for level in args.levels.split(",")]
    counted = args.ballots * args.repeat * len(levels)
    round_id, published = build(url, counted + args.warmup)
    pages = [f"/rounds/{round_id}", f"/rounds/{published}/results"]
    rows = []
    with (
        serve("bench.load:platform_app()", url, args) as site,
        serve("bench.bare_app:create_app()", url, args) as bare,
    ):
        warm_voters = asyncio.run(sign_in(site.base, range(counted, counted + args.warmup)))
        for label, run in (
            ("warm-up", ballot_flow(site, round_id, warm_voters, 32)),
            ("warm-up", gets(site, pages, args.warmup, 32)),
            ("bare warm-up", bare_inserts(bare, args.warmup, 32)),
            ("bare warm-up", gets(bare, ["/bare"], args.warmup, 32)),
        ):
            _name_errors(f"{name} {label}", asyncio.run(run))
        for index, level in enumerate(levels):
            pairs = []
            for turn in range(args.repeat):
                first = (index * args.repeat + turn) * args.ballots
                voters = asyncio.run(sign_in(site.base, range(first, first + args.ballots)))
                flow = asyncio.run(ballot_flow(site, round_id, voters, level))
                _name_errors(f"{name} at {level}", flow)
                pairs.append((flow, asyncio.run(bare_inserts(bare, args.ballots, level))))
            rows.append(_row(f"{name} flow", level, pairs, "cast", "review"))
        pairs = []
        for _turn in range(args.repeat):
            public = asyncio.run(gets(site, pages, args.gets, 32))
            _name_errors(f"{name} public pages", public)
            pairs.append((public, asyncio.run(gets(bare, ["/bare"], args.gets, 32))))
        rows.append(_row(f"{name} public GET", 32, pairs, "get", ""))
    return rows


def _name_errors(label: str, run: Run) -> None:
    for reason, count in run.reasons.most_common(3):
        print(f"# {label}: {count} x {reason}")


def _row(measure: str, level: int, pairs: list[tuple[Run, Run]], step: str, also: str) -> list[str]:
    """One printed row: the platform's runs next to the bare app's (p99 of `step` and of `also`
    over all runs); the ratio is the median of the pairs' ratios, each listed after it."""
    run, bare = Run.merged([p[0] for p in pairs]), Run.merged([p[1] for p in pairs])
    ratios = [flow.rate() / bare_run.rate() for flow, bare_run in pairs]
    return [
        *(measure, str(level), f"{run.rate():.1f}", f"{bare.rate():.1f}"),
        f"{statistics.median(ratios):.2f}", "/".join(f"{r:.2f}" for r in ratios),
        *(f"{run.p99_ms(step):.0f}", f"{run.p99_ms(also):.0f}" if also else "-"),
        *(f"{bare.p99_ms(step):.0f}", run.cpu_ms(), bare.cpu_ms()),
        f"{run.errors}+{bare.errors}",
    ]  # fmt: skip


HEADER = ["measure", "voters", "per s", "bare per s", "ratio", "pair ratios", "p99 ms"]
HEADER += ["review p99", "bare p99"]
# CPU ms per ballot (per GET on the public row): the load generator's + gunicorn's process tree's
HEADER += ["cpu ms c+s", "bare c+s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="16,32,64")
    parser.add_argument("--ballots", type=int, default=200, help="ballots per level")
    parser.add_argument("--gets", type=int, default=400, help="public GETs per page kind")
    help_warm = "ballots, inserts and GETs each server does before its clock (not measured)"
    parser.add_argument("--warmup", type=int, default=60, help=help_warm)
    help_repeat = "flow runs per level, each followed by a bare run (the ratio is their median)"
    parser.add_argument("--repeat", type=int, default=3, help=help_repeat)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/pb_load")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--worker-class", default="", help="default: deploy/gunicorn.conf.py's")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {load[0]:.1f}, "
          f"{os.cpu_count()} cores; gunicorn {args.workers} x {args.worker_class or 'the conf'} "
          f"({args.threads if args.worker_class else 'its'} threads)")  # fmt: skip
    print_rows([[*HEADER, "errors"]])
    with tempfile.TemporaryDirectory(prefix="pb-load-") as scratch:
        for name in args.databases.split(","):
            if name == "sqlite":
                print_rows(measure("SQLite", f"sqlite:///{scratch}/load.db", args))
            elif fresh_postgres(args.postgres):
                print_rows(measure("PostgreSQL", args.postgres, args))
            else:
                print(f"# no PostgreSQL server at {args.postgres}: PostgreSQL not measured")
    print(f"# load average at the end: {os.getloadavg()[0]:.1f}")


def print_rows(rows: list[list[str]]) -> None:
    """Fixed columns, printed as soon as a database is done (a run takes minutes)."""
    widths = [18, 7, 7, 11, 6, 14, 7, 11, 9, 11, 9, 7]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
