"""Province time zones: the zones Indonesia has and their abbreviations, moments stored in UTC
and read back aware UTC on both backends (whatever a PostgreSQL session's ``TimeZone``), the
migration to timestamptz keeping every instant, and working days ending at local midnight."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.orm import Session

from core.calendar import WorkingCalendar
from core.models import Activity, User, utcnow
from core.testing import Harness
from core.timezones import UnknownZone, abbreviation, local_date, local_time, zone, zone_problem
from sepakat.app import create_app
from tests.conftest import scratch_database
from web.extensions import MIGRATIONS

# Monday 2 March 2026, 07.38 UTC: 14.38 in Jakarta, 15.38 in Palu, 16.38 in Jayapura.
MOMENT = dt.datetime(2026, 3, 2, 7, 38, tzinfo=dt.UTC)


def test_each_zone_reads_its_own_clock_and_abbreviation() -> None:
    clocks = {
        name: local_time(MOMENT, name).clock
        for name in ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")
    }
    assert clocks == {
        "Asia/Jakarta": "14.38 WIB",
        "Asia/Pontianak": "14.38 WIB",
        "Asia/Makassar": "15.38 WITA",
        "Asia/Jayapura": "16.38 WIT",
    }
    assert local_time(MOMENT, "Asia/Makassar", ":").clock == "15:38 WITA"
    # A naive value is the UTC the database held before timestamptz.
    assert local_time(MOMENT.replace(tzinfo=None), "Asia/Makassar").clock == "15.38 WITA"
    assert abbreviation("Asia/Jayapura") == "WIT"


def test_a_day_ends_at_local_midnight() -> None:
    late = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)  # 23.30 WIB, 00.30 WITA next day
    assert local_date(late, "Asia/Jakarta") == dt.date(2026, 3, 2)
    assert local_date(late, "Asia/Makassar") == dt.date(2026, 3, 3)
    calendar = WorkingCalendar("ID")
    friday_noon = dt.datetime(2026, 3, 6, 5, 0, tzinfo=dt.UTC)
    # Jakarta: Tue–Fri after Monday; Palu: the activity arrived on Tuesday already.
    assert calendar.working_days_since(late, friday_noon, "Asia/Jakarta") == 4
    assert calendar.working_days_since(late, friday_noon, "Asia/Makassar") == 3


def test_zones_outside_indonesia_or_unknown_are_refused() -> None:
    assert zone_problem("Asia/Makassar") is None
    outside = zone_problem("Asia/Singapore")
    assert outside is not None and "di luar Indonesia" in outside
    unknown = zone_problem("Asia/Palu")
    assert unknown is not None and "tidak dikenal" in unknown
    for name in ("UTC", "Asia/Palu", "../etc/passwd"):
        assert zone_problem(name) is not None
        with pytest.raises(UnknownZone):
            zone(name)
        with pytest.raises(UnknownZone):
            abbreviation(name)


def _created_at(s: Session, username: str) -> dt.datetime:
    return s.execute(select(User.created_at).where(User.username == username)).scalar_one()


def test_times_read_back_as_aware_utc(harness: Harness, payload) -> None:  # type: ignore[no-untyped-def]
    activity = harness.create("dpppa.staf", payload())
    before = utcnow()
    harness.act("dpppa.staf", activity.id, "submit")
    with harness.session() as s:
        a = s.get(Activity, activity.id)
        assert a is not None
        assert a.state_changed_at.tzinfo is dt.UTC
        assert before <= a.state_changed_at <= utcnow()  # aware against aware: no TypeError
        # A naive value bound is taken as UTC, and comes back aware.
        s.execute(
            update(Activity)
            .where(Activity.id == activity.id)
            .values(state_changed_at=MOMENT.replace(tzinfo=None))
        )
        s.commit()
        s.expire_all()
        assert s.get(Activity, activity.id).state_changed_at == MOMENT  # type: ignore[union-attr]
        assert _created_at(s, "dpppa.staf").tzinfo is dt.UTC


def test_postgresql_session_time_zone_changes_nothing(pg: Harness, payload_pg) -> None:  # type: ignore[no-untyped-def]
    """timestamptz answers in the session's TimeZone; what Python gets is the same instant in
    UTC, and what it writes is stored as that instant."""
    activity_id = pg.create("dpppa.staf", payload_pg()).id
    url = pg.factory.kw["bind"].url
    papua = create_engine(url, connect_args={"options": "-c TimeZone=Asia/Jayapura"})
    try:
        with Session(papua) as s:
            assert s.execute(text("SHOW TimeZone")).scalar_one() == "Asia/Jayapura"
            s.execute(
                update(Activity).where(Activity.id == activity_id).values(state_changed_at=MOMENT)
            )
            s.commit()
            read = s.execute(
                select(Activity.state_changed_at).where(Activity.id == activity_id)
            ).scalar_one()
            assert (read, read.utcoffset()) == (MOMENT, dt.timedelta(0))
            # The database itself holds 07.38 UTC, as a UTC session sees it.
            s.execute(text("SET TimeZone TO 'UTC'"))
            raw = s.execute(
                text("SELECT to_char(state_changed_at, 'HH24:MI') FROM activities WHERE id = :i"),
                {"i": activity_id},
            ).scalar_one()
            assert raw == "07:38"
    finally:
        papua.dispose()


def _migrate(url: str, revision: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=revision)


@pytest.mark.parametrize("backend_name", ["sqlite", "postgresql"])
def test_migration_to_timestamptz_keeps_every_instant(
    backend_name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Rows written before 0003 (naive UTC) read the same instant after it, even when the
    server's TimeZone is not UTC; provinces start on WIB until ``init-db`` syncs the plugins."""
    if backend_name == "postgresql":
        request.getfixturevalue("pg")  # skips (or fails under CI) without PostgreSQL
        url = scratch_database("tzmigrate")
        name = url.rsplit("/", 1)[1]
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"ALTER DATABASE {name} SET TimeZone TO 'Asia/Makassar'"))
        admin.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'tz.db'}"
    _migrate(url, "0002")
    engine = create_engine(url)
    naive = MOMENT.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO provinces (id, code, name) VALUES (1, 'x', 'Provinsi X')"))
        conn.execute(
            text(
                "INSERT INTO users (username, full_name, password_hash, province_id, active,"
                " created_at) VALUES ('u', 'U', 'h', 1, true, :at)"
            ),
            {"at": naive},
        )
    engine.dispose()
    _migrate(url, "head")
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            assert _created_at(s, "u") == MOMENT
            assert s.execute(text("SELECT timezone FROM provinces")).scalar_one() == "Asia/Jakarta"
    finally:
        engine.dispose()
