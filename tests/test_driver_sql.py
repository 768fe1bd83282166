"""``core.driver_sql``: the hot path's statements on the driver's cursor return what
``Connection.execute`` returns, run in the session's transaction, raise SQLAlchemy's errors and
fall back to ``Connection.execute`` where they could not behave the same. Both databases (on
SQLite every statement falls back)."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from core import driver_sql
from core.models import Activity, Opd, User
from core.services.transitions import load as load_module
from core.testing import Harness
from tests.helpers import lampung_payload


def test_the_load_reads_what_connection_execute_reads(harness: Harness) -> None:
    activity = harness.create("dpppa.staf", lampung_payload(harness.plan_id()))
    harness.walk(activity.id, "submit")
    with harness.session() as s:
        conn = s.connection()
        fast = driver_sql.execute(conn, load_module._ONE, {"activity_id": activity.id}).rows
        slow = conn.execute(load_module._ONE, {"activity_id": activity.id}).all()
        on_driver = driver_sql.runs_on_driver(conn, load_module._ONE)
        postgres = conn.dialect.name == "postgresql"
    assert on_driver == postgres  # the hot path's load does run on the driver's cursor there
    assert [tuple(r) for r in fast] == [tuple(r) for r in slow]
    assert fast and fast[0].state == "opd_review" and fast[0].details == slow[0].details
    assert fast[0].tail_seq == 2 and len(fast[0].tail_hash) == 64


def test_statements_run_in_the_sessions_transaction(harness: Harness) -> None:
    update = Opd.__table__.update().where(Opd.code == bindparam("c")).values(name=bindparam("n"))
    read = select(Opd.name).where(Opd.code == bindparam("c"))
    with harness.session() as s:
        before = s.execute(read, {"c": "dpppa"}).scalar_one()
        conn = s.connection()
        result = driver_sql.execute(conn, update, {"c": "dpppa", "n": "Dinas Sementara"})
        assert result.rowcount == 1
        assert driver_sql.execute(conn, read, {"c": "dpppa"}).scalar() == "Dinas Sementara"
        s.rollback()
        assert s.execute(read, {"c": "dpppa"}).scalar_one() == before


def test_a_database_error_is_sqlalchemys_and_the_session_recovers(harness: Harness) -> None:
    with harness.session() as s:
        taken = s.execute(select(User.username).limit(1)).scalar_one()
        users = User.__table__
        copy = select(*(c for c in users.c if c.name != "id")).where(
            users.c.username == bindparam("u")
        )
        statement = users.insert().from_select([c.name for c in users.c if c.name != "id"], copy)
        with pytest.raises(IntegrityError):  # the username is unique
            driver_sql.execute(s.connection(), statement, {"u": taken})
        s.rollback()
        assert s.execute(select(User.username).where(User.username == taken)).scalar_one()


def test_an_expanding_parameter_falls_back_with_the_same_rows(harness: Harness) -> None:
    statement = select(User.username).where(User.username.in_(bindparam("names", expanding=True)))
    with harness.session() as s:
        rows = driver_sql.execute(s.connection(), statement, {"names": ["gubernur", "x"]}).rows
        assert not driver_sql.runs_on_driver(s.connection(), statement)
    assert [r.username for r in rows] == ["gubernur"]


def test_listeners_see_every_statement(harness: Harness) -> None:
    from tests.test_round_trips import statements

    statement = select(Activity.id).where(Activity.id == bindparam("i"))
    with harness.session() as s, statements(s) as seen:
        assert driver_sql.execute(s.connection(), statement, {"i": -1}).rows == []
    assert len(seen) == 1 and "activities" in seen[0]


def test_placeholders_are_numbered_once_per_name() -> None:
    sql, names = driver_sql._numbered("SELECT %(a)s, %(b)s::INTEGER, %(a)s WHERE x LIKE 'p%%'")
    assert (sql, names) == ("SELECT $1, $2::INTEGER, $1 WHERE x LIKE 'p%'", ("a", "b"))
    assert driver_sql._numbered("SELECT '$1', %(a)s") is None  # a dollar of its own: refused


def test_a_repeated_parameter_and_a_literal_percent_run_on_the_driver(harness: Harness) -> None:
    from sqlalchemy import literal

    same = bindparam("n")
    statement = select((same + same).label("twice"), literal("50%").label("share"))
    with harness.session() as s:
        row = driver_sql.execute(s.connection(), statement, {"n": 21}).one()
    assert (row.twice, row.share) == (42, "50%")
