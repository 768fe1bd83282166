"""Password guessing is slowed down by one throttle shared by the login page (``POST /masuk``) and
the API (``POST /auth/token``): per account whatever the address (a backoff that doubles, capped),
and per address before any password is hashed. Time is the throttle's clock, moved forward here
instead of sleeping; the counts are real (in process, or in Redis as gunicorn's workers share
them)."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from core.testing import Harness
from sepakat.app import create_app
from tests.conftest import PG_URL
from web.throttle import PREFIX, throttle_of

LIMIT = 3
USER = "auditor"


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _app(harness: Harness, **config: object) -> Flask:
    base = {
        "SQLALCHEMY_DATABASE_URI": PG_URL,
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,  # CSRF is tested elsewhere; this is about the counts
        "API_LOGIN_MAX_FAILURES": LIMIT,
    }
    return create_app({**base, **config}, registry=harness.registry)


def _redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{PREFIX}:*"):
        client.delete(key)
    return url


@pytest.fixture(params=["memory", "redis"])
def app(request: pytest.FixtureRequest, pg: Harness) -> Iterator[Flask]:
    extra = {"REDIS_URL": _redis_url()} if request.param == "redis" else {}
    yield _app(pg, **extra)


@pytest.fixture
def clock(app: Flask) -> Clock:
    clock = Clock()
    throttle_of(app).clock = clock
    return clock


def api_login(client: FlaskClient, password: str, address: str, user: str = USER) -> int:
    response = client.post(
        "/api/v1/auth/token",
        json={"username": user, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) > 0
        assert "coba lagi" in response.json["message"]  # type: ignore[index]
    return response.status_code


def page_login(client: FlaskClient, password: str, address: str, user: str = USER) -> int:
    response = client.post(
        "/masuk",
        data={"username": user, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) > 0
        assert "Terlalu banyak percobaan masuk" in response.get_data(as_text=True)
    if response.status_code == 302:
        client.post("/keluar", environ_base={"REMOTE_ADDR": address})
    return response.status_code


def test_a_success_clears_the_count_and_the_hold_is_for_the_account(
    app: Flask, clock: Clock
) -> None:
    client = app.test_client()
    assert [api_login(client, "keliru", "10.0.0.1") for _ in range(2)] == [401, 401]
    assert api_login(client, "sepakat", "10.0.0.1") == 200
    assert [api_login(client, "keliru", "10.0.0.1") for _ in range(LIMIT)] == [401] * LIMIT
    assert api_login(client, "sepakat", "10.0.0.1") == 429  # held, even with the right password
    assert api_login(client, "sepakat", "10.0.0.2") == 429  # whatever the address
    clock.advance(3)  # past the first backoff (2 s)
    assert api_login(client, "sepakat", "10.0.0.2") == 200


def test_the_page_refuses_an_account_the_api_held(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    assert [api_login(client, "keliru", "10.0.1.1") for _ in range(LIMIT)] == [401] * LIMIT
    assert {page_login(client, "keliru", "10.0.1.1") for _ in range(30)} == {429}
    assert page_login(client, "sepakat", "10.0.1.1") == 429
    clock.advance(3)
    assert page_login(client, "sepakat", "10.0.1.1") == 302


def test_failures_on_the_page_hold_the_api_too(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    assert [page_login(client, "keliru", "10.0.2.1") for _ in range(LIMIT)] == [401] * LIMIT
    assert api_login(client, "sepakat", "10.0.2.9") == 429


def test_rotating_addresses_does_not_bypass_the_account_backoff(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    answered = []
    for i in range(40):  # a new address for every guess, one guess a second
        answered.append(api_login(client, "keliru", f"10.1.{i}.1"))
        clock.advance(1)
    # 3 free failures, then 2 s, 4 s, 8 s, 16 s holds: most guesses are refused unhashed.
    assert answered.count(401) <= LIMIT + 4
    assert answered.count(429) >= 40 - LIMIT - 4


def test_the_backoff_doubles_up_to_the_cap_and_then_lets_the_owner_in(pg: Harness) -> None:
    app = _app(pg, API_LOGIN_BACKOFF_MAX=60)
    clock = Clock()
    throttle_of(app).clock = clock
    client = app.test_client()
    assert [api_login(client, "keliru", "10.2.0.1") for _ in range(LIMIT - 1)] == [401, 401]
    waits = []
    for _ in range(7):
        assert api_login(client, "keliru", "10.2.0.1") == 401
        response = client.post(
            "/api/v1/auth/token",
            json={"username": USER, "password": "sepakat"},
            environ_base={"REMOTE_ADDR": "10.3.0.1"},
        )
        assert response.status_code == 429
        waits.append(int(response.headers["Retry-After"]))
        clock.advance(waits[-1])
    assert waits == [2, 4, 8, 16, 32, 60, 60]  # a colleague is held for a minute, not 15
    assert api_login(client, "sepakat", "10.3.0.1") == 200


def test_many_usernames_from_one_address_are_limited(pg: Harness) -> None:
    app = _app(pg, API_LOGIN_ADDRESS_MAX_FAILURES=30)
    throttle_of(app).clock = Clock()
    client = app.test_client()
    answered = [api_login(client, "x", "10.4.0.1", user=f"tidak-ada-{i}") for i in range(40)]
    assert answered == [401] * 30 + [429] * 10
    # Another address is not affected, nor is the limit per account.
    assert api_login(client, "sepakat", "10.4.0.2") == 200


def test_the_address_limit_is_checked_before_any_password_is_hashed(
    pg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(pg, API_LOGIN_ADDRESS_MAX_FAILURES=5)
    throttle_of(app).clock = Clock()
    client = app.test_client()
    for i in range(5):
        assert api_login(client, "x", "10.5.0.1", user=f"orang-{i}") == 401
    import core.services.auth as auth

    hashed: list[str] = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda h, p: hashed.append(p) or real(h, p))
    assert page_login(client, "x", "10.5.0.1", user="orang-baru") == 429
    assert api_login(client, "x", "10.5.0.1", user="orang-lain") == 429
    assert hashed == []


def test_a_failed_login_is_a_security_event(
    app: Flask, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="sepakat.security"):
        page_login(client, "keliru", "10.6.0.1", user="dpppa.staf")
        api_login(client, "keliru", "10.6.0.2", user="bukan'pengguna")
        # A line break in a username is refused before any sign-in (a one-line field), so it
        # can never forge a second log line.
        assert api_login(client, "keliru", "10.6.0.3", user="bukan\npengguna") == 422
    events = [r.getMessage() for r in caplog.records if r.name == "sepakat.security"]
    assert any("'dpppa.staf'" in e and "10.6.0.1" in e and "page" in e for e in events)
    # The username is quoted as a Python literal in the event.
    assert any('"bukan\'pengguna"' in e and "10.6.0.2" in e and "api" in e for e in events)
    assert not any("\n" in e for e in events)


def test_redis_down_does_not_block_sign_in(pg: Harness) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = _app(pg, REDIS_URL=f"redis://127.0.0.1:{port}/0").test_client()
    tries = LIMIT + 1
    assert [api_login(client, "keliru", "127.0.0.1") for _ in range(tries)] == [401] * tries
    assert api_login(client, "sepakat", "127.0.0.1") == 200
