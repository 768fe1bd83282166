"""``/healthz`` and ``sepakat serve`` (a real gunicorn on a free local port)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from flask import Flask

from core.testing import Harness
from sepakat.app import create_app
from tests.api.conftest import Api
from tests.conftest import PG_URL
from tests.helpers import SECRET_KEY


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _app(harness: Harness, **config: object) -> Flask:
    base = {"SQLALCHEMY_DATABASE_URI": PG_URL, "TESTING": True, "SECRET_KEY": "test"}
    return create_app({**base, **config}, registry=harness.registry)


def test_health_ok_without_broker(api: Api) -> None:
    response = api.client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "broker": "disabled"}


def test_broker_down_is_reported_but_still_200(pg: Harness) -> None:
    app = _app(pg, REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"database": "ok", "broker": "error"}


def test_broker_up(pg: Harness) -> None:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set")
    response = _app(pg, REDIS_URL=url).test_client().get("/healthz")
    assert response.json == {"database": "ok", "broker": "ok"}


def test_database_down_is_503(pg: Harness) -> None:
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/sepakat"
    app = _app(pg, SQLALCHEMY_DATABASE_URI=dead)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error"  # type: ignore[index]


def _http(port: int, path: str, body: object = None, token: str | None = None) -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.slow
def test_sepakat_serve_answers(pg: Harness) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": PG_URL, "SECRET_KEY": SECRET_KEY}
    env.pop("REDIS_URL", None)
    cmd = [sys.executable, "-c", "from sepakat.cli import main; main()", "serve"]
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, proc.stdout.read().decode()  # type: ignore[union-attr]
                time.sleep(0.3)
        assert body is not None and '"database":"ok"' in body.replace(" ", "")
        token = _http(port, "/api/v1/auth/token", {"username": "gubernur", "password": "sepakat"})
        me = _http(port, "/api/v1/me", token=token["access_token"])
        assert (me["username"], me["roles"]) == ("gubernur", ["governor"])
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode()
    assert "gunicorn" in output.lower()
