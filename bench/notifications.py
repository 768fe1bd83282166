"""Notifications (issue 17, item 5): every notification of many transitions delivered exactly
once, the commit→inbox latency at a steady rate, and the delivery throughput against a bare
Celery no-op task's on the same Redis.

Transitions run in this process through the application (``sepakat.app.create_app`` with
Redis configured), so each commit hands its outbox rows to the broker exactly as a web
request's does; a real ``sepakat worker`` (2 processes, no beat) delivers them: the inbox row
and, with no SMTP configured, the e-mail marked as not sent. Three phases on one database:

1. **steady**: transitions paced at ``rate`` per second for ``seconds``, the worker running;
   latency is each inbox row's ``created_at`` minus its outbox row's (written in the committing
   transaction, a millisecond before the commit).
2. **backlog**: more transitions with the worker stopped (their deliveries queue in Redis), then
   the worker starts; throughput is the rows delivered over the span from the first delivery to
   the last (the worker's start-up is outside it).
3. **baseline**: as many no-op tasks (``bench.noop_app``) queued on the same Redis and drained by a
   Celery worker with the same concurrency and delivery settings; the same first-to-last span.

Then every outbox row must have exactly one inbox row (its key) and be marked published."""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from celery import Celery
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bench.common import ROUTE
from bench.engine import PAYLOADS
from bench.engine import prepare as prepare_activities
from bench.noop_app import QUEUE, STAMPS

CONCURRENCY = 2
LATENCY_P95_TARGET_MS = 1000.0
THROUGHPUT_TARGET = 0.5  # × the bare no-op task's


def _env(url: str, redis_url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url}
    env.setdefault("SECRET_KEY", secrets.token_hex(32))
    env.pop("SMTP_URL", None)
    return env


def _ready(celery: Celery) -> None:
    """Wait until a worker answers a ping: its start-up is not part of any figure."""
    _wait_for(lambda: bool(celery.control.ping(timeout=0.5)), 120, "the worker to start")


@contextmanager
def worker(url: str, redis_url: str, celery: Celery | None = None) -> Iterator[None]:
    """``sepakat worker`` (no beat: the relay would only re-publish what is in flight); with
    ``celery``, returns once it answers."""
    cmd = [sys.executable, "-c", "from sepakat.cli import main; main()", "worker"]
    proc = subprocess.Popen(
        [*cmd, "-c", str(CONCURRENCY), "--no-beat", "--loglevel", "WARNING"],
        env=_env(url, redis_url),
    )
    try:
        if celery is not None:
            _ready(celery)
        yield
    finally:
        proc.terminate()
        proc.wait(60)


@contextmanager
def noop_worker(redis_url: str) -> Iterator[None]:
    env = {**os.environ, "BENCH_NOOP_BROKER": redis_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "bench.noop_app", "worker", "-Q", QUEUE,
         "-c", str(CONCURRENCY), "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=env,
    )  # fmt: skip
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(60)


class Driver:
    """The app, its session and the demo actors: transitions as a web request makes them."""

    def __init__(self, url: str, redis_url: str) -> None:
        from sepakat.app import create_app
        from sepakat.database import db

        self.app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url,
             "SECRET_KEY": secrets.token_hex(32)}
        )  # fmt: skip
        from core.access import load_actor
        from core.models import User
        from core.plugins import load_registry

        self.db = db
        self.registry = load_registry()
        roles = self.registry.get("lampung").opd_roles
        with self.app.app_context():
            session = db.session()
            users = session.execute(select(User)).scalars().all()
            self.actors = {u.username: load_actor(session, u.id, roles) for u in users}
            db.session.remove()

    def steps(self, ids: list[int]) -> Iterator[tuple[int, str, str]]:
        for activity_id in ids:
            for username, action, _, _ in ROUTE:
                yield activity_id, username, action

    def walk(self, ids: list[int], rate: float | None) -> int:
        """Every activity along the route; paced at ``rate`` per second when given."""
        from core.services import transition

        versions = dict.fromkeys(ids, 1)
        done, start = 0, time.perf_counter()
        with self.app.app_context():
            session = self.db.session()  # the app's: its commits publish as a request's do
            for activity_id, username, action in self.steps(ids):
                if rate:
                    wait = start + done / rate - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                moved = transition(
                    session, self.registry, self.actors[username], activity_id, action,
                    versions[activity_id], PAYLOADS.get(action, {}),
                )  # fmt: skip
                versions[activity_id] = moved.version
                done += 1
            self.db.session.remove()
        return done


