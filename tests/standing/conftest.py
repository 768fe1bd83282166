"""The standing reliability suite (issue 15, RELIABILITY.md): a PostgreSQL database built the way
production builds it, by the Alembic migrations (so with migration 0005's audit triggers, which
the ``create_all`` schema of the other tests lacks), seeded with the demo users and pagu."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from core import security
from core.plugins import Registry
from core.seed import seed_demo
from core.testing import Harness
from sepakat.app import create_app
from tests.conftest import REQUIRE, pg_available, scratch_database
from web.extensions import MIGRATIONS


def migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "uji"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)


@pytest.fixture(scope="session")
def migrated_url(registry: Registry) -> Iterator[str]:
    """A migrated, seeded scratch database (its URL), made once per run."""
    if not pg_available():
        if REQUIRE:
            pytest.fail("PostgreSQL not reachable")
        pytest.skip("PostgreSQL not reachable")
    url = scratch_database("standing")
    migrate(url)
    engine = create_engine(url)
    security.configure(time_cost=1, memory_cost=8)
    with sessionmaker(engine, expire_on_commit=False)() as session:
        seed_demo(session, registry, "sepakat")
    engine.dispose()
    yield url


@pytest.fixture
def migrated(migrated_url: str, registry: Registry) -> Iterator[Harness]:
    """The migrated database as a harness. Audit rows cannot be deleted there, so tests add
    activities and never reset: each test reads what it made."""
    engine = create_engine(migrated_url)
    yield Harness(sessionmaker(engine, expire_on_commit=False), registry)
    engine.dispose()
