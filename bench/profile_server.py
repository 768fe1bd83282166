"""Where PostgreSQL's CPU goes on one transition: the CPU time (user and system, from /proc) of
the one backend serving a single client, for the engine (``core.services.transition``, the
bench's harness) and for the lean baseline (``bench/lean.py``), per transition and, for the
engine, per statement (the backend's CPU read around each of its statements; what is left is
the commit and the implicit BEGIN's share). One client and one backend, so nothing else is
counted: no WAL writer, checkpointer or autovacuum, which ``python -m bench`` counts too.
``python -m bench.profile_server [--activities 300]``; the output is
``bench/results/profile-server-transition.txt``. Clock ticks are 10 ms: over thousands of
statements the per-statement figures are estimates, their sum is not."""

from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Any

from sqlalchemy import event, text

from bench import lean
from bench.__main__ import RESULTS
from bench.common import TICKS, recreate_database
from bench.engine import actors_of, approve, prepare

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_bench_prof_server"
WARM = 20


def _cpu(pid: int) -> tuple[int, int]:
    """The backend's user and system CPU so far, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def _ms(ticks: int, count: int) -> float:
    return 1000 * ticks / TICKS / count


def engine_profile(url: str, activities: int) -> list[str]:
    recreate_database(url)
    ids = prepare(url, activities + WARM)
    registry, factory, actors = actors_of(url)
    per_statement: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    with factory() as s:
        approve(s, registry, actors, ids[:WARM])
        pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
        s.commit()
        engine = factory.kw["bind"]
        started: dict[str, tuple[int, int]] = {}

        def before(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            started["at"] = _cpu(pid)

        def after(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            user, system = _cpu(pid)
            seen = per_statement[" ".join(statement.split())[:72]]
            seen[0] += 1
            seen[1] += user - started["at"][0]
            seen[2] += system - started["at"][1]

        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        first = _cpu(pid)
        done = approve(s, registry, actors, ids[WARM:])
        last = _cpu(pid)
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    engine.dispose()
    user, system = last[0] - first[0], last[1] - first[1]
    lines: list[str] = [
        f"engine: {done} transitions, backend CPU {_ms(user + system, done):.2f} ms/transition "
        f"(user {_ms(user, done):.2f}, system {_ms(system, done):.2f})",
        "  per statement (ms/transition: user, system; executions):",
    ]
    counted = [0, 0]
    for name, (n, u, sy) in sorted(per_statement.items(), key=lambda kv: -kv[1][1] - kv[1][2]):
        counted[0] += u
        counted[1] += sy
        lines.append(f"  {_ms(u, done):6.3f} {_ms(sy, done):6.3f} {n:6d}  {name}")
    lines.append(
        f"  {_ms(user - counted[0], done):6.3f} {_ms(system - counted[1], done):6.3f}"
        "         the rest: COMMIT, and what the driver sends outside a statement"
    )
    return lines


def lean_profile(url: str, activities: int) -> list[str]:
    recreate_database(url)
    ids = lean.prepare(url, activities)
    conn = lean.setup(url)
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
    conn.commit()
    first = _cpu(pid)
    done = lean.walk(conn, ids)
    last = _cpu(pid)
    conn.close()
    user, system = last[0] - first[0], last[1] - first[1]
    return [
        f"lean: {done} transitions, backend CPU {_ms(user + system, done):.2f} ms/transition "
        f"(user {_ms(user, done):.2f}, system {_ms(system, done):.2f})"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_server", description=__doc__)
    parser.add_argument("--activities", type=int, default=300)
    parser.add_argument("--database", default=URL)
    args = parser.parse_args()
    lines = [
        *engine_profile(args.database, args.activities),
        "",
        *lean_profile(args.database, args.activities),
    ]
    RESULTS.mkdir(exist_ok=True)
    out = "\n".join(lines) + "\n"
    (RESULTS / "profile-server-transition.txt").write_text(out)
    print(out)


if __name__ == "__main__":
    main()
