"""Slowing down password guessing at ``POST /auth/token``.

Failed sign-ins are counted per (username, client address) within a window (sliding in
process; in Redis it starts at the first failure); past the limit the endpoint answers 429 with
``Retry-After`` until the window has passed, even for the right password. Keying on the address
as well means a stranger cannot lock a civil servant out of their own account from elsewhere.
With ``REDIS_URL`` the counts are shared by every worker; without it each process counts alone
(still a limit, only N workers times looser). If Redis does not answer, sign-in is not blocked:
availability wins over the throttle.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, TypeVar

import redis
from flask import Flask, current_app, request
from webargs.flaskparser import abort


class Counter(Protocol):
    def failures(self, key: str) -> tuple[int, int]:
        """(failures in the window, seconds until the oldest one leaves it)."""

    def fail(self, key: str) -> None: ...

    def clear(self, key: str) -> None: ...


class MemoryCounter:
    def __init__(self, window: int) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        stamps = self._seen.setdefault(key, deque())
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps

    def failures(self, key: str) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            stamps = self._recent(key, now)
            wait = int(stamps[0] + self.window - now) + 1 if stamps else 0
            if not stamps:
                self._seen.pop(key, None)  # keeps the dict from growing with every guess
            return len(stamps), wait

    def fail(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(key, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)


class RedisCounter:
    """A fixed window per key (INCR + EXPIRE): one round trip, shared by all workers."""

    def __init__(self, url: str, window: int) -> None:
        self.window = window
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def failures(self, key: str) -> tuple[int, int]:
        pipe = self.client.pipeline()
        pipe.get(key)
        pipe.ttl(key)
        count, ttl = pipe.execute()
        return int(count or 0), max(int(ttl or 0), 0)

    def fail(self, key: str) -> None:
        pipe = self.client.pipeline()
        pipe.set(key, 0, ex=self.window, nx=True)  # the window starts at the first failure
        pipe.incr(key)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(key)


def install(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    window = int(app.config["API_LOGIN_WINDOW"])  # limits: core.settings
    counter: Counter = RedisCounter(url, window) if url else MemoryCounter(window)
    app.extensions["sepakat_login_throttle"] = counter


def _key(username: str) -> str:
    return f"sepakat:login:{username.strip().lower()}:{request.remote_addr or '-'}"


T = TypeVar("T")


def _safely(action: str, call: Callable[[], T]) -> T | None:
    try:
        return call()
    except redis.RedisError:
        current_app.logger.warning("pembatas percobaan masuk: Redis tidak menjawab (%s)", action)
        return None


def _counter() -> Counter:
    counter: Counter = current_app.extensions["sepakat_login_throttle"]
    return counter


def check(username: str) -> None:
    """429 when this username has failed too often from this address lately."""
    found = _safely("baca", lambda: _counter().failures(_key(username)))
    if found is None:
        return
    count, wait = found
    if count >= int(current_app.config["API_LOGIN_MAX_FAILURES"]):
        minutes = max(1, -(-wait // 60))
        abort(
            429,
            message=f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit.",
            headers={"Retry-After": str(max(wait, 1))},
        )


def failed(username: str) -> None:
    _safely("catat", lambda: _counter().fail(_key(username)))


def succeeded(username: str) -> None:
    _safely("hapus", lambda: _counter().clear(_key(username)))
