"""Sepakat's engine: ``core.services.transition`` with Lampung's plugin rules, the audit hash
chain, one outbox row per recipient and the pagu booking at confirmation, on Sepakat's own
schema (the demo users, unlimited pagu)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from bench.common import DECREE, ROUTE
from core import security
from core.access import Actor, load_actor
from core.models import Activity, Base, Ceiling, User
from core.plugins import Registry, load_registry
from core.seed import seed_demo, sync_provinces
from core.services import create_activity, transition
from core.types import DemoData

PAYLOADS: dict[str, dict[str, Any]] = {"sign": {"decree_number": DECREE}}
ACTIVITY = {
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


def seed_users(engine: Engine, registry: Registry) -> None:
    """The provinces, the demo users and unlimited pagu (cheap password hashing)."""
    security.configure(time_cost=1, memory_cost=8)
    with Session(engine) as s:
        sync_provinces(s, registry)
        hooks: Any = registry.get("lampung").pm.hook
        demo: DemoData = hooks.demo_data()
        # Users and pagu only: demo activities would share the OPD's pagu.
        hooks.demo_data = lambda: DemoData(demo.users, demo.ceilings)
        seed_demo(s, registry)
        s.execute(update(Ceiling).values(amount=10**15))
        s.commit()


def prepare(url: str, count: int) -> list[int]:
    """Sepakat's schema, the demo users, unlimited pagu and ``count`` Lampung drafts."""
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    registry = load_registry()
    seed_users(engine, registry)
    with sessionmaker(engine, expire_on_commit=False)() as s:
        staff_id = s.execute(select(User.id).where(User.username == "dpppa.staf")).scalar_one()
        staff = load_actor(s, staff_id, registry.get("lampung").opd_roles)
        plan_id = s.execute(text("SELECT id FROM plans ORDER BY id LIMIT 1")).scalar_one()
        body = {**ACTIVITY, "plan_id": plan_id}
        ids = [create_activity(s, registry, staff, body).id for _ in range(count)]
    engine.dispose()
    return ids


def actors_of(url: str) -> tuple[Registry, sessionmaker[Session], dict[str, Actor]]:
    """The registry, a session factory and every demo user as the engine sees them."""
    registry = load_registry()
    factory = sessionmaker(create_engine(url), expire_on_commit=False)
    with factory() as s:
        roles = registry.get("lampung").opd_roles
        actors = {u.username: load_actor(s, u.id, roles) for u in s.execute(select(User)).scalars()}
    return registry, factory, actors


def approve(session: Session, registry: Registry, actors: dict[str, Actor], ids: list[int]) -> int:
    """Walk each activity along ``ROUTE``; returns the number of transitions."""
    done = 0
    for activity_id in ids:
        version = 1
        for username, action, _, _ in ROUTE:
            payload = PAYLOADS.get(action, {})
            moved = transition(
                session, registry, actors[username], activity_id, action, version, payload
            )
            version = moved.version
            done += 1
    return done


def setup(url: str) -> tuple[Registry, sessionmaker[Session], dict[str, Actor]]:
    """The registry, sessions and actors, loaded before the clock starts (as a long-running
    worker has them)."""
    return actors_of(url)


def client(state: tuple[Registry, sessionmaker[Session], dict[str, Actor]], ids: list[int]) -> int:
    registry, factory, actors = state
    with factory() as s:
        return approve(s, registry, actors, ids)


def finished(url: str, ids: list[int]) -> bool:
    with Session(create_engine(url)) as s:
        states = set(s.execute(select(Activity.state).where(Activity.id.in_(ids))).scalars())
    return states == {"signed"}
