"""Fixtures for the pages: the app on the seeded database of ``tests/conftest.py`` and a test
client that logs in through the login form, CSRF token and all.

The pages run on SQLite only: they add no SQL of their own that differs by dialect (core tests
cover both backends), and SQLite is what ``sepakat demo`` serves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.testing import Harness
from sepakat.app import create_app
from sepakat.database import db
from tests.helpers import lampung_payload

PASSWORD = "sepakat"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def database_url(harness: Harness) -> str:
    return harness.factory.kw["bind"].url.render_as_string(hide_password=False)


@pytest.fixture
def app(harness: Harness) -> Iterator[Flask]:
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url(harness)},
        registry=harness.registry,
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def csrf_token(html: str) -> str:
    match = TOKEN.search(html)
    assert match, "page has no CSRF token"
    return match[1]


@dataclass
class Ui:
    """A browser-like client: ``ui.login("dpppa.staf")``, then ``ui.get``/``ui.post``."""

    client: FlaskClient
    harness: Harness

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def token(self, path: str = "/masuk") -> str:
        page = self.client.get(path, follow_redirects=True)
        return csrf_token(page.get_data(as_text=True))

    def post(
        self, path: str, data: dict[str, Any], *, csrf: bool = True, **kw: Any
    ) -> TestResponse:
        """POST a form with the session's CSRF token (read from the page, as a browser would)."""
        body = dict(data)
        if csrf:
            body["csrf_token"] = self.token()
        return self.client.post(path, data=body, **kw)

    def login(self, username: str, password: str = PASSWORD) -> TestResponse:
        response = self.post("/masuk", {"username": username, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def act(self, activity_id: int, action: str, **fields: str) -> TestResponse:
        """The detail page's action form, at the activity's current version."""
        version = str(self.harness.version(activity_id))
        return self.post(
            f"/kegiatan/{activity_id}/aksi", {"action": action, "version": version, **fields}
        )

    def create(self, username: str = "dpppa.staf", **overrides: Any) -> int:
        """A draft made through the core (the form itself is tested separately)."""
        plan_id = self.harness.plan_id()
        return self.harness.create(username, lampung_payload(plan_id, **overrides)).id


@pytest.fixture
def ui(app: Flask, harness: Harness) -> Ui:
    return Ui(app.test_client(), harness)


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
