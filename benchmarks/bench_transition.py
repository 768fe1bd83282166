"""Throughput of a 4-stage approval (submit, approve, confirm_budget, sign) on PostgreSQL, and
of gate decisions (Lampung's Persetujuan OPD mitra: two partner heads concur, the second one
moving the activity on) against those transitions.

Compares ``core.services.transition`` (with Lampung's plugin rules, audit hash chain and
outbox rows) against a raw psycopg baseline doing the minimum the same transition needs: lock
the row, update it, append a hash-chained audit row and an outbox row, commit.

    python benchmarks/bench_transition.py --activities 1000 --processes 2 --rounds 3
    python benchmarks/bench_transition.py --activities 300 --processes 2 --rounds 3 --gate

Needs a PostgreSQL server; uses (and recreates) the database named by ``--database``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import statistics
import time
from typing import Any

import psycopg
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from core import security
from core.access import Actor, load_actor
from core.models import Activity, Base, Ceiling, User
from core.plugins import Registry, load_registry
from core.seed import sync_provinces
from core.services import create_activity, transition
from core.types import DemoData

STEPS = (
    ("dpppa.staf", "submit", {}),
    ("dpppa.kepala", "approve", {}),
    ("bappeda.verifikator", "confirm_budget", {}),
    ("gubernur", "sign", {"decree_number": "G/288/V.09/HK/2023"}),
)


GATE_STEPS = (("dinsos.kepala", "setujui_mitra", {}), ("dinkes.kepala", "setujui_mitra", {}))
PARTNERS = ["dinsos", "dinkes"]


def prepare(url: str, count: int, partners: bool = False) -> tuple[list[int], list[int]]:
    """Fresh schema, demo users, unlimited pagu, and ``count`` drafts for each contender."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    registry = load_registry()
    security.configure(time_cost=1, memory_cost=8)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s:
        from core.seed import seed_demo

        sync_provinces(s, registry)
        demo: DemoData = registry.get("lampung").pm.hook.demo_data()
        # Users and pagu only; no demo activities (they would share the OPD pagu).
        registry.get("lampung").pm.hook.demo_data = lambda: DemoData(demo.users, demo.ceilings)
        seed_demo(s, registry)
        s.execute(update(Ceiling).values(amount=10**15))
        s.commit()
        staff_id = s.execute(select(User.id).where(User.username == "dpppa.staf")).scalar_one()
        staff = load_actor(s, staff_id, registry.get("lampung").opd_roles)
        plan_id = s.execute(text("SELECT id FROM plans ORDER BY id LIMIT 1")).scalar_one()
        body = {
            "plan_id": plan_id,
            "title": "Pelatihan mediasi konflik bagi perempuan",
            "pillar": "pencegahan",
            "years": [{"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000}],
            "details": {
                "target_group": "perempuan",
                "locations": ["mesuji"],
                "indicator": "Jumlah perempuan terlatih",
                "sub_activity_code": "2.08.03.1.01.0001",
                "funding_source": "apbd",
            },
        }
        if partners:  # half of them (the second list) wait at the partner gate
            gated = {**body, "details": {**body["details"], "partner_opds": PARTNERS}}
        ids = [create_activity(s, registry, staff, body).id for _ in range(count)]
        ids += [
            create_activity(s, registry, staff, gated if partners else body).id
            for _ in range(count)
        ]
    engine.dispose()
    return ids[:count], ids[count:]


def engine_and_actors(url: str) -> tuple[Registry, sessionmaker[Session], dict[str, Actor]]:
    """The registry, a session factory and every demo user as the engine sees them."""
    registry = load_registry()
    factory = sessionmaker(create_engine(url), expire_on_commit=False)
    with factory() as s:
        opd_roles = registry.get("lampung").opd_roles
        actors = {
            u.username: load_actor(s, u.id, opd_roles) for u in s.execute(select(User)).scalars()
        }
    return registry, factory, actors


def approve(session: Session, registry: Registry, actors: dict[str, Actor], ids: list[int]) -> int:
    """Walk each activity through ``STEPS``; returns the number of transitions."""
    done = 0
    for activity_id in ids:
        version = 1
        for username, action, payload in STEPS:
            actor = actors[username]
            moved = transition(session, registry, actor, activity_id, action, version, payload)
            version = moved.version
            done += 1
    return done


def run_core(url: str, ids: list[int], out: Any) -> None:
    registry, factory, actors = engine_and_actors(url)
    start = time.perf_counter()
    with factory() as s:
        done = approve(s, registry, actors, ids)
    out.put((done, time.perf_counter() - start))


def to_gate(url: str, ids: list[int]) -> None:
    """Bring the activities to the partner gate (submit, approve), untimed."""
    registry = load_registry()
    engine = create_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s:
        opd_roles = registry.get("lampung").opd_roles
        actors = {
            u.username: load_actor(s, u.id, opd_roles) for u in s.execute(select(User)).scalars()
        }
        for activity_id in ids:
            version = 1
            for username, action, payload in STEPS[:2]:
                version = transition(
                    s, registry, actors[username], activity_id, action, version, payload
                ).version
    engine.dispose()


def run_gate(url: str, ids: list[int], out: Any) -> None:
    """Both partner heads concur on each activity (the second decision advances it)."""
    registry = load_registry()
    engine = create_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s:
        opd_roles = registry.get("lampung").opd_roles
        actors = {
            u.username: load_actor(s, u.id, opd_roles) for u in s.execute(select(User)).scalars()
        }
        versions = dict(
            s.execute(select(Activity.id, Activity.version).where(Activity.id.in_(ids))).all()
        )
    spent = [0.0, 0.0]  # the first decision (recorded), the second (recorded, moves it on)
    start = time.perf_counter()
    with factory() as s:
        for activity_id in ids:
            version = versions[activity_id]
            for i, (username, action, payload) in enumerate(GATE_STEPS):
                t0 = time.perf_counter()
                version = transition(
                    s, registry, actors[username], activity_id, action, version, payload
                ).version
                spent[i] += time.perf_counter() - t0
    out.put((2 * len(ids), time.perf_counter() - start, spent[0] / len(ids), spent[1] / len(ids)))


def gate_rounds(
    url: str, plain: list[int], gated: list[int], n: int, rounds: int, processes: int
) -> None:
    """Normal transitions and gate decisions, alternately; each rate per decision/transition."""
    to_gate(url, gated)
    ratios = []
    firsts = []
    for r in range(rounds):
        core_n, core_s = measure(run_core, url, plain[r * n : (r + 1) * n], processes)
        out: mp.Queue[tuple[int, float, float, float]] = mp.Queue()
        chunk = gated[r * n : (r + 1) * n]
        workers = [
            mp.Process(target=run_gate, args=(url, chunk[i::processes], out))
            for i in range(processes)
        ]
        for w in workers:
            w.start()
        results = [out.get() for _ in workers]
        for w in workers:
            w.join()
        gate_n, gate_s = sum(x[0] for x in results), max(x[1] for x in results)
        first = statistics.mean(x[2] for x in results) * 1000
        second = statistics.mean(x[3] for x in results) * 1000
        per_transition = 1000 / (core_n / core_s) * processes
        ratios.append((gate_n / gate_s) / (core_n / core_s))
        firsts.append(first / per_transition)
        print(
            f"round {r + 1}: transition {per_transition:.2f} ms; gate decision {first:.2f} ms "
            f"(recorded), {second:.2f} ms (recorded and moved on); decisions/transitions rate "
            f"{ratios[-1]:.2f}x"
        )
    print(
        f"median: a recorded decision costs {statistics.median(firsts):.2f}x a transition; "
        f"decision rate (both kinds) {statistics.median(ratios):.2f}x the transition rate"
    )


def _hash(prev: str, body: list[Any]) -> str:
    return hashlib.sha256((prev + json.dumps(body, sort_keys=True)).encode()).hexdigest()


def run_raw(url: str, ids: list[int], out: Any) -> None:
    """The baseline: hand-written SQL, no rules beyond the state check."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    route = {
        "submit": ("draft", "opd_review"),
        "approve": ("opd_review", "budget_review"),
        "confirm_budget": ("budget_review", "governor_signoff"),
        "sign": ("governor_signoff", "signed"),
    }
    done = 0
    start = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        for activity_id in ids:
            for username, action, _ in STEPS:
                source, target = route[action]
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute(
                        "SELECT state, version FROM activities WHERE id = %s FOR UPDATE",
                        (activity_id,),
                    )
                    state, _ = cur.fetchone()  # type: ignore[misc]
                    assert state == source
                    cur.execute(
                        "UPDATE activities SET state = %s, version = version + 1, "
                        "state_changed_at = now() WHERE id = %s",
                        (target, activity_id),
                    )
                    cur.execute(
                        "SELECT seq, hash FROM audit_entries WHERE activity_id = %s "
                        "ORDER BY seq DESC LIMIT 1",
                        (activity_id,),
                    )
                    seq, prev = cur.fetchone()  # type: ignore[misc]
                    digest = _hash(prev, [activity_id, seq + 1, username, action, source, target])
                    cur.execute(
                        "INSERT INTO audit_entries (activity_id, seq, actor, role, action, "
                        "from_state, to_state, payload, at, prev_hash, hash) VALUES "
                        "(%s, %s, %s, 'x', %s, %s, %s, '{}', now(), %s, %s)",
                        (activity_id, seq + 1, username, action, source, target, prev, digest),
                    )
                    cur.execute(
                        "INSERT INTO outbox_messages (key, kind, activity_id, recipient_id, "
                        "payload, created_at, attempts) VALUES (%s, 'transition', %s, 1, '{}', "
                        "now(), 0)",
                        (f"raw:{activity_id}:{seq + 1}", activity_id),
                    )
                done += 1
    out.put((done, time.perf_counter() - start))


def measure(target: Any, url: str, ids: list[int], processes: int) -> tuple[int, float]:
    out: mp.Queue[tuple[int, float]] = mp.Queue()
    chunks = [ids[i::processes] for i in range(processes)]
    workers = [mp.Process(target=target, args=(url, chunk, out)) for chunk in chunks]
    wall = time.perf_counter()
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    wall = time.perf_counter() - wall
    return sum(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="raw and core take turns this many times (a fresh slice of activities each), so a "
        "noisy neighbour hurts both alike; the median ratio is reported",
    )
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/sepakat_bench"
    )
    parser.add_argument(
        "--gate",
        action="store_true",
        help="compare gate decisions (two partner heads concur) with normal transitions",
    )
    args = parser.parse_args()
    admin = psycopg.connect(
        args.database.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0]
        + "/postgres",
        autocommit=True,
    )
    name = args.database.rsplit("/", 1)[1]
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    admin.close()
    n = args.activities
    if args.gate:
        plain, gated = prepare(args.database, n * args.rounds, partners=True)
        print(f"activities per contender and round: {n}, client processes: {args.processes}")
        gate_rounds(args.database, plain, gated, n, args.rounds, args.processes)
        return
    raw_ids, core_ids = prepare(args.database, n * args.rounds)
    print(f"activities per contender and round: {n}, client processes: {args.processes}")
    ratios = []
    for r in range(args.rounds):
        raw_n, raw_s = measure(run_raw, args.database, raw_ids[r * n : (r + 1) * n], args.processes)
        core_n, core_s = measure(
            run_core, args.database, core_ids[r * n : (r + 1) * n], args.processes
        )
        raw_rate, core_rate = raw_n / raw_s, core_n / core_s
        ratios.append(core_rate / raw_rate)
        print(
            f"round {r + 1}: raw psycopg {raw_rate:,.0f}/s, "
            f"core.services.transition {core_rate:,.0f}/s, ratio {ratios[-1]:.2f}x"
        )
    print(f"median ratio core/raw: {statistics.median(ratios):.2f}x")
    engine = create_engine(args.database)
    with Session(engine) as s:
        states = s.execute(
            select(Activity.state).where(Activity.id.in_(raw_ids + core_ids))
        ).scalars()
        assert set(states) == {"signed"}, "every benchmarked activity must end signed"


if __name__ == "__main__":
    main()
