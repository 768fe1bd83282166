"""Real services for the notification tests, run by the tests themselves: an SMTP server in
process (aiosmtpd), Celery workers and a throw-away redis-server as subprocesses.

Every wait is bounded and every process is ended (its whole process group: an embedded beat is
a child of the worker) whatever the test's outcome.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.helpers import SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, *logs: Process) -> Any:
    """Poll ``predicate`` until it returns something truthy; fail naming ``what`` and showing
    the end of the given processes' logs."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tails = "".join(f"\n--- {p.log.name} ---\n{p.output()[-4000:]}" for p in logs)
            raise AssertionError(f"timed out after {timeout}s waiting for {what}{tails}")
        time.sleep(0.1)


class MailCatcher:
    """aiosmtpd handler keeping every accepted message. It can refuse a recipient with a code,
    or hold the next message in DATA (no reply yet) until released, never accepting it: what a
    server sees when its client dies mid-send."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, int] = {}
        self.delay = 0.0  # seconds before answering DATA: a slow server
        self.hold_next = threading.Event()
        self.holding = threading.Event()
        self.release = threading.Event()

    def clear(self) -> None:
        self.messages.clear()
        self.refuse.clear()
        self.delay = 0.0
        for event in (self.hold_next, self.holding, self.release):
            event.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if parseaddr(m["To"])[1] == address]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.refuse:
                code = self.refuse[rcpt]
                return f"{code} {'4.3.0' if code < 500 else '5.1.1'} ditolak untuk uji"
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.hold_next.is_set():
            self.hold_next.clear()
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)  # keep the server's loop free for other clients
            return "451 4.4.2 koneksi klien terputus"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[str, MailCatcher]]:
    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}", catcher
    finally:
        catcher.release.set()
        controller.stop()


class Process:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("ab")
        self.popen = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole group (the worker and its beat) and reap the leader."""
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.kill(signal.SIGTERM)
        with suppress(ProcessLookupError):  # stragglers of the group (a beat child) go too
            os.killpg(self.popen.pid, signal.SIGKILL)
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_redis(port: int, log: Path) -> Process:
    redis = Process(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        dict(os.environ),
        log,
    )
    wait_for(lambda: _answers(port), 10, f"redis-server on port {port}")
    return redis


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def worker_env(database_url: str, redis_url: str, smtp_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SMTP_URL": smtp_url,
        "PUBLIC_URL": "https://sepakat.lampungprov.test",
        "SECRET_KEY": SECRET_KEY,
        "PYTHONPATH": str(ROOT),
    }


def start_worker(env: dict[str, str], tmp: Path, name: str) -> Process:
    """A real Celery worker (solo pool, embedded beat) on ``tests.notify.worker_app``, started
    and connected to its broker."""
    worker = Process(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.notify.worker_app",
            "worker",
            "--pool=solo",
            "--beat",
            f"--schedule={tmp / f'{name}-beat'}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={name}@%h",
        ],
        env,
        tmp / f"{name}.log",
    )
    wait_for(lambda: " ready." in worker.output(), 60, f"worker {name} to start", worker)
    return worker
