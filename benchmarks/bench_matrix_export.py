"""Peak memory of the matrix export (``core.documents.matrix_export``) on PostgreSQL.

Seeds a fresh database with ``--activities`` Lampung activities (bulk SQL: spread over the
pillars and five OPDs, three plan years each, registration numbers set), then runs the export of
the whole plan as Bappeda in a fresh child process per size and reports that process's peak
resident set size (``ru_maxrss``) before and after the export, the time and the file's size.
A flat peak across sizes is what write-only mode and the chunked reads promise.

    python benchmarks/bench_matrix_export.py --activities 1000 10000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.orm import sessionmaker

from core import security
from core.access import load_actor
from core.models import Activity, ActivityYear, Base, Opd, Plan, User
from core.plugins import load_registry
from core.seed import seed_demo, sync_provinces
from core.services.registration import format_number
from core.types import DemoData

OPDS = ("dpppa", "dinsos", "kesbangpol", "dinkes", "disdikbud")
PILLARS = ("pencegahan", "penanganan", "pemberdayaan_partisipasi")
BATCH = 2000


def fresh_database(url: str) -> None:
    base, name = url.replace("+psycopg", "").rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def seed(url: str, count: int) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    registry = load_registry()
    security.configure(time_cost=1, memory_cost=8)
    runtime = registry.get("lampung")
    demo: DemoData = runtime.pm.hook.demo_data()
    runtime.pm.hook.demo_data = lambda: DemoData(demo.users, demo.ceilings)  # users, pagu only
    with sessionmaker(engine)() as s:
        sync_provinces(s, registry)
        seed_demo(s, registry)
        plan = s.execute(select(Plan).order_by(Plan.id)).scalars().first()
        assert plan is not None
        opds = {o.code: o for o in s.execute(select(Opd)).scalars()}
        creator = s.execute(select(User.id).where(User.username == "dpppa.staf")).scalar_one()
        version = runtime.register_current_workflow(s)
        s.commit()
        for start in range(0, count, BATCH):
            rows = [
                {
                    "province_id": plan.province_id,
                    "plan_id": plan.id,
                    "opd_id": opds[OPDS[n % len(OPDS)]].id,
                    "registration_number": format_number("LPG", plan.start_year, n + 1),
                    "title": f"Kegiatan uji beban nomor {n + 1} bagi perempuan dan anak",
                    "description": "Uraian kegiatan uji beban matriks.",
                    "pillar": PILLARS[n % len(PILLARS)],
                    "details": {
                        "target_group": "perempuan",
                        "locations": ["mesuji", "metro"],
                        "indicator": "Jumlah perempuan terlatih mediasi",
                        "sub_activity_code": "2.08.03.1.01.0001",
                        "funding_source": "apbd",
                        "conflict_types": ["lahan"],
                        "partner_opds": ["kesbangpol", "dinsos"],
                    },
                    "state": runtime.workflow.initial,
                    "workflow_version": version,
                    "revision_round": 0,
                    "created_by_id": creator,
                    "version": 1,
                }
                for n in range(start, min(start + BATCH, count))
            ]
            ids = s.execute(insert(Activity).returning(Activity.id), rows).scalars().all()
            s.execute(
                insert(ActivityYear),
                [
                    {
                        "activity_id": i,
                        "year": y,
                        "target": "60 orang",
                        "proposed_budget": 150_000_000,
                    }
                    for i in ids
                    for y in range(plan.start_year, plan.end_year + 1)
                ],
            )
            s.commit()
    engine.dispose()


def status_kib(key: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def reset_peak() -> None:
    """Start the peak (``VmHWM``) afresh from the current RSS (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def measure(url: str) -> dict[str, float]:
    """In this (fresh) process: the export of the whole plan as Bappeda."""
    from core.documents.matrix_export import write_matrix
    from core.services.queries import ListFilters

    registry = load_registry()
    factory = sessionmaker(create_engine(url), expire_on_commit=False)
    with factory() as s:
        user = s.execute(select(User.id).where(User.username == "bappeda.verifikator"))
        actor = load_actor(s, user.scalar_one(), registry.get("lampung").opd_roles)
        plan_id = s.execute(select(Plan.id).order_by(Plan.id)).scalars().first()
        assert plan_id is not None
        s.execute(select(Activity.id).limit(1)).all()  # connection and mappers warmed up
        reset_peak()
        before = status_kib("VmRSS")
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out:
            rows = write_matrix(s, registry, actor, plan_id, ListFilters(), out)
            size = out.tell()
        seconds = time.perf_counter() - started
    return {
        "activities": rows,
        "rss_before_mib": before / 1024,
        "peak_mib": status_kib("VmHWM") / 1024,
        "seconds": seconds,
        "file_mib": size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_xlsxbench"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.database)))
        return
    fresh_database(args.database)
    for count in args.activities:
        seed(args.database, count)
        child = subprocess.run(
            [sys.executable, str(Path(__file__)), "--measure", "--database", args.database],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(child.stdout.strip().splitlines()[-1])
        grew = r["peak_mib"] - r["rss_before_mib"]
        print(
            f"{r['activities']:>6} activities: RSS {r['rss_before_mib']:.1f} MiB before the "
            f"export, peak {r['peak_mib']:.1f} MiB during it (+{grew:.1f}); "
            f"{r['seconds']:.1f} s, file {r['file_mib']:.2f} MiB"
        )


if __name__ == "__main__":
    main()
