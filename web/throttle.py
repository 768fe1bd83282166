"""Slowing down password guessing, shared by the login page (``POST /masuk``) and the API
(``POST /api/v1/auth/token``): one counter, whichever door a guess comes through.

Two limits, checked before the password is hashed (so a refused guess costs a lookup, not an
Argon2 run):

- **Per account, whatever the address.** After ``API_LOGIN_MAX_FAILURES`` failures the account
  is held for a delay that doubles with each further failure, capped at
  ``API_LOGIN_BACKOFF_MAX`` (2 s, 4 s, 8 s … 5 minutes). Rotating addresses does not help the
  guesser, and a stranger who knows a colleague's username can hold their account for
  ``API_LOGIN_BACKOFF_MAX`` at a time, never the 15 minutes a hard lock gave. The count is
  forgotten ``API_LOGIN_WINDOW`` after the last failure, or at once on a successful sign-in.
- **Per address.** ``API_LOGIN_ADDRESS_MAX_FAILURES`` failures from one address within
  ``API_LOGIN_WINDOW`` refuse every further attempt from it until the window (started at its
  first failure) ends: a flood of made-up usernames is stopped before it costs CPU.

While held, even the right password is refused (otherwise the hold would tell the guesser when
they hit it). With ``REDIS_URL`` the counts live in Redis, shared by every gunicorn worker;
without it each process counts alone. Times are the throttle's ``clock`` (wall-clock seconds, so
they mean the same in every process); tests move it forward instead of sleeping. If Redis does
not answer, sign-in is not blocked: availability wins over the throttle.

Every failure is logged on ``sepakat.security`` with the username and address.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import redis
from flask import Flask, current_app, request

log = logging.getLogger("sepakat.security")
KEY = "sepakat_login_throttle"
PREFIX = "sepakat:login"


@dataclass
class Entry:
    """One key's state: failures counted, the first and the last of them, and until when it
    is held (0: not)."""

    failures: int = 0
    since: float = 0.0
    last: float = 0.0
    until: float = 0.0


class Store(Protocol):
    def read(self, key: str) -> Entry: ...

    def add_failure(self, key: str, now: float, keep: int) -> Entry:
        """Count one failure; the entry after it. The store may forget the key ``keep``
        seconds after its last change (deciding when a count is stale is the policy's)."""

    def hold(self, key: str, until: float, keep: int) -> None: ...

    def clear(self, key: str) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._touched: dict[str, float] = {}
        self._swept = 0.0

    def read(self, key: str) -> Entry:
        with self._lock:
            found = self._entries.get(key)
            return Entry(**vars(found)) if found else Entry()

    def add_failure(self, key: str, now: float, keep: int) -> Entry:
        with self._lock:
            self._forget_old(now, keep)
            entry = self._entries.setdefault(key, Entry(since=now))
            entry.failures += 1
            entry.last = now
            self._touched[key] = now
            return Entry(**vars(entry))

    def hold(self, key: str, until: float, keep: int) -> None:
        with self._lock:
            self._entries.setdefault(key, Entry()).until = until

    def clear(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._touched.pop(key, None)

    def _forget_old(self, now: float, keep: int) -> None:
        # Keeps the dict from growing with every made-up username (a sweep a minute at most).
        if now - self._swept < 60:
            return
        self._swept = now
        for key in [k for k, t in self._touched.items() if now - t > keep]:
            self._entries.pop(key, None)
            self._touched.pop(key, None)


class RedisStore:
    """A hash per key (failures, since, until); one round trip per call, shared by all
    workers. The key expires ``keep`` seconds after its last change, so Redis is never filled
    with made-up usernames."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)

    def read(self, key: str) -> Entry:
        raw = self.client.hgetall(key)
        return Entry(
            failures=int(raw.get(b"failures", 0)),
            since=float(raw.get(b"since", 0)),
            last=float(raw.get(b"last", 0)),
            until=float(raw.get(b"until", 0)),
        )

    def add_failure(self, key: str, now: float, keep: int) -> Entry:
        pipe = self.client.pipeline()
        pipe.hsetnx(key, "since", now)
        pipe.hincrby(key, "failures", 1)
        pipe.hset(key, "last", now)
        pipe.expire(key, keep)
        pipe.hmget(key, "since", "until")
        _, failures, _, _, (since, until) = pipe.execute()
        return Entry(int(failures), float(since or now), now, float(until or 0))

    def hold(self, key: str, until: float, keep: int) -> None:
        pipe = self.client.pipeline()
        pipe.hset(key, "until", until)
        pipe.expire(key, keep)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(key)


@dataclass
class Throttle:
    store: Store
    free_failures: int  # per account, before the backoff starts
    address_failures: int  # per address, within the window
    window: int
    backoff_max: int
    clock: Callable[[], float] = field(default=time.time)

    def backoff(self, failures: int) -> int:
        """Seconds an account is held after its ``failures``-th failure."""
        over = failures - self.free_failures
        if over < 0:
            return 0
        return int(min(self.backoff_max, 2 ** min(over + 1, 30)))

    @property
    def keep(self) -> int:
        return self.window + self.backoff_max


def install(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions[KEY] = Throttle(
        store=RedisStore(url) if url else MemoryStore(),
        free_failures=int(app.config["API_LOGIN_MAX_FAILURES"]),  # limits: core.settings
        address_failures=int(app.config["API_LOGIN_ADDRESS_MAX_FAILURES"]),
        window=int(app.config["API_LOGIN_WINDOW"]),
        backoff_max=int(app.config["API_LOGIN_BACKOFF_MAX"]),
    )


def throttle_of(app: Flask) -> Throttle:
    found: Throttle = app.extensions[KEY]
    return found


def _address() -> str:
    return request.remote_addr or "-"


def _account_key(username: str) -> str:
    return f"{PREFIX}:user:{username.strip().lower()}"


def _address_key() -> str:
    return f"{PREFIX}:addr:{_address()}"


T = TypeVar("T")


def _safely(action: str, call: Callable[[], T]) -> T | None:
    try:
        return call()
    except redis.RedisError:
        current_app.logger.warning("pembatas percobaan masuk: Redis tidak menjawab (%s)", action)
        return None


def wait_for(username: str) -> int:
    """Seconds until a sign-in as ``username`` from this address may be tried; 0: now."""
    t = throttle_of(current_app)
    now = t.clock()

    def read() -> int:
        address = t.store.read(_address_key())
        if address.failures >= t.address_failures and now - address.since < t.window:
            return math.ceil(address.since + t.window - now)
        account = t.store.read(_account_key(username))
        return math.ceil(account.until - now) if account.until > now else 0

    wait = _safely("baca", read) or 0
    if wait:
        # INFO, not WARNING: a flood of refused guesses must not flood the log as well (each
        # failure that led to the hold is a WARNING already).
        log.info("login throttled: username=%r address=%s wait=%ds", username, _address(), wait)
    return wait


def failed(username: str, via: str) -> None:
    """Count a wrong password (or unknown username) and log it as a security event."""
    log.warning("login failed: username=%r address=%s via=%s", username, _address(), via)
    t = throttle_of(current_app)
    now = t.clock()

    def count() -> None:
        address_key, account_key = _address_key(), _account_key(username)
        if now - t.store.read(address_key).since >= t.window:
            t.store.clear(address_key)  # the address's window is over: a new one starts
        t.store.add_failure(address_key, now, t.keep)
        if now - max(t.store.read(account_key).last, 0) >= t.window:
            t.store.clear(account_key)  # quiet for a window: the account starts afresh
        account = t.store.add_failure(account_key, now, t.keep)
        hold = t.backoff(account.failures)
        if hold:
            t.store.hold(account_key, now + hold, t.keep)

    _safely("catat", count)


def succeeded(username: str) -> None:
    t = throttle_of(current_app)
    _safely("hapus", lambda: t.store.clear(_account_key(username)))


def minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))
