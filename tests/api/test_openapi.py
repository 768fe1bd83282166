"""The OpenAPI document is valid and complete, and the browsable page needs no internet."""

from __future__ import annotations

import re

from flask import Flask
from openapi_spec_validator import validate

from tests.api.conftest import Api

CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _spec(api: Api) -> dict:
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json  # type: ignore[return-value]


def test_openapi_document_validates(api: Api) -> None:
    spec = _spec(api)
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_api_route_is_documented(api: Api, api_app: Flask) -> None:
    paths = _spec(api)["paths"]
    missing = []
    for rule in api_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs."):
            continue
        path = CONVERTER.sub(r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path}")
    assert not missing, missing
    assert "/healthz" in paths


def test_public_endpoints_say_so(api: Api) -> None:
    paths = _spec(api)["paths"]
    assert paths["/api/v1/auth/token"]["post"]["security"] == []
    assert paths["/healthz"]["get"]["security"] == []
    assert "security" not in paths["/api/v1/me"]["get"]  # inherits the bearer requirement


def test_docs_page_is_served_from_local_assets(api: Api) -> None:
    page = api.client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    for source in sources:
        assert api.client.get(source).status_code == 200, source
