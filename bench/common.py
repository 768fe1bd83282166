"""What every contender shares: the route, the database, client processes and timing."""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu() -> float:
    """CPU seconds (user + system) of every PostgreSQL process on this machine so far: the
    backends serving the clients and the WAL writer, checkpointer and the rest, whose work the
    transitions cause too, and the backends that have exited (counted in the postmaster's
    children's time). Read from /proc; 0.0 where that is not readable (another OS), so
    the figure is then absent rather than wrong."""
    total = 0
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                head, rest = f.read().rsplit(")", 1)
        except OSError:  # gone meanwhile
            continue
        if head.split("(", 1)[1].startswith("postgres"):
            fields = rest.split()
            # utime, stime and the reaped children's cutime, cstime (fields 14 to 17): a
            # backend's own CPU while it lives, then in the postmaster's children's time.
            total += sum(int(v) for v in fields[11:15])
    return total / TICKS


# The 4-stage approval every contender walks: (user, action, from, to).
ROUTE: tuple[tuple[str, str, str, str], ...] = (
    ("dpppa.staf", "submit", "draft", "opd_review"),
    ("dpppa.kepala", "approve", "opd_review", "budget_review"),
    ("bappeda.verifikator", "confirm_budget", "budget_review", "governor_signoff"),
    ("gubernur", "sign", "governor_signoff", "signed"),
)
DECREE = "G/288/V.09/HK/2023"


def dsn(url: str) -> str:
    """A SQLAlchemy URL as libpq wants it."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def recreate_database(url: str) -> None:
    base, name = dsn(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def chain_hash(prev: str, body: list[Any]) -> str:
    """The audit chain's link: sha256 over the previous hash and the entry."""
    return hashlib.sha256((prev + json.dumps(body, sort_keys=True)).encode()).hexdigest()


# A contender is a module with ``prepare(url, count) -> ids``, ``setup(url) -> state`` (connections,
# caches: not timed), ``client(state, ids) -> transitions done`` (timed) and ``finished(url, ids)``.
Setup = Callable[[str], Any]
Client = Callable[[Any, list[int]], int]


def _child(
    setup: Setup, client: Client, url: str, ids: list[int], ready: Any, go: Any, out: Any
) -> None:
    state = setup(url)
    ready.put(True)
    go.wait()
    start_cpu, start = time.process_time(), time.perf_counter()
    done = client(state, ids)
    out.put((done, time.process_time() - start_cpu, start, time.perf_counter()))


@dataclass(frozen=True)
class Measured:
    transitions: int
    seconds: float  # wall time, all client processes together
    client_cpu: float  # CPU seconds of the client processes
    server_cpu: float = 0.0  # CPU seconds of PostgreSQL meanwhile (``server_cpu``)

    @property
    def rate(self) -> float:
        return self.transitions / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Client CPU per transition, in milliseconds."""
        return self.client_cpu / self.transitions * 1000

    @property
    def server_ms(self) -> float:
        """PostgreSQL's CPU per transition, in milliseconds."""
        return self.server_cpu / self.transitions * 1000


def measure(setup: Setup, client: Client, url: str, ids: list[int], processes: int) -> Measured:
    """Run ``client`` over ``ids`` split across ``processes`` child processes, timed from the
    moment all of them are set up (a shared start signal) to the last one's end."""
    ctx = mp.get_context("fork")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    chunks = [ids[i::processes] for i in range(processes)]
    workers = [
        ctx.Process(target=_child, args=(setup, client, url, chunk, ready, go, out))
        for chunk in chunks
    ]
    for w in workers:
        w.start()
    for _ in workers:
        ready.get()
    server_before = server_cpu()
    go.set()
    results = [out.get() for _ in workers]
    server = server_cpu() - server_before
    for w in workers:
        w.join()
        if w.exitcode:
            raise RuntimeError(f"a client process of {client.__module__} failed")
    wall = max(r[3] for r in results) - min(r[2] for r in results)
    return Measured(sum(r[0] for r in results), wall, sum(r[1] for r in results), server)
