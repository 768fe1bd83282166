"""Password guessing at ``POST /auth/token`` is slowed down: past the limit of failures per
username and address the answer is 429 (with ``Retry-After``), even for the right password."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from core.testing import Harness
from sepakat.app import create_app
from tests.conftest import PG_URL

LIMIT = 3


def _app(harness: Harness, **config: object) -> Flask:
    base = {
        "SQLALCHEMY_DATABASE_URI": PG_URL,
        "TESTING": True,
        "SECRET_KEY": "test",
        "API_LOGIN_MAX_FAILURES": LIMIT,
    }
    return create_app({**base, **config}, registry=harness.registry)


def _login(client: FlaskClient, password: str, address: str) -> int:
    response = client.post(
        "/api/v1/auth/token",
        json={"username": "auditor", "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) > 0
        assert "coba lagi" in response.json["message"]  # type: ignore[index]
    return response.status_code


def _exercise(app: Flask) -> None:
    client = app.test_client()
    here, elsewhere = f"127.0.0.{uuid.uuid4().int % 200 + 2}", "127.0.0.1"
    # A success clears the count: two failures, a success, two more still pass.
    assert [_login(client, "keliru", here) for _ in range(2)] == [401, 401]
    assert _login(client, "sepakat", here) == 200
    assert [_login(client, "keliru", here) for _ in range(LIMIT)] == [401] * LIMIT
    assert _login(client, "sepakat", here) == 429  # locked, even with the right password
    assert _login(client, "keliru", here) == 429
    assert _login(client, "sepakat", elsewhere) == 200  # the owner elsewhere is not locked out


def test_in_process_throttle(pg: Harness) -> None:
    _exercise(_app(pg))


def test_shared_throttle_in_redis(pg: Harness) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    _exercise(_app(pg, REDIS_URL=url))


def test_redis_down_does_not_block_sign_in(pg: Harness) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = _app(pg, REDIS_URL=f"redis://127.0.0.1:{port}/0").test_client()
    assert [_login(client, "keliru", "127.0.0.1") for _ in range(LIMIT + 1)] == [401] * (LIMIT + 1)
    assert _login(client, "sepakat", "127.0.0.1") == 200
