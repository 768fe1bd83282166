"""A real ``sepakat serve`` (gunicorn) on a free local port, for tests that need several worker
processes or real sockets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from tests.helpers import SECRET_KEY


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def sepakat_serve(database_url: str, *args: str, startup: float = 40.0) -> Iterator[int]:
    """``sepakat serve`` on ``database_url`` with ``args`` (e.g. ``--workers 2``), without a
    broker; yields its port once ``/healthz`` answers, stops it afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY}
    env.pop("REDIS_URL", None)
    cmd = [sys.executable, "-c", "from sepakat.cli import main; main()", "serve"]
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + startup
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise AssertionError(proc.communicate()[0].decode()) from None
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
