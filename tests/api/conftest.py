"""Fixtures for the REST API: a Flask app on the seeded PostgreSQL of ``tests/conftest.py``
(the ``pg`` harness), and a client that signs in as any demo user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from core.models import Activity, ActivityYear, AuditEntry, Ceiling, OutboxMessage, RevokedToken
from core.testing import Harness
from sepakat.app import create_app
from tests.conftest import PG_URL
from tests.helpers import lampung_payload

PASSWORD = "sepakat"


@pytest.fixture(scope="session")
def api_app(pg_session_harness: Harness) -> Flask:
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": PG_URL, "TESTING": True, "SECRET_KEY": "test"},
        registry=pg_session_harness.registry,
    )


@pytest.fixture(scope="session")
def pg_session_harness(
    _factories: dict[str, object], registry: Any, tmp_path_factory: pytest.TempPathFactory
) -> Harness:
    """The seeded PostgreSQL, made once (``pg`` resets it before every test)."""
    from tests.conftest import _factory

    factory = _factory("postgresql", _factories, registry, tmp_path_factory.getbasetemp())
    return Harness(factory, registry)


@pytest.fixture(scope="session")
def _tokens() -> dict[str, str]:
    return {}


@dataclass
class Api:
    """A test client that speaks as a demo user: ``api.as_("gubernur").get(...)``."""

    client: FlaskClient
    harness: Harness
    tokens: dict[str, str]
    user: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        return self.client.post(
            "/api/v1/auth/token", json={"username": username, "password": password}
        )

    def token(self, username: str) -> str:
        if username not in self.tokens:
            response = self.login(username)
            assert response.status_code == 200, response.json
            self.tokens[username] = response.json["access_token"]  # type: ignore[index]
        return self.tokens[username]

    def as_(self, username: str | None) -> Api:
        return Api(self.client, self.harness, self.tokens, username)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        out = {"Authorization": f"Bearer {self.token(self.user)}"} if self.user else {}
        return {**out, **(extra or {})}

    def open(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = self.headers(kwargs.pop("headers", None))
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.open("PATCH", path, **kwargs)

    # -- shortcuts over HTTP ------------------------------------------------------------------

    def plan_id(self) -> int:
        return self.harness.plan_id()

    def payload(self, **overrides: Any) -> dict[str, Any]:
        return {**lampung_payload(self.plan_id()), **overrides}

    def create(self, **overrides: Any) -> dict[str, Any]:
        response = self.post("/api/v1/activities", json=self.payload(**overrides))
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[return-value]

    def act(self, activity_id: int, action: str, **body: Any) -> TestResponse:
        version = self.harness.version(activity_id)
        return self.post(
            f"/api/v1/activities/{activity_id}/transitions",
            json={"action": action, "version": version, **body},
        )


@pytest.fixture
def api(pg: Harness, api_app: Flask, _tokens: dict[str, str]) -> Iterator[Api]:
    with api_app.test_client() as client:
        yield Api(client, pg, _tokens)


def db_state(harness: Harness) -> dict[str, Any]:
    """What a refused request must leave untouched."""
    with harness.session() as s:
        count = {
            m.__name__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Activity, ActivityYear, AuditEntry, OutboxMessage, RevokedToken)
        }
        rows = s.execute(
            select(Activity.id, Activity.version, Activity.state, Activity.title).order_by(
                Activity.id
            )
        ).all()
        confirmed = s.execute(select(func.sum(Ceiling.confirmed))).scalar_one()
    return {"counts": count, "activities": [tuple(r) for r in rows], "confirmed": confirmed}
