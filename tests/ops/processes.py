"""Real processes for the fault tests: a private Redis, Celery workers, gunicorn, moto.

Each is started in its own session so that a kill takes its children too, and the
fixtures stop everything they started. Ports come from 6390-6399 for Redis (the machine's
own Redis on 6379 is never touched) and from the free ports of the machine otherwise.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def free_port(candidates=None) -> int:
    if candidates is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    for port in candidates:
        if port_is_free(port):
            return port
    raise RuntimeError(f"no free port in {candidates}")


def wait_until(check: Callable[[], object], timeout: float = 60, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except Exception:
            result = None
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")


def database_url() -> str:
    """The test database (PostgreSQL) as a URL, for the processes we start."""
    db = settings.DATABASES["default"]
    auth = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Process:
    """A child process in its own session, with its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def redis(port: int, log_dir: Path) -> Process:
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    return Process(f"redis-{port}", [*argv, "--appendonly", "no"], {}, log_dir)


def worker(name: str, env: dict[str, str], log_dir: Path, beat: bool = False) -> Process:
    argv = [str(BIN / "celery"), "-A", "portal", "worker", "-P", "prefork", "-c", "1"]
    argv += ["-l", "info", "-n", f"{name}@%h", "--without-gossip", "--without-mingle"]
    if beat:
        argv += ["--beat", "--schedule", str(log_dir / f"{name}-beat-schedule")]
    return Process(name, argv, env, log_dir)


def gunicorn(name: str, port: int, env: dict[str, str], log_dir: Path) -> Process:
    argv = [str(BIN / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{port}"]
    return Process(name, [*argv, "--workers", "1", "--timeout", "60"], env, log_dir)
