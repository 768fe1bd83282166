"""Shared fixtures. Core tests run on SQLite and on PostgreSQL (``backend`` fixture); tests about
PostgreSQL behaviour ask for ``pg`` only.

PostgreSQL URL: ``TEST_DATABASE_URL`` (default: the local trust-auth server, database
``sepakat_test``). With ``SEPAKAT_REQUIRE_SERVICES=1`` (set by ``.ci/run``) a missing server is a
failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.plugins import Registry, load_registry
from core.testing import Harness, fresh_engine, reset, seeded
from tests.helpers import lampung_payload

PG_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_test"
)
REQUIRE = os.environ.get("SEPAKAT_REQUIRE_SERVICES") == "1"


def scratch_database(suffix: str) -> str:
    """A fresh, empty PostgreSQL database beside the test one (named after it, so parallel
    runs against different test databases never share it); returns its URL."""
    base, name = PG_URL.rsplit("/", 1)
    scratch = f"{name}_{suffix}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {scratch}"))
    admin.dispose()
    return f"{base}/{scratch}"


def pg_available() -> bool:
    try:
        with create_engine(PG_URL).connect() as conn:
            conn.execute(text("select 1"))
        return True
    except OperationalError:
        return False


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture(scope="session")
def _factories() -> dict[str, object]:
    """Seeded session factories per backend, built on first use."""
    return {}


def _factory(
    name: str, cache: dict[str, object], registry: Registry, tmp: Path
) -> sessionmaker[Session]:
    if name not in cache:
        if name == "postgresql":
            if not pg_available():
                if REQUIRE:
                    pytest.fail(f"PostgreSQL not reachable at {PG_URL}")
                pytest.skip("PostgreSQL not reachable")
            url = PG_URL
        else:
            url = f"sqlite:///{tmp / 'core.db'}"
        cache[name] = seeded(fresh_engine(url), registry)
    return cache[name]  # type: ignore[return-value]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def harness(
    backend: str,
    _factories: dict[str, object],
    registry: Registry,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Harness]:
    """A seeded engine (demo users and pagu, no activities) on each backend."""
    factory = _factory(backend, _factories, registry, tmp_path_factory.getbasetemp())
    reset(factory)
    yield Harness(factory, registry)


@pytest.fixture
def pg(
    _factories: dict[str, object], registry: Registry, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Harness]:
    """The same on PostgreSQL only, for behaviour that depends on it (locks, concurrency)."""
    factory = _factory("postgresql", _factories, registry, tmp_path_factory.getbasetemp())
    reset(factory)
    yield Harness(factory, registry)


@pytest.fixture
def payload(harness: Harness):  # type: ignore[no-untyped-def]
    """A factory of valid Lampung payloads for the harness's plan."""
    plan_id = harness.plan_id()
    return lambda **kw: lampung_payload(plan_id, **kw)


@pytest.fixture
def payload_pg(pg: Harness):  # type: ignore[no-untyped-def]
    """Valid Lampung payloads for the PostgreSQL-only harness."""
    plan_id = pg.plan_id()
    return lambda **kw: lampung_payload(plan_id, **kw)