def _count(url: str, sql: str, since_id: int) -> int:
    engine = create_engine(url)
    with Session(engine) as s:
        n = s.execute(text(sql), {"since": since_id}).scalar_one()
    engine.dispose()
    return int(n)


def _delivered(url: str, since_id: int) -> int:
    """Inbox rows of the outbox rows after ``since_id`` (the seed's own are not ours)."""
    return _count(
        url,
        "SELECT count(*) FROM notifications n JOIN outbox_messages o ON o.key = n.key "
        "WHERE o.id > :since",
        since_id,
    )


def _outbox(url: str, since_id: int) -> int:
    return _count(url, "SELECT count(*) FROM outbox_messages WHERE id > :since", since_id)


def _wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _latencies(url: str, since_id: int) -> list[float]:
    engine = create_engine(url)
    with Session(engine) as s:
        rows = s.execute(
            text(
                "SELECT EXTRACT(EPOCH FROM n.created_at - o.created_at) * 1000 "
                "FROM notifications n JOIN outbox_messages o ON o.key = n.key WHERE o.id > :since"
            ),
            {"since": since_id},
        ).scalars()
        out = [float(v) for v in rows]
    engine.dispose()
    return out


def _span(url: str, since_id: int) -> tuple[int, float]:
    """(rows delivered, seconds from the first delivery to the last) for outbox rows > since."""
    engine = create_engine(url)
    with Session(engine) as s:
        n, first, last = s.execute(
            text(
                "SELECT count(*), min(n.created_at), max(n.created_at) FROM notifications n "
                "JOIN outbox_messages o ON o.key = n.key WHERE o.id > :since"
            ),
            {"since": since_id},
        ).one()
    engine.dispose()
    return int(n), (last - first).total_seconds()


def _max_outbox_id(url: str) -> int:
    engine = create_engine(url)
    with Session(engine) as s:
        n = s.execute(text("SELECT coalesce(max(id), 0) FROM outbox_messages")).scalar_one()
    engine.dispose()
    return int(n)


def _exactly_once(url: str, since_id: int) -> dict[str, int]:
    from core.models import Notification, OutboxMessage

    engine = create_engine(url)
    with Session(engine) as s:
        per_key = (
            select(OutboxMessage.key, func.count(Notification.id).label("n"))
            .outerjoin(Notification, Notification.key == OutboxMessage.key)
            .where(OutboxMessage.id > since_id)
            .group_by(OutboxMessage.key)
            .subquery()
        )
        missing = s.execute(select(func.count()).where(per_key.c.n == 0)).scalar_one()
        doubled = s.execute(select(func.count()).where(per_key.c.n > 1)).scalar_one()
        unpublished = s.execute(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.id > since_id, OutboxMessage.sent_at.is_(None)
            )
        ).scalar_one()
    engine.dispose()
    return {"missing": missing, "doubled": doubled, "unpublished": unpublished}


def _noop_rate(redis_url: str, count: int) -> float:
    from bench.noop_app import app, noop

    client = redis.Redis.from_url(redis_url)
    client.delete(STAMPS)
    app.conf.broker_url = redis_url
    for _ in range(count):
        noop.apply_async(queue=QUEUE)
    with noop_worker(redis_url):
        _wait_for(lambda: client.llen(STAMPS) >= count, 600, "the no-op tasks")
    stamps = sorted(float(v) for v in client.lrange(STAMPS, 0, -1))
    client.delete(STAMPS)
    return (len(stamps) - 1) / (stamps[-1] - stamps[0])


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


