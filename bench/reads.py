"""Reads at national scale (issue 17, item 4): the list endpoint with each filter, its first page
and a page deep in it (keyset cursor) beside OFFSET's deep page, the dashboard and the Bappeda
queue, against ``total`` activities spread over 38 provinces × ~40 OPDs × 1–3 plan years.

Lampung and Sulawesi Tengah are the real plugins (demo users, their OPDs); 36 more provinces are
rows of their own. The activities and their years are generated inside PostgreSQL
(``INSERT … SELECT`` over ``generate_series``: as fast as COPY, with no rows through Python).
Requests go through the Flask app in process (the test client: the app's own time, no network),
as Lampung's province-wide Bappeda verifier and as an OPD operator."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import Session

from bench.common import dsn
from bench.engine import seed_users
from core.models import Activity, Base, Province
from core.plugins import load_registry
from core.services.queries import encode_cursor
from sepakat.app import create_app

PROVINCES = 38
OPDS_PER_PROVINCE = 40
STATES = ("draft", "opd_review", "budget_review", "governor_signoff", "signed", "returned")
PILLARS = ("pencegahan", "penanganan", "pemberdayaan_partisipasi")
DEPTH = 10_000


def prepare(url: str, total: int) -> None:
    """Schema, both plugins' provinces and demo users, 36 more provinces, ``total`` activities."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    registry = load_registry()
    seed_users(engine, registry)
    lampung = registry.get("lampung").workflow.version
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO provinces (code, name) SELECT 'p' || g, 'Provinsi ' || g "
                "FROM generate_series(3, :n) g"
            ),
            {"n": PROVINCES},
        )
        conn.execute(
            text(
                "INSERT INTO plans (province_id, code, title, decree_number, start_year, end_year) "
                "SELECT p.id, 'rad', 'RAD ' || p.name, 'K/1', 2025, 2027 FROM provinces p "
                "WHERE NOT EXISTS (SELECT 1 FROM plans x WHERE x.province_id = p.id)"
            )
        )
        conn.execute(  # every province gets ~40 OPDs (the real ones keep theirs and add some)
            text(
                "INSERT INTO opds (province_id, code, name) "
                "SELECT p.id, 'opd' || g, 'OPD ' || g FROM provinces p, generate_series(1, :k) g "
                "WHERE (SELECT count(*) FROM opds o WHERE o.province_id = p.id) < :k"
            ),
            {"k": OPDS_PER_PROVINCE},
        )
        conn.execute(
            text(
                "CREATE TEMP TABLE bench_opd AS SELECT row_number() OVER (ORDER BY o.id) - 1 AS n, "
                "o.id AS opd_id, o.province_id, (SELECT min(id) FROM plans l WHERE "
                "l.province_id = o.province_id) AS plan_id FROM opds o"
            )
        )
        count = conn.execute(text("SELECT count(*) FROM bench_opd")).scalar_one()
        creator = conn.execute(text("SELECT min(id) FROM users")).scalar_one()
        seeded = conn.execute(text("SELECT coalesce(max(id), 0) FROM activities")).scalar_one()
        conn.execute(
            text(
                "INSERT INTO activities (province_id, plan_id, opd_id, title, description, "
                "pillar, details, state, workflow_version, revision_round, created_by_id, "
                "created_at, updated_at, state_changed_at, version, registration_number, "
                "proposed_total, confirmed_total) "
                "SELECT b.province_id, b.plan_id, b.opd_id, 'Kegiatan ' || g || "
                "CASE WHEN g % 7 = 0 THEN ' mediasi konflik' ELSE '' END, '', "
                "(CAST(:pillars AS text[]))[1 + g % 3], '{}', "
                "(CAST(:states AS text[]))[1 + (g / 7) % 6], :version, 0, "
                ":creator, now(), now(), now() - (g % 400) * interval '1 hour', 1, 'BEN-' || g, "
                # the sums of the years below (1 + g % 3 of them), as the writes keep them
                "(1 + g % 3) * (100000000 + (g % 50) * 1000000), "
                "CASE WHEN (CAST(:states AS text[]))[1 + (g / 7) % 6] = 'signed' "
                "THEN (1 + g % 3) * 100000000 END "
                "FROM generate_series(1, :total) g JOIN bench_opd b ON b.n = g % :count"
            ),
            {
                "pillars": list(PILLARS),
                "states": list(STATES),
                "version": lampung,
                "creator": creator,
                "total": total,
                "count": count,
            },
        )
        conn.execute(
            text(
                "INSERT INTO activity_years (activity_id, year, target, proposed_budget, "
                "confirmed_budget) SELECT a.id, l.start_year + k, '10 kegiatan', "
                "100000000 + (g.g % 50) * 1000000, CASE WHEN a.state = 'signed' THEN "
                "100000000 END FROM activities a JOIN plans l ON l.id = a.plan_id, "
                # g again, from the registration number: the totals above were summed by it
                "LATERAL (SELECT substr(a.registration_number, 5)::int AS g) g, "
                "generate_series(0, 2) k WHERE a.id > :seeded AND k <= g.g % 3"
            ),
            {"seeded": seeded},
        )
    # After a bulk load, as autovacuum would soon do on its own: the statistics, and the
    # visibility map that lets a covering index answer without the table (the dashboard's
    # tally). Outside a transaction: VACUUM cannot run in one.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def _timed(call: Callable[[], Any], repeat: int) -> dict[str, float]:
    call()  # warm: compiled statements, the workflow, caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def _login(client: FlaskClient, username: str) -> dict[str, str]:
    body = client.post("/api/v1/auth/token", json={"username": username, "password": "sepakat"})
    return {"Authorization": f"Bearer {body.json['access_token']}"}  # type: ignore[index]


