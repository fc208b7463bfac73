"""gunicorn serving the portal for the benchmark, and a small asyncio HTTP/1.1 client.

The client opens a connection per request (gunicorn's sync workers close each one), sends
the request and reads the whole answer, so requests per second and latencies are measured
the same way for a page and for a static file.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

HOST = "127.0.0.1"
# As production behind its TLS proxy (SECURE_PROXY_SSL_HEADER): no redirect to https.
BEHIND_PROXY = {"X-Forwarded-Proto": "https"}


@contextlib.contextmanager
def gunicorn(port: int, static_dir: Path, workers: int = 2) -> Iterator[str]:
    """gunicorn with `workers` sync workers, DEBUG=0, on the benchmark's database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": HOST,
        "BENCH_STATIC_DIR": str(static_dir),
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "bench.wsgi:application"),
        *("--workers", str(workers), "--bind", f"{HOST}:{port}"),
        *("--log-level", "warning", "--graceful-timeout", "5"),
    ]
    server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    try:
        _wait_for(port, server)
        yield f"http://{HOST}:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on port {port}")


@dataclass
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect: tuple[int, ...] = (200,)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def fetch(port: int, request: Request) -> Answer:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {HOST}:{port}"]
        headers = {"Connection": "close", **request.headers}
        if request.body:
            headers["Content-Length"] = str(len(request.body))
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + request.body)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        answer_headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                answer_headers[name.strip().lower()] = value.strip()
        length = answer_headers.get("content-length")
        body = await (reader.readexactly(int(length)) if length else reader.read())
        return Answer(int(status_line.split()[1]), answer_headers, body)
    finally:
        writer.close()


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


async def _user(port, next_request: Callable[[int], Request], user: int, stop, result) -> None:
    while time.perf_counter() < stop:
        request = next_request(user)
        start = time.perf_counter()
        try:
            answer = await fetch(port, request)
            ok = answer.status in request.expect
        except (OSError, asyncio.IncompleteReadError):
            ok = False
        if ok:
            result.latencies.append(time.perf_counter() - start)
        else:
            result.errors += 1


def load(port: int, next_request: Callable[[int], Request], users: int, seconds: float) -> Result:
    """`users` concurrent clients, each asking `next_request(user)` in turn, for `seconds`."""

    async def run() -> Result:
        result = Result()
        start = time.perf_counter()
        stop = start + seconds
        await asyncio.gather(*(_user(port, next_request, u, stop, result) for u in range(users)))
        result.seconds = time.perf_counter() - start
        return result

    return asyncio.run(run())
