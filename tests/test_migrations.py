"""The Alembic migrations build exactly the schema the models declare (both backends)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

from core.models import Base
from sepakat.app import create_app
from tests.conftest import scratch_database
from web.extensions import MIGRATIONS


def migrated(url: str) -> list[object]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    return diff


def test_migrations_match_models_on_sqlite(tmp_path: Path) -> None:
    assert migrated(f"sqlite:///{tmp_path / 'm.db'}") == []


def test_migrations_match_models_on_postgresql(pg) -> None:  # type: ignore[no-untyped-def]
    assert migrated(scratch_database("migrate")) == []