def _page_login(client: FlaskClient, username: str) -> None:
    import re

    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    form = {"username": username, "password": "sepakat", "csrf_token": token[1] if token else ""}
    client.post("/masuk", data=form)


def _ok(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> None:
    response = client.get(path, headers=headers or {})
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")


def measure(url: str, repeat: int, explain_dir: Path) -> dict[str, Any]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "b" * 64, "TESTING": True})
    engine = create_engine(url)
    with Session(engine) as s:
        lampung = s.execute(select(Province.id).where(Province.code == "lampung")).scalar_one()
        total = s.execute(select(Activity.id).order_by(Activity.id.desc()).limit(1)).scalar_one()
        mine = s.execute(
            text("SELECT count(*) FROM activities WHERE province_id = :p"), {"p": lampung}
        ).scalar_one()
        depth = min(DEPTH, mine // 2)
        deep_id = s.execute(
            text("SELECT id FROM activities WHERE province_id = :p ORDER BY id DESC OFFSET :d"),
            {"p": lampung, "d": depth},
        ).scalar()
    api = app.test_client()
    headers = _login(api, "bappeda.verifikator")
    base = "/api/v1/activities?limit=50"
    lists = {
        "first page": base,
        "state": base + "&state=budget_review",
        "year": base + "&year=2023",
        "pillar": base + "&pillar=penanganan",
        "opd": base + "&opd=dpppa",
        "q": base + "&q=mediasi",
        f"page {depth:,} deep (cursor)": base + f"&cursor={encode_cursor(int(deep_id or 1))}",
    }
    out: dict[str, Any] = {"activities": total, "lampung_activities": mine, "depth": depth}
    out["list"] = {
        name: _timed(partial(_ok, api, path, headers), repeat) for name, path in lists.items()
    }

    def offset_page() -> None:
        with engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT * FROM activities WHERE province_id = :p ORDER BY id DESC "
                    "OFFSET :d LIMIT 50"
                ),
                {"p": lampung, "d": depth},
            ).all()

    out["offset baseline (SQL only)"] = _timed(offset_page, repeat)
    pages = app.test_client()
    _page_login(pages, "bappeda.verifikator")
    out["dashboard"] = _timed(lambda: _ok(pages, "/"), repeat)
    out["queue"] = _timed(lambda: _ok(pages, "/antrean/"), repeat)
    out["explain"] = explain(app, engine, pages, api, headers, lists, explain_dir)
    engine.dispose()
    return out


def explain(
    app: Any,
    engine: Any,
    pages: FlaskClient,
    api: FlaskClient,
    headers: dict[str, str],
    lists: dict[str, str],
    where: Path,
) -> list[str]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest statements of each measured request,
    saved beside the results; returns the files written."""
    from sepakat.database import db

    files = []
    deep = next(path for name, path in lists.items() if "deep" in name)
    requests = {
        "list-first": lambda: api.get(lists["first page"], headers=headers),
        "list-deep": lambda: api.get(deep, headers=headers),
        "dashboard": lambda: pages.get("/"),
        "queue": lambda: pages.get("/antrean/"),
    }
    where.mkdir(parents=True, exist_ok=True)
    for name, call in requests.items():
        seen: list[tuple[float, str, Any]] = []

        def before(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
            conn.info["t0"] = time.perf_counter()

        def after(
            conn: Any, cursor: Any, statement: str, params: Any, *_: Any, seen: Any = seen
        ) -> None:
            seen.append((time.perf_counter() - conn.info["t0"], statement, params))

        with app.app_context():
            target = db.engine
        event.listen(target, "before_cursor_execute", before)
        event.listen(target, "after_cursor_execute", after)
        try:
            call()
        finally:
            event.remove(target, "before_cursor_execute", before)
            event.remove(target, "after_cursor_execute", after)
        report = []
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            # The hot path's statements come with PostgreSQL's own $n placeholders and a list of
            # values (core.driver_sql): psycopg's RawCursor takes those as they are.
            numbered = psycopg.RawCursor(raw.driver_connection)
            for took, statement, params in sorted(seen, key=lambda s: -s[0])[:3]:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                on: Any = numbered if isinstance(params, list) else cur
                on.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                plan = "\n".join(row[0] for row in on.fetchall())
                report.append(f"-- {took * 1000:.1f} ms in the request\n{statement}\n{plan}\n")
            raw.rollback()
        finally:
            raw.close()
        path = where / f"explain-{name}.txt"
        path.write_text("\n".join(report))
        files.append(str(path.relative_to(where.parent.parent)))
    return files


__all__ = ["dsn", "measure", "prepare"]
