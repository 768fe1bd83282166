"""Pytest fixtures for province plugin authors, as ``pytester`` serves pytest plugin authors.

Enable them in the plugin package's ``tests/conftest.py``::

    pytest_plugins = ["core.plugin.testing"]  # the plugin API's test kit; or "core.pytest_plugin"

    @pytest.fixture(scope="session")
    def sepakat_plugin():
        import sepakat_maluku
        return sepakat_maluku

(or set ``sepakat_plugin = sepakat_maluku`` under ``[pytest]`` instead of the fixture). Then a
test asks for ``sepakat_harness``: a real engine on a temporary SQLite database — or on
``SEPAKAT_TEST_DATABASE_URL`` — seeded with the plugin's demo users and pagu, emptied of
activities before each test.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.plugins import Registry
from core.testing import Harness, fresh_engine, reset, seeded

URL_VARIABLE = "SEPAKAT_TEST_DATABASE_URL"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("sepakat_plugin", "Modul plugin provinsi yang diuji (mis. sepakat_maluku).")


@pytest.fixture(scope="session")
def sepakat_plugin(pytestconfig: pytest.Config) -> object:
    """The province plugin under test; override this fixture or set the ``sepakat_plugin`` ini
    option."""
    name = str(pytestconfig.getini("sepakat_plugin") or "")
    if not name:
        pytest.fail(
            "Tentukan plugin yang diuji: fixture `sepakat_plugin` di conftest.py atau "
            "opsi ini `sepakat_plugin`."
        )
    return importlib.import_module(name)


@pytest.fixture(scope="session")
def sepakat_registry(sepakat_plugin: object) -> Registry:
    """A registry holding only the plugin under test (no entry-point discovery)."""
    return Registry([sepakat_plugin])


@pytest.fixture(scope="session")
def sepakat_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """An emptied database with the current schema."""
    url = os.environ.get(URL_VARIABLE) or f"sqlite:///{tmp_path_factory.mktemp('sepakat')}/t.db"
    return fresh_engine(url)


@pytest.fixture(scope="session")
def sepakat_sessions(sepakat_engine: Engine, sepakat_registry: Registry) -> sessionmaker[Session]:
    """Sessions on the database seeded with the plugin's province, demo users and pagu."""
    return seeded(sepakat_engine, sepakat_registry)


@pytest.fixture
def sepakat_harness(
    sepakat_sessions: sessionmaker[Session], sepakat_registry: Registry
) -> Iterator[Harness]:
    """A ``core.testing.Harness`` for the plugin's province, with no activities yet."""
    reset(sepakat_sessions)
    (runtime,) = sepakat_registry
    yield Harness(sepakat_sessions, sepakat_registry, province=runtime.code)
