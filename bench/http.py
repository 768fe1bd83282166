"""Transitions over HTTP (issue 17, items 3 and 6): ``sepakat serve`` with 2 workers, closed-loop
load from client threads in this process, the lean baseline measured in the same run, and each
web worker's CPU and memory (RSS) read from /proc.

Each client thread owns its activities and walks them along the route through
``POST /api/v1/activities/{id}/transitions``, so every request should answer 200: any other
answer is counted as an error. With ``redis_url`` a real ``sepakat worker`` delivers the
notifications; without, the web workers deliver them in process."""

from __future__ import annotations

import json
import os
import secrets
import socket
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import DECREE, ROUTE
from bench.engine import prepare as prepare_activities

HERTZ = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HERTZ  # utime + stime


def _rss_mib(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20


@contextmanager
def served(
    url: str, redis_url: str | None, workers: int, deliverers: int = 1
) -> Iterator[tuple[int, list[int]]]:
    """``sepakat serve`` (and ``sepakat worker -c deliverers`` with Redis) on a free port;
    yields the port and the web worker pids."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    cmd = ["sepakat", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([*cmd, "--workers", str(workers)], env=env)
    worker = (
        subprocess.Popen(
            ["sepakat", "worker", "-c", str(deliverers), "--loglevel", "WARNING"], env=env
        )
        if redis_url
        else None
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("sepakat serve did not answer /healthz")
        while len(_children(server.pid)) < workers:
            time.sleep(0.2)
        yield port, _children(server.pid)
    finally:
        for name, p in (("sepakat serve", server), ("sepakat worker", worker)):
            if p is not None:
                p.terminate()
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:  # measured already; say so, do not hang
                    print(f"warning: {name} did not stop in 30 s; killed", flush=True)
                    p.kill()
                    p.wait(10)


def _post(port: int, path: str, body: Any, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, None


def tokens(port: int) -> dict[str, str]:
    out = {}
    for username, *_ in ROUTE:
        status, body = _post(
            port, "/api/v1/auth/token", {"username": username, "password": "sepakat"}
        )
        if status != 200:
            raise RuntimeError(f"sign-in of {username}: {status}")
        out[username] = body["access_token"]
    return out


def _walk(port: int, given: dict[str, str], ids: list[int], out: list[Any]) -> None:
    for activity_id in ids:
        version = 1
        for username, action, _, _ in ROUTE:
            body: dict[str, Any] = {"action": action, "version": version}
            if action == "sign":
                body["decree_number"] = DECREE
            start = time.perf_counter()
            status, answer = _post(
                port, f"/api/v1/activities/{activity_id}/transitions", body, given[username]
            )
            out.append(((time.perf_counter() - start) * 1000, status))
            if status != 200:
                break
            version = answer["version"]


def load(port: int, given: dict[str, str], ids: list[int], threads: int) -> dict[str, Any]:
    samples: list[Any] = []
    chunks = [ids[i::threads] for i in range(threads)]
    runners = [threading.Thread(target=_walk, args=(port, given, c, samples)) for c in chunks]
    start = time.perf_counter()
    for t in runners:
        t.start()
    for t in runners:
        t.join()
    wall = time.perf_counter() - start
    latencies = sorted(ms for ms, _ in samples)
    errors = sum(1 for _, status in samples if status != 200)

    def pct(q: float) -> float:
        return latencies[max(0, round(q * len(latencies)) - 1)]

    return {
        "transitions": len(samples) - errors,
        "errors": errors,
        "seconds": wall,
        "rate": (len(samples) - errors) / wall,
        "p50": statistics.median(latencies),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }


def run(
    url: str,
    redis_url: str | None,
    count: int,
    threads: int,
    workers: int,
    deliverers: int = 1,
    ids: list[int] | None = None,
) -> dict[str, Any]:
    """``count`` activities (or ``ids`` prepared already) walked over HTTP; the workers' CPU per
    transition and RSS before, after half and after all of the requests."""
    ids = ids if ids is not None else prepare_activities(url, count)
    with served(url, redis_url, workers, deliverers) as (port, pids):
        given = tokens(port)
        cpu0 = sum(_cpu_seconds(p) for p in pids)
        rss = {"start": max(_rss_mib(p) for p in pids)}
        half = len(ids) // 2
        first = load(port, given, ids[:half], threads)
        rss["half"] = max(_rss_mib(p) for p in pids)
        second = load(port, given, ids[half:], threads)
        rss["end"] = max(_rss_mib(p) for p in pids)
        cpu = sum(_cpu_seconds(p) for p in pids) - cpu0
    done = first["transitions"] + second["transitions"]
    return {
        "first_half": first,
        "second_half": second,
        "web_cpu_ms_per_transition": cpu / max(done, 1) * 1000,
        "rss_mib": rss,
        "requests": done + first["errors"] + second["errors"],
        "threads": threads,
        "workers": workers,
        "broker": "redis + sepakat worker" if redis_url else "in process",
    }
