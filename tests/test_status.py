"""One table from domain error to HTTP status (``web.status``): every ``DomainError`` class core
defines answers the same status on the API and on the pages, through their real handlers."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest
from flask import Flask

import core
from core.errors import DomainError, NotFound, RuleFailed, Violation
from core.testing import Harness
from sepakat.app import create_app
from sepakat.database import db
from web.api.blueprints import PublicView, api_blueprint
from web.status import status_of
from web.ui.blueprint import ui_blueprint

# The statuses the REST contract promises (docs/architecture.md; tests/api cover each on a
# real endpoint).
PROMISED = {"NotFound": 404, "NotAllowed": 403, "Conflict": 409, "StaleVersion": 409}


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def domain_errors() -> list[type[DomainError]]:
    """``DomainError`` and every subclass defined anywhere in core."""
    for module in pkgutil.walk_packages(core.__path__, "core."):
        if module.name != "core.pytest_plugin":
            importlib.import_module(module.name)
    found: list[type[DomainError]] = [DomainError]
    for cls in found:
        found.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: c.__name__)


def instance(cls: type[DomainError]) -> DomainError:
    if issubclass(cls, RuleFailed):
        return cls([Violation("uji", "Aturan uji.")])
    try:
        return cls("Pesan uji.")
    except TypeError:  # e.g. MigrationRefused(reasons)
        return cls(["Pesan uji."])  # type: ignore[arg-type]


ERRORS = {cls.__name__: cls for cls in domain_errors()}


@pytest.fixture
def app(harness: Harness) -> Iterator[Flask]:
    url = harness.factory.kw["bind"].url.render_as_string(hide_password=False)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "uji", "SQLALCHEMY_DATABASE_URI": url},
        registry=harness.registry,
    )
    api = api_blueprint("Uji", __name__, "/uji", "Galat uji.")
    pages = ui_blueprint("uji", __name__, "/uji", login=False)

    @api.route("/<name>")
    class Raise(PublicView):
        def get(self, name: str) -> None:
            raise instance(ERRORS[name])

    @pages.route("/<name>")
    def raise_page(name: str) -> None:
        raise instance(ERRORS[name])

    app.extensions["sepakat_api"].register_blueprint(api)
    app.register_blueprint(pages)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_core_defines_more_than_the_base_errors() -> None:
    assert {"NotFound", "NotAllowed", "Conflict", "StaleVersion", "RuleFailed"} <= set(ERRORS)
    assert "MigrationRefused" in ERRORS  # found beyond core.errors, so new ones will be too


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_api_and_pages_answer_the_same_status(app: Flask, name: str) -> None:
    client = app.test_client()
    api = client.get(f"/api/v1/uji/{name}")
    page = client.get(f"/uji/{name}")
    assert api.status_code == page.status_code, name
    assert api.get_json()["code"] == api.status_code
    assert "text/html" in page.content_type
    assert api.status_code == PROMISED.get(name, 422)  # unlisted: a rule refused (422)


def test_unlisted_subclass_takes_its_base_class_status() -> None:
    class Gone(NotFound):
        pass

    assert status_of(Gone("x")) == 404
