"""The Alembic migrations build exactly the schema the models declare (both backends)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core.models import Base
from tests.conftest import PG_URL
from web import create_app
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
    admin = create_engine(PG_URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS sepakat_test_migrate WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE sepakat_test_migrate"))
    admin.dispose()
    assert migrated(PG_URL.rsplit("/", 1)[0] + "/sepakat_test_migrate") == []