def run(url: str, redis_url: str, transitions: int, rate: float, seconds: float) -> dict[str, Any]:
    """``transitions`` in all: ``rate × seconds`` of them steady, the rest as the backlog."""
    steady_n = int(rate * seconds) // len(ROUTE)
    total = max(transitions // len(ROUTE), steady_n + 2)
    ids = prepare_activities(url, total)
    redis.Redis.from_url(redis_url).flushdb()
    driver = Driver(url, redis_url)
    first = _max_outbox_id(url)  # the seed's notices (another province's demo) are not ours
    with worker(url, redis_url, driver.app.extensions["celery"]):
        start = time.perf_counter()
        steady_done = driver.walk(ids[:steady_n], rate)
        steady_seconds = time.perf_counter() - start
        expected = _outbox(url, first)
        _wait_for(lambda: _delivered(url, first) >= expected, 300, "the steady deliveries")
    latencies = _latencies(url, first)
    mark = _max_outbox_id(url)
    backlog_done = driver.walk(ids[steady_n:], None)  # the worker is stopped: they queue up
    expected = _outbox(url, first)
    with worker(url, redis_url):
        _wait_for(lambda: _delivered(url, first) >= expected, 1200, "the backlog's deliveries")
    delivered, span = _span(url, mark)
    delivery_rate = (delivered - 1) / span
    noop_rate = _noop_rate(redis_url, delivered)
    return {
        "transitions": steady_done + backlog_done,
        "notifications": expected,  # outbox rows of these transitions
        "steady": {
            "transitions": steady_done,
            "rate": steady_done / steady_seconds,
            "latency_ms": {
                "p50": statistics.median(latencies),
                "p95": _pct(latencies, 0.95),
                "max": max(latencies),
            },
        },
        "backlog": {"transitions": backlog_done, "delivered": delivered, "rate": delivery_rate},
        "noop_rate": noop_rate,
        "ratio": delivery_rate / noop_rate,
        "exactly_once": _exactly_once(url, first),
        "concurrency": CONCURRENCY,
    }


def report(r: dict[str, Any]) -> list[str]:
    s, once = r["steady"], r["exactly_once"]
    lat = s["latency_ms"]

    def met(ok: bool) -> str:
        return "yes" if ok else "**no**"

    lost = once["missing"] + once["doubled"] + once["unpublished"]
    return [
        f"Notifications: {r['transitions']:,} transitions in process through the app (publish on "
        f"commit to Redis), {r['notifications']:,} notifications, a real `sepakat worker` with "
        f"{r['concurrency']} processes; the baseline is a bare Celery task (`bench/noop_app.py`) "
        "drained by a worker with the same concurrency and settings on the same Redis.",
        "",
        "| figure | value | target | met |",
        "|---|---|---|---|",
        f"| delivered exactly once (missing / doubled / unpublished) | {once['missing']} / "
        f"{once['doubled']} / {once['unpublished']} | 0 / 0 / 0 | {met(lost == 0)} |",
        f"| commit→inbox latency at {s['rate']:.0f} transitions/s, p50 / p95 / max | "
        f"{lat['p50']:.0f} / {lat['p95']:.0f} / {lat['max']:.0f} ms | p95 < 1 s | "
        f"{met(lat['p95'] < LATENCY_P95_TARGET_MS)} |",
        f"| delivery throughput (backlog of {r['backlog']['delivered']:,}) | "
        f"{r['backlog']['rate']:,.0f}/s = {r['ratio']:.2f}× the no-op's {r['noop_rate']:,.0f}/s "
        f"| ≥ {THROUGHPUT_TARGET}× | {met(r['ratio'] >= THROUGHPUT_TARGET)} |",
    ]
