"""Audit integrity (issue 15's standing suite): on PostgreSQL, migrated as in production, the
application's database role cannot UPDATE, DELETE or TRUNCATE audit rows (migration 0005's
triggers); and ``sepakat audit verify`` finds an entry edited (any column, ``actor_id``
included), deleted or reordered by someone who got past them (the table's owner with the
triggers disabled)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from core.services import admin_audit
from core.testing import Harness
from core.unit_of_work import unit_of_work
from tests.helpers import SECRET_KEY, lampung_payload

pytestmark = pytest.mark.postgres


def _journey(h: Harness) -> int:
    activity = h.create("dpppa.staf", lampung_payload(h.plan_id()))
    h.move(
        activity.id,
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "return", {"comment": "Perbaiki target."}),
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
    )
    return activity.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET comment = 'diubah' WHERE activity_id = :a AND seq = 3",
        "UPDATE audit_entries SET seq = seq + 100 WHERE activity_id = :a",
        "DELETE FROM audit_entries WHERE activity_id = :a AND seq = 2",
        "TRUNCATE audit_entries CASCADE",
    ],
    ids=["update", "reorder", "delete", "truncate"],
)
def test_the_application_role_cannot_change_audit_rows(
    migrated: Harness, migrated_url: str, statement: str
) -> None:
    activity_id = _journey(migrated)
    engine = create_engine(migrated_url)  # the application's own connection and role
    try:
        refused = pytest.raises(ProgrammingError, match="Jejak audit hanya boleh ditambah")
        with refused, engine.begin() as conn:
            conn.execute(text(statement), {"a": activity_id})
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT seq, comment FROM audit_entries WHERE activity_id = :a ORDER BY seq"),
                {"a": activity_id},
            ).all()
    finally:
        engine.dispose()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[2].comment == "Perbaiki target."


def _verify(url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "from sepakat.cli import main; main()", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


UNIQUE_SEQ = "uq_audit_entries_seq UNIQUE (activity_id, seq)"
TAMPERING = {
    "edited": "UPDATE audit_entries SET comment = 'Sudah baik.' WHERE activity_id = :a AND seq = 3",
    # Another user's id, the username left as it was: the hash covers actor_id too.
    "actor_id": (
        "UPDATE audit_entries SET actor_id = (SELECT id FROM users WHERE username = 'gubernur') "
        "WHERE activity_id = :a AND seq = 3"
    ),
    "deleted": "DELETE FROM audit_entries WHERE activity_id = :a AND seq = 2",
    # Two entries swap places (their seq), each keeping its own hash.
    "reordered": (
        "UPDATE audit_entries SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END "
        "WHERE activity_id = :a AND seq IN (2, 3)"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(TAMPERING))
def test_audit_verify_finds_tampering_past_the_trigger(
    migrated: Harness, migrated_url: str, kind: str
) -> None:
    activity_id = _journey(migrated)
    engine = create_engine(migrated_url)
    try:
        with engine.begin() as conn:
            # The owner, past the trigger, for this transaction only; and back.
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            conn.execute(text("ALTER TABLE audit_entries DROP CONSTRAINT uq_audit_entries_seq"))
            conn.execute(text(TAMPERING[kind]), {"a": activity_id})
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        done = _verify(migrated_url)
    finally:
        with engine.begin() as conn:  # leave the chain whole for the next test: undo by hand
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
            conn.execute(
                text("DELETE FROM audit_entries WHERE activity_id = :a"), {"a": activity_id}
            )
            conn.execute(text(f"ALTER TABLE audit_entries ADD CONSTRAINT {UNIQUE_SEQ}"))
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        engine.dispose()
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"RUSAK: kegiatan {activity_id}" in done.stderr, done.stderr
    assert _verify(migrated_url).returncode == 0  # the rest of the trail still verifies


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE admin_audit_entries SET actor = 'orang lain'",
        "DELETE FROM admin_audit_entries",
        "TRUNCATE admin_audit_entries",
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_application_role_cannot_change_admin_entries(
    migrated: Harness, migrated_url: str, statement: str
) -> None:
    actor = migrated.actor("admin.lampung")
    with migrated.factory() as s, unit_of_work(s):
        admin_audit.record(s, actor, "opd.rename", "opd", "DPPPA", after={"name": "Dinas Baru"})
    engine = create_engine(migrated_url)  # the application's own connection and role
    count = "SELECT count(*) FROM admin_audit_entries WHERE actor = 'admin.lampung'"
    try:
        with engine.connect() as conn:
            before = conn.execute(text(count)).scalar_one()
        refused = pytest.raises(ProgrammingError, match="admin_audit_entries ditolak")
        with refused, engine.begin() as conn:
            conn.execute(text(statement))
        with engine.connect() as conn:
            after = conn.execute(text(count)).scalar_one()
    finally:
        engine.dispose()
    assert before >= 1 and after == before


def test_the_application_role_cannot_change_report_entries(
    migrated: Harness, migrated_url: str
) -> None:
    """A progress report's chain (migration 0016) is append-only like an activity's."""
    h = migrated
    activity_id = _journey(h)
    h.walk(activity_id, "confirm_budget", "sign", decree_number="G/288/V.09/HK/2022")
    report = h.file_report("dpppa.staf", activity_id, 2023, "S1")
    engine = create_engine(migrated_url)
    try:
        for statement in (
            "UPDATE report_audit_entries SET comment = 'diubah'",
            "DELETE FROM report_audit_entries",
            "TRUNCATE report_audit_entries CASCADE",
        ):
            refused = pytest.raises(ProgrammingError, match="Jejak audit hanya boleh ditambah")
            with refused, engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            count = conn.execute(
                text("SELECT count(*) FROM report_audit_entries WHERE report_id = :r"),
                {"r": report.id},
            ).scalar_one()
    finally:
        engine.dispose()
    assert count == 1
