"""Issue 15, finding 10: with PostgreSQL down the API and the pages answered 500. Now 503 with
``Retry-After``, in the API's JSON error shape or as a page in Bahasa Indonesia, and no trace.
The database is a dead URL (a free port nobody listens on), as in test_server.py."""

from __future__ import annotations

import pytest
from flask import Flask

from core.testing import Harness
from sepakat.app import create_app
from tests.api.conftest import Api
from tests.api.serving import free_port
from tests.conftest import PG_URL


@pytest.fixture
def dead_app(pg: Harness) -> Flask:
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/sepakat"
    config = {
        "SQLALCHEMY_DATABASE_URI": dead,
        "TESTING": True,
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
    }
    return create_app(config, registry=pg.registry)


def _retry_after(response: object) -> int:
    value = response.headers.get("Retry-After")  # type: ignore[attr-defined]
    assert value is not None and value.isdigit(), value
    return int(value)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/auth/token", {"username": "gubernur", "password": "sepakat"}),
        ("GET", "/api/v1/activities", None),
        ("POST", "/api/v1/activities", {"title": "x"}),
        ("GET", "/healthz", None),
    ],
)
def test_the_api_answers_503_with_retry_after(
    api: Api, dead_app: Flask, method: str, path: str, body: object
) -> None:
    # A token from before the outage (same SECRET_KEY): checking it needs the database.
    headers = {"Authorization": f"Bearer {api.token('dpppa.staf')}"}
    response = dead_app.test_client().open(path, method=method, json=body, headers=headers)
    assert response.status_code == 503, response.get_data(as_text=True)
    assert 1 <= _retry_after(response) <= 60
    data = response.json
    assert isinstance(data, dict)
    if path != "/healthz":
        assert data["code"] == 503 and "Basis data" in data["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert "psycopg" not in response.get_data(as_text=True)  # no driver detail leaks


def test_the_login_page_answers_503_page(dead_app: Flask) -> None:
    client = dead_app.test_client()
    response = client.post("/masuk", data={"username": "gubernur", "password": "sepakat"})
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:500]
    assert response.mimetype == "text/html"
    assert _retry_after(response) >= 1
    assert "Basis data sedang tidak dapat dihubungi" in html
    assert "Traceback" not in html and "psycopg" not in html


def test_a_signed_in_page_answers_503_page(pg: Harness, dead_app: Flask) -> None:
    """A session from before the outage: loading its user fails, and so would the layout
    (user name, unread count), so the 503 page must not need the database at all."""
    alive = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": PG_URL,
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
        },
        registry=pg.registry,
    )
    client = alive.test_client()
    login = client.post("/masuk", data={"username": "dpppa.staf", "password": "sepakat"})
    assert login.status_code == 302
    cookie = client.get_cookie("session")
    assert cookie is not None
    dead = dead_app.test_client()
    dead.set_cookie("session", cookie.value)
    response = dead.get("/kegiatan/")
    assert response.status_code == 503
    assert "Basis data sedang tidak dapat dihubungi" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/activities", "/kegiatan/"])
def test_a_connection_killed_before_teardown_keeps_the_answer(pg: Harness, path: str) -> None:
    """PostgreSQL restarted after the request's last statement: closing the session at
    teardown (a ROLLBACK on the dead connection) raised outside every error handler, and
    gunicorn answered its own HTML 500 (RELIABILITY.md, the restart test's rare non-JSON
    answer). The answer already made stands, and the next request gets a fresh connection."""
    import psycopg
    from flask import Response
    from sqlalchemy import text

    from web.extensions import session

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": PG_URL,
            "TESTING": True,
            "SECRET_KEY": "test",
            "WTF_CSRF_ENABLED": False,
        },
        registry=pg.registry,
    )
    killed: list[int] = []

    @app.after_request
    def _restart_now(response: Response) -> Response:
        """What ``pg_ctl restart`` does to this request's connection, from the outside."""
        pid = session().execute(text("select pg_backend_pid()")).scalar_one()
        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute("select pg_terminate_backend(%s)", (pid,))
        killed.append(pid)
        return response

    client = app.test_client()
    if path.startswith("/api/"):
        token = client.post(
            "/api/v1/auth/token", json={"username": "gubernur", "password": "sepakat"}
        ).json
        assert token is not None
        headers = {"Authorization": f"Bearer {token['access_token']}"}
    else:
        client.post("/masuk", data={"username": "gubernur", "password": "sepakat"})
        headers = {}
    for _ in range(2):  # the second request on the same thread: a fresh session works
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert len(set(killed)) >= 3, killed  # sign-in, then each request on its own connection
