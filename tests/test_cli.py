"""The console script end to end, as an operator runs it, on a fresh SQLite file and on
PostgreSQL: init-db, seed-demo twice, plugins, audit verify (and a tampered chain), signoff
verify (and a tampered amount)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REQUIRE, pg_available, scratch_database
from tests.helpers import SECRET_KEY


def sepakat(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY}
    return subprocess.run(
        [sys.executable, "-m", "sepakat.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def run_ok(url: str, *args: str) -> str:
    done = sepakat(url, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def the_operator_sequence(url: str) -> None:
    assert "Provinsi baru: 2" in run_ok(url, "init-db")  # lampung and sulteng
    first = run_ok(url, "seed-demo")
    assert "27 pengguna" in first and "kegiatan ditambahkan; 9 laporan realisasi" in first
    assert "Data demo: 0 pengguna, 0 pagu, 0 kegiatan ditambahkan; 0 laporan" in run_ok(
        url, "seed-demo"
    )
    listing = run_ok(url, "plugins")
    assert "lampung\tProvinsi Lampung" in listing
    assert "sulteng\tProvinsi Sulawesi Tengah" in listing
    assert "customize_workflow" in listing
    assert "Jejak audit utuh." in run_ok(url, "audit", "verify")
    # Each province's signed demo activities are one batch under its demo decree: one seal.
    assert "2 segel penetapan utuh." in run_ok(url, "signoff", "verify")


def test_cli_on_fresh_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    url = f"sqlite:///{db}"
    the_operator_sequence(url)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE activity_years SET confirmed_budget = confirmed_budget + 1 WHERE activity_id"
            " = (SELECT activity_id FROM signoff_activities ORDER BY position LIMIT 1)"
        )
    done = sepakat(url, "signoff", "verify", "1")
    assert done.returncode == 1 and "TIDAK COCOK: penetapan 1" in done.stderr
    assert sepakat(url, "signoff", "verify", "99").returncode == 1  # no such sign-off
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_entries SET comment = 'diubah' WHERE id = 3")
    done = sepakat(url, "audit", "verify")
    assert done.returncode == 1
    assert "RUSAK" in done.stderr and "(id 3)" in done.stderr


@pytest.mark.postgres
def test_cli_on_postgresql() -> None:
    if not pg_available():
        if REQUIRE:
            pytest.fail("PostgreSQL not reachable")
        pytest.skip("PostgreSQL not reachable")
    url = scratch_database("cli")
    the_operator_sequence(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        counts = dict(
            conn.execute(text("SELECT state, count(*) FROM activities GROUP BY state")).all()
        )
    engine.dispose()
    # Demo activities in every state of Lampung's and Sulteng's workflows.
    assert set(counts) == {
        "draft",
        "opd_review",
        "partner_review",  # Lampung: waiting for two partner OPDs' heads
        "pokja_review",  # Sulawesi Tengah: waiting for two of three Pokja reviewers
        "kesbangpol_review",
        "legal_review",
        "budget_review",
        "governor_signoff",
        "signed",
        "returned",
        "rejected",
    }
