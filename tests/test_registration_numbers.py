"""Registration numbers (issue 13): migration 0006 numbers the existing activities per plan,
and parallel creates on PostgreSQL never draw the same number."""

from __future__ import annotations

import threading
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from core.testing import Harness
from sepakat.app import create_app
from tests.helpers import lampung_payload
from web.extensions import MIGRATIONS

USERS = (
    "INSERT INTO users (id, username, full_name, password_hash, province_id, active, created_at)"
)


def test_migration_0006_backfills_numbers_per_plan_in_creation_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0003")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO provinces (id, code, name) VALUES (1, 'lampung', 'L')"))
        conn.execute(text("INSERT INTO opds (id, province_id, code, name) VALUES (1, 1, 'x', 'X')"))
        conn.execute(text(f"{USERS} VALUES (1, 'u', 'U', 'h', 1, 1, '2024-01-01')"))
        for plan_id, start in ((1, 2022), (2, 2025)):
            conn.execute(
                text(
                    "INSERT INTO plans (id, province_id, code, title, decree_number, start_year,"
                    " end_year) VALUES (:i, 1, :c, 't', 'd', :s, :e)"
                ),
                {"i": plan_id, "c": f"p{plan_id}", "s": start, "e": start + 2},
            )
        for activity_id, plan_id in ((5, 1), (3, 2), (9, 1), (4, 1)):
            conn.execute(
                text(
                    "INSERT INTO activities (id, province_id, plan_id, opd_id, title, description,"
                    " pillar, details, state, workflow_version, revision_round, created_by_id,"
                    " created_at, updated_at, state_changed_at, version) VALUES (:i, 1, :p, 1,"
                    " 't', '', 'x', '{}', 'draft', 'v', 0, 1, '2024-01-01', '2024-01-01',"
                    " '2024-01-01', 1)"
                ),
                {"i": activity_id, "p": plan_id},
            )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    with engine.connect() as conn:
        numbers = dict(conn.execute(text("SELECT id, registration_number FROM activities")).all())
        seqs = dict(conn.execute(text("SELECT id, registration_seq FROM plans")).all())
    engine.dispose()
    assert numbers == {
        4: "LPG-2022-0001",
        5: "LPG-2022-0002",
        9: "LPG-2022-0003",
        3: "LPG-2025-0001",
    }
    assert seqs == {1: 3, 2: 1}


def test_parallel_creates_draw_distinct_consecutive_numbers(pg: Harness) -> None:
    plan_id = pg.plan_id()
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create(n: int) -> None:
        try:
            activity = pg.create("dpppa.staf", lampung_payload(plan_id, title=f"Paralel {n}"))
            numbers.append(str(activity.registration_number))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert len(set(numbers)) == 8
    assert sequences == list(range(sequences[0], sequences[0] + 8))
