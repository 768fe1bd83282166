"""Configuration read from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from core.database import postgres_planner_costs
from tests.conftest import PG_URL, REQUIRE, pg_available
from web.config import from_environment, normalise_database_url


def test_postgres_urls_use_psycopg3() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_secret_key_is_shared_by_every_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SECRET_KEY, two processes (gunicorn workers, a restart) must agree on the key."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(str(tmp_path))["SECRET_KEY"]
    second = from_environment(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    monkeypatch.setenv("SECRET_KEY", "from-env")
    assert from_environment(str(tmp_path))["SECRET_KEY"] == "from-env"


@pytest.mark.parametrize("configured, expected", [(1.1, "1.1"), (0, None)])
def test_postgres_connections_price_random_reads_as_configured(
    configured: float, expected: str | None
) -> None:
    """Each new PostgreSQL connection gets ``DATABASE_RANDOM_PAGE_COST`` (``0``: the server's
    own value), and keeps it after the pool's rollback on return."""
    if not pg_available():
        if REQUIRE:
            pytest.fail(f"PostgreSQL not reachable at {PG_URL}")
        pytest.skip("PostgreSQL not reachable")
    server = create_engine(PG_URL)
    with server.connect() as conn:
        default = conn.execute(text("SHOW random_page_cost")).scalar()
    server.dispose()
    engine = create_engine(PG_URL, pool_size=1, max_overflow=0)
    postgres_planner_costs(engine, configured)
    try:
        for _ in range(2):  # the second checkout is the same connection, rolled back once
            with engine.connect() as conn:
                shown = conn.execute(text("SHOW random_page_cost")).scalar()
            assert shown == (expected or default)
    finally:
        engine.dispose()


def test_sqlite_is_left_alone_by_the_planner_costs(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    postgres_planner_costs(engine, 1.1)  # no SET sent: SQLite has no such setting
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()
