"""Client CPU time per transition (``time.process_time``), one process, on PostgreSQL.

Less sensitive to a busy neighbour than wall-clock rates: it counts only this process's CPU
(the engine's Python, SQLAlchemy and psycopg), not the database server's or the waits. The
4-stage approval of ``bench_transition.py`` in five slices; prints each slice and the median.
Compare two checkouts by running each with ``PYTHONPATH=<checkout>`` alternately (RESULTS.md)."""

from __future__ import annotations

import argparse
import statistics
import time

import psycopg
from bench_transition import STEPS, prepare
from sqlalchemy import create_engine, select
from sqlalchemy.orm import sessionmaker

from core.access import load_actor
from core.models import User
from core.plugins import load_registry
from core.services import transition

SLICES = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=300)
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_cpubench"
    )
    args = parser.parse_args()
    base, name = args.database.replace("+psycopg", "").rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    ids, _ = prepare(args.database, args.activities)
    registry = load_registry()
    factory = sessionmaker(create_engine(args.database), expire_on_commit=False)
    with factory() as s:
        roles = registry.get("lampung").opd_roles
        actors = {u.username: load_actor(s, u.id, roles) for u in s.execute(select(User)).scalars()}
    cpu_ms: list[float] = []
    with factory() as s:
        for chunk in (ids[i::SLICES] for i in range(SLICES)):
            start, moves = time.process_time(), 0
            for activity_id in chunk:
                version = 1
                for username, action, payload in STEPS:
                    actor = actors[username]
                    version = transition(
                        s, registry, actor, activity_id, action, version, payload
                    ).version
                    moves += 1
            cpu_ms.append((time.process_time() - start) / moves * 1000)
    slices = ", ".join(f"{ms:.3f}" for ms in cpu_ms)
    print(f"client CPU ms per transition: {slices}; median {statistics.median(cpu_ms):.3f}")


if __name__ == "__main__":
    main()
