"""bench/load.py still drives both apps and prints who used the CPU; its HTTP client
(bench/wire.py) reads what gunicorn sends. Speed is not asserted here (see docs/performance.md)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import runpy
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from gunicorn.config import Config

from bench.proc_cpu import tree_seconds
from bench.wire import Client, HTTPError, parse, remember_cookies

REPO = Path(__file__).resolve().parents[2]


def test_the_load_benchmark_drives_both_apps_and_prints_the_table():
    done = subprocess.run(
        [
            sys.executable, "bench/load.py", "--levels", "2", "--ballots", "4", "--gets", "4",
            "--warmup", "2",
            "--databases", "sqlite,postgres",
            "--postgres", "postgresql://postgres@127.0.0.1:1/pb_load",  # nothing there
        ],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split() for line in done.stdout.splitlines() if line.startswith("SQLite")]
    assert [row[:2] for row in rows] == [["SQLite", "flow"], ["SQLite", "public"]]
    flow = rows[0]
    assert float(flow[3]) > 0 and float(flow[4]) > 0  # ballots/s, bare inserts/s
    _client, server = (float(ms) for ms in flow[-3].split("+"))  # CPU ms per ballot
    assert server > 0  # gunicorn's workers were found and did the work
    assert flow[-1] == "0+0"  # every ballot went through: no errors on either app
    assert "PostgreSQL not measured" in done.stdout


def test_both_servers_do_the_warm_up_before_their_clock_and_only_the_counted_work_after(tmp_path):
    """The bare app measured cold flattered the ratio: each server now does `--warmup` ballots
    (inserts) before its clock, and the counted runs still do exactly `--ballots` each."""
    from bench import load

    url = f"sqlite:///{tmp_path}/load.db"
    args = argparse.Namespace(
        levels="2", ballots=4, repeat=2, gets=4, warmup=3, workers=1, worker_class="", threads=4
    )
    flow, public = load.measure("SQLite", url, args)
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        bare_rows = connection.scalar(sa.text("SELECT count(*) FROM bench_bare_ballot"))
        voted = connection.scalar(
            sa.text(
                "SELECT count(*) FROM participations p JOIN census_entries c"
                " ON p.voter_key = 'census:' || c.reference_hash"
                " JOIN users u ON u.id = c.user_id WHERE u.email LIKE '%@load.test'"
            )
        )
    engine.dispose()
    # the warm-up's work went through both apps, then two flow runs each followed by a bare run
    assert (bare_rows, voted) == (2 * 4 + 3, 2 * 4 + 3)
    assert flow[:2] == ["SQLite flow", "2"] and public[0] == "SQLite public GET"
    pair_ratios = [float(ratio) for ratio in flow[5].split("/")]
    assert len(pair_ratios) == 2 and abs(float(flow[4]) - statistics.median(pair_ratios)) <= 0.01
    assert flow[-1] == "0+0" and public[-1] == "0+0"


def test_a_response_with_a_length_keeps_only_its_body():
    raw = b"HTTP/1.1 302 FOUND\r\nContent-Length: 2\r\nLocation: /r\r\n\r\nok"
    response = parse(raw)
    assert (response.status, response.body, response.header("Location")) == (302, b"ok", "/r")


def test_a_chunked_response_is_put_back_together():
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    assert parse(raw).text == "abcde"


def test_a_cut_response_is_an_error_not_a_short_page():
    with pytest.raises(ValueError):
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    with pytest.raises(ValueError):
        parse(b"HTTP/1.1 200 OK\r\nContent-")


def test_cookies_are_set_replaced_and_cleared():
    cookies = {"old": "1", "gone": "2"}
    response = parse(
        b"HTTP/1.1 200 OK\r\nSet-Cookie: session=abc.def; HttpOnly; Path=/\r\n"
        b"Set-Cookie: old=3; Path=/\r\n"
        b"Set-Cookie: gone=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/\r\n\r\n"
    )
    remember_cookies(cookies, response)
    assert cookies == {"old": "3", "session": "abc.def"}


def test_the_client_sends_the_form_and_cookies_and_reads_the_answer():
    seen: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await reader.readuntil(b"\r\n\r\n") + await reader.readexactly(5))
        writer.write(b"HTTP/1.1 200 OK\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nhi")
        await writer.drain()
        writer.close()

    async def exchange() -> tuple[int, str]:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        async with server:
            cookies = {"a": "1"}
            response = await Client(f"http://127.0.0.1:{port}").post("/x", {"k": "v w"}, cookies)
            return response.status, response.text, cookies

    status, text, cookies = asyncio.run(exchange())
    assert (status, text, cookies) == (200, "hi", {"a": "1", "b": "2"})
    assert seen[0].startswith(b"POST /x HTTP/1.1\r\n")
    assert b"\r\nCookie: a=1\r\n" in seen[0] and seen[0].endswith(b"\r\n\r\nk=v+w")


def test_a_refused_connection_is_an_http_error():
    with pytest.raises(HTTPError):
        asyncio.run(Client("http://127.0.0.1:1", timeout=5).get("/"))


def test_a_process_tree_has_used_some_cpu():
    assert tree_seconds(1) >= 0.0
    assert tree_seconds(2**30) == 0.0  # no such process


@pytest.mark.parametrize(("level", "built"), [(logging.CRITICAL, 0), (logging.INFO, 1)])
def test_gunicorn_builds_its_access_line_only_when_kept(monkeypatch, level, built):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "unused")  # the file sets it if missing
    settings = runpy.run_path(str(REPO / "deploy/gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")  # gunicorn would build the line (no dictConfig in this process)
    log = settings["logger_class"](config)
    access = logging.getLogger("gunicorn.access")
    handlers, kept_level = list(access.handlers), access.level
    access.setLevel(level)  # (setLevel, not the attribute: it empties logging's cache)
    calls: list[object] = []
    monkeypatch.setattr(log, "atoms", lambda *args: calls.append(args) or {})
    try:
        log.access(None, None, {}, 0)
    finally:
        access.setLevel(kept_level)
        for handler in set(access.handlers) - set(handlers):
            access.removeHandler(handler)
    assert len(calls) == built
