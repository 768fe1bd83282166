"""Security headers on every response, not only the pages': 404s, the API and its docs, the
OpenAPI JSON, /healthz and static files; HSTS only when the site is served over HTTPS."""

from __future__ import annotations

import pytest
from flask import Flask

from core.testing import Harness
from sepakat.app import create_app
from tests.ui.conftest import database_url

PATHS = [
    "/masuk",
    "/tidak-ada",
    "/api/docs",
    "/api/docs/init.js",
    "/api/docs/assets/swagger-ui.css",
    "/api/v1/openapi.json",
    "/api/v1/me",  # 401
    "/api/v1/tidak-ada",
    "/healthz",
    "/aset/app.css",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(app: Flask, path: str) -> None:
    response = app.test_client().get(path)
    csp = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") == "same-origin", path
    assert response.headers.get("X-Frame-Options") == "DENY", path
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_hsts_when_public_url_is_https(harness: Harness) -> None:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url(harness),
            "PUBLIC_URL": "https://sepakat.lampungprov.go.id",
        },
        registry=harness.registry,
    )
    client = app.test_client()
    for path in ("/masuk", "/api/v1/openapi.json", "/healthz", "/tidak-ada"):
        assert client.get(path).headers["Strict-Transport-Security"].startswith("max-age="), path
