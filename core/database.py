"""Engine set-up shared by the web app, the workers and the tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def sqlite_foreign_keys(engine: Engine) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _fk(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.execute("PRAGMA foreign_keys=ON")


def postgres_planner_costs(engine: Engine, random_page_cost: float) -> None:
    """Set PostgreSQL's ``random_page_cost`` on each new connection (``0``: leave the server's).

    PostgreSQL's default (4.0) prices a random page read as a spinning disk's. On solid-state
    storage, or a database that fits in memory, it makes the planner walk the primary key
    backwards past every other province's rows rather than read one province's rows through
    ``(province_id, id)`` when those are physically apart (issue 17: Lampung's first page of a
    million activities, 12 ms against 1.5 ms). 1.1 is the usual value for SSDs. Set per
    connection, not per database: ``ALTER DATABASE`` needs an owner the application may not be.
    """
    if engine.dialect.name != "postgresql" or not random_page_cost:
        return
    statement = f"SET random_page_cost = {float(random_page_cost)}"

    @event.listens_for(engine, "connect")
    def _costs(dbapi_conn: Any, _record: Any) -> None:
        # Outside a transaction (SQLAlchemy's recipe for per-connection settings): a SET inside
        # one would be undone by the pool's rollback on the connection's first return.
        autocommit = dbapi_conn.autocommit
        dbapi_conn.autocommit = True
        with dbapi_conn.cursor() as cursor:
            cursor.execute(statement)
        dbapi_conn.autocommit = autocommit
