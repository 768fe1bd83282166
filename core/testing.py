"""Helpers for testing Sepakat and province plugins against a real engine (as ``pytester``
serves pytest plugin authors): a database with the demo data, actors by username, a valid
activity payload, and ``move`` to walk an activity along its route."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, create_engine, delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from core import security
from core.access import Actor, load_actor
from core.database import sqlite_foreign_keys
from core.models import (
    Activity,
    ActivityYear,
    AuditEntry,
    Base,
    Ceiling,
    Notification,
    OutboxMessage,
    Plan,
    Province,
    Reminder,
    User,
)
from core.plugins import Registry
from core.seed import seed_demo
from core.services import create_activity, transition
from core.services.transitions import TransitionResult

# Rows a test creates; everything else (provinces, users, pagu) is seeded once per session.
TRANSACTIONAL = (Notification, Reminder, OutboxMessage, AuditEntry, ActivityYear, Activity)


def fresh_engine(url: str) -> Engine:
    """An engine on an emptied database with the current schema."""
    engine = create_engine(url)
    sqlite_foreign_keys(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return engine


def seeded(engine: Engine, registry: Registry, password: str = "sepakat") -> sessionmaker[Session]:
    """Seed the demo users and pagu (cheap password hashing), without demo activities."""
    security.configure(time_cost=1, memory_cost=8)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as session:
        seed_demo(session, registry, password)
    reset(factory)
    return factory


def reset(factory: sessionmaker[Session]) -> None:
    """Remove what tests created and give every pagu back."""
    with factory() as session:
        for model in TRANSACTIONAL:
            session.execute(delete(cast(Table, model.__table__)))
        session.execute(update(cast(Table, Ceiling.__table__)).values(confirmed=0))
        session.commit()


@dataclass
class Harness:
    """A seeded engine for one test: sessions, actors and a walk along the route."""

    factory: sessionmaker[Session]
    registry: Registry
    province: str = "lampung"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.factory() as s:
            yield s

    def actor(self, username: str) -> Actor:
        with self.factory() as s:
            user_id = s.execute(select(User.id).where(User.username == username)).scalar_one()
            runtime = self.registry.get(self.province)
            return load_actor(s, user_id, runtime.opd_roles)

    def plan_id(self, province: str | None = None) -> int:
        with self.factory() as s:
            return int(
                s.execute(  # type: ignore[arg-type]
                    select(Plan.id)
                    .join(Province, Province.id == Plan.province_id)
                    .where(Province.code == (province or self.province))
                    .order_by(Plan.id)
                )
                .scalars()
                .first()
            )

    def create(self, username: str, payload: dict[str, Any]) -> Activity:
        with self.factory() as s:
            return create_activity(s, self.registry, self.actor(username), payload)

    def version(self, activity_id: int) -> int:
        with self.factory() as s:
            return s.execute(
                select(Activity.version).where(Activity.id == activity_id)
            ).scalar_one()

    def state(self, activity_id: int) -> str:
        with self.factory() as s:
            return s.execute(select(Activity.state).where(Activity.id == activity_id)).scalar_one()

    def act(self, username: str, activity_id: int, action: str, **payload: Any) -> TransitionResult:
        """One transition by ``username`` at the activity's current version."""
        with self.factory() as s:
            return transition(
                s,
                self.registry,
                self.actor(username),
                activity_id,
                action,
                self.version(activity_id),
                payload,
            )

    def move(
        self, activity_id: int, *steps: tuple[str, str] | tuple[str, str, dict[str, Any]]
    ) -> None:
        """Several transitions: ``(username, action[, payload])`` each."""
        for step in steps:
            username, action = step[0], step[1]
            payload = step[2] if len(step) > 2 else {}
            self.act(username, activity_id, action, **payload)
