"""A minimal HTTP/1.1 client on asyncio streams, for bench/load.py.

The load generator shares the machine's cores with the server it measures, so every millisecond
of client CPU is a millisecond the server does not get. httpx spent more CPU per ballot than the
server did (an SSL context per client, cookie jars, header models); this client does only what the
benchmark needs: one request per connection (gunicorn's sync workers close the connection after
each response anyway), cookies as a plain header kept per voter, form bodies, Content-Length or
chunked responses.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlencode


class HTTPError(Exception):
    """The connection failed, timed out, or the response could not be read."""


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)


class Client:
    """Requests to one host and port; `cookies` (a dict) is sent and updated when given."""

    def __init__(self, base: str, timeout: float = 60) -> None:
        host, _, port = base.removeprefix("http://").rstrip("/").partition(":")
        self.host, self.port, self.timeout = host, int(port or 80), timeout

    async def get(self, path: str, cookies: dict[str, str] | None = None) -> Response:
        return await self.request("GET", path, cookies=cookies)

    async def post(
        self, path: str, form: dict[str, str], cookies: dict[str, str] | None = None
    ) -> Response:
        return await self.request("POST", path, body=urlencode(form).encode(), cookies=cookies)

    async def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        cookies: dict[str, str] | None = None,
    ) -> Response:
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close"]
        if cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded"]
            head.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
        try:
            response = parse(await asyncio.wait_for(self._exchange(raw), self.timeout))
        except (TimeoutError, OSError, ValueError, IndexError) as error:
            raise HTTPError(f"{type(error).__name__} {error}") from error
        if cookies is not None:
            remember_cookies(cookies, response)
        return response

    async def _exchange(self, raw: bytes) -> bytes:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(raw)
            return await reader.read(-1)  # the server closes after the response
        finally:
            writer.close()


def parse(raw: bytes) -> Response:
    """A whole response as read until the server closed the connection."""
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        raise ValueError("the connection closed before the end of the headers")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines:
        key, _, value = line.partition(":")
        headers.append((key.strip().lower(), value.strip()))
    response = Response(int(status_line.split(" ", 2)[1]), headers, body)
    if (response.header("transfer-encoding") or "").lower() == "chunked":
        response.body = dechunk(body)
    elif (length := response.header("content-length")) is not None:
        if len(body) < int(length):
            raise ValueError(f"short body: {len(body)} of {length} bytes")
        response.body = body[: int(length)]
    return response


def dechunk(body: bytes) -> bytes:
    parts, position = [], 0
    while True:
        end = body.index(b"\r\n", position)
        size = int(body[position:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(parts)
        parts.append(body[end + 2 : end + 2 + size])
        position = end + 2 + size + 2


def remember_cookies(cookies: dict[str, str], response: Response) -> None:
    """Apply the response's Set-Cookie headers (a cleared cookie is forgotten)."""
    for key, value in response.headers:
        if key != "set-cookie":
            continue
        pair, *attributes = value.split(";")
        name, _, content = pair.strip().partition("=")
        expired = any(a.strip().lower() in ("max-age=0", "max-age=-1") for a in attributes)
        if expired or not content or "expires=thu, 01 jan 1970" in value.lower():
            cookies.pop(name, None)
        else:
            cookies[name] = content
