"""Send many signed Slack requests concurrently and time each answer (the ack latency).

A minimal HTTP/1.1 client on asyncio streams, `concurrency` keep-alive connections sharing one
queue of requests. Not httpx: its connection pool costs milliseconds of CPU per request, which
on a small machine measures the client instead of the server. `time_requests_in_subprocess` runs
the client in its own interpreter (`python -m sandbox.slack_load`) so it does not compete for the
GIL with an app served in the calling process.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from sandbox.slack_requests import SlackRequest

Timing = tuple[float, int]  # (milliseconds, HTTP status; 0 when the connection failed)


def time_requests(
    url: str, requests: Sequence[SlackRequest], *, concurrency: int, warmup: int = 5
) -> list[Timing]:
    """POST each request to `url`, at most `concurrency` in flight; the first `warmup` requests
    are sent one at a time and not timed (they open connections and pay first-request costs)."""
    target = urlsplit(url)
    if target.scheme != "http" or target.hostname is None:
        raise ValueError(f"need an http:// URL, not {url!r}")
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    return asyncio.run(_time_all(target.hostname, target.port or 80, target.path or "/",
                                 requests, concurrency=concurrency, warmup=warmup))


def time_requests_in_subprocess(
    url: str, requests: Sequence[SlackRequest], *, concurrency: int, warmup: int = 5,
    timeout: float = 900.0,
) -> list[Timing]:
    """`time_requests` run by a child interpreter."""
    job = {"url": url, "concurrency": concurrency, "warmup": warmup,
           "requests": [[request.body, request.headers] for request in requests]}
    done = subprocess.run([sys.executable, "-m", "sandbox.slack_load"], input=json.dumps(job),
                          capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"load client failed ({done.returncode}): {done.stderr[-2000:]}")
    return [(float(ms), int(status)) for ms, status in json.loads(done.stdout)]


async def _time_all(
    host: str, port: int, path: str, requests: Sequence[SlackRequest], *,
    concurrency: int, warmup: int,
) -> list[Timing]:
    connections = [Connection(host, port) for _ in range(concurrency)]
    try:
        for index, request in enumerate(requests[:warmup]):
            await connections[index % concurrency].post(path, request)
        pending = iter(requests[warmup:])
        timed: list[Timing] = []

        async def drive(connection: Connection) -> None:
            for request in pending:  # one shared iterator: each request is sent once
                started = time.perf_counter()
                status = await connection.post(path, request)
                timed.append(((time.perf_counter() - started) * 1000, status))

        await asyncio.gather(*(drive(connection) for connection in connections))
        return timed
    finally:
        for connection in connections:
            await connection.close()


class Connection:
    """One keep-alive connection; it reconnects when the server closed it. `used_at` tells a
    pool how long it has been idle (servers close idle keep-alive connections)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.used_at = time.monotonic()
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, request: SlackRequest,
                   extra: Mapping[str, str] | None = None) -> int:
        body = request.body.encode()
        fields = {**request.headers, **(extra or {})}
        head = "".join(f"{name}: {value}\r\n" for name, value in fields.items())
        message = (f"POST {path} HTTP/1.1\r\nhost: {self.host}\r\n{head}"
                   f"content-length: {len(body)}\r\n\r\n").encode() + body
        try:
            if self._streams is None:
                self._streams = await asyncio.open_connection(self.host, self.port)
            reader, writer = self._streams
            writer.write(message)
            await writer.drain()
            status, keep_alive = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            await self.close()
            return 0
        self.used_at = time.monotonic()
        if not keep_alive:
            await self.close()
        return status

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = (line.partition(":") for line in head[1:] if line)
    headers = {name.strip().lower(): value.strip() for name, _, value in fields}
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


def main() -> int:
    """Child side of time_requests_in_subprocess: a JSON job on stdin, JSON timings on stdout."""
    job = json.load(sys.stdin)
    requests = [SlackRequest(body, dict(headers)) for body, headers in job["requests"]]
    timed = time_requests(job["url"], requests, concurrency=int(job["concurrency"]),
                          warmup=int(job["warmup"]))
    json.dump(timed, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
