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
from bench_transition import approve, engine_and_actors, prepare

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
    registry, factory, actors = engine_and_actors(args.database)
    cpu_ms: list[float] = []
    with factory() as s:
        for chunk in (ids[i::SLICES] for i in range(SLICES)):
            start = time.process_time()
            moves = approve(s, registry, actors, chunk)
            cpu_ms.append((time.process_time() - start) / moves * 1000)
    slices = ", ".join(f"{ms:.3f}" for ms in cpu_ms)
    print(f"client CPU ms per transition: {slices}; median {statistics.median(cpu_ms):.3f}")


if __name__ == "__main__":
    main()
