"""Helpers for testing Sepakat and province plugins against a real engine (as ``pytester``
serves pytest plugin authors): a database with the demo data, actors by username, a valid
activity payload, ``move`` (by named users) and ``walk`` (users found by role) along the route.

Public through ``core.plugin.testing``: a province package's tests use ``harness_for`` or its
fixtures (``pytest_plugins = ["core.plugin.testing"]``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, create_engine, delete, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from core import security
from core.access import Actor, load_actor
from core.audit import Break, iter_breaks
from core.database import sqlite_foreign_keys
from core.models import (
    ActingAppointment,
    Activity,
    ActivityYear,
    AdminAuditEntry,
    Attachment,
    AuditEntry,
    Base,
    Ceiling,
    Clarification,
    GateDecision,
    Notification,
    Opd,
    OutboxMessage,
    PasswordReset,
    Plan,
    PlanningWindow,
    ProgressReport,
    Province,
    Reminder,
    ReportAuditEntry,
    ReportReminder,
    RoleAssignment,
    Signoff,
    SignoffActivity,
    User,
)
from core.plugins import ProvinceRuntime, Registry
from core.seed import seed_demo
from core.services import create_activity, transition
from core.services.reports import create_report, transition_report
from core.services.transitions import TransitionResult
from core.workflow import Transition

# Rows a test creates; everything else (provinces, users, pagu) is seeded once per session.
TRANSACTIONAL = (
    ActingAppointment,  # an appointment grants roles: one left behind would change later tests
    AdminAuditEntry,
    PasswordReset,
    PlanningWindow,
    Notification,
    Reminder,
    ReportReminder,
    OutboxMessage,
    AuditEntry,
    ReportAuditEntry,
    Attachment,
    ProgressReport,  # after what refers to it: notifications, attachments, its chain
    SignoffActivity,
    Signoff,
    GateDecision,
    Clarification,
    ActivityYear,
    Activity,
)


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
    """Remove what tests created, give every pagu back and forget the languages users chose
    (a test that reads the pages in English must not leave its user reading English)."""
    with factory() as session:
        for model in TRANSACTIONAL:
            session.execute(delete(cast(Table, model.__table__)))
        session.execute(update(cast(Table, Ceiling.__table__)).values(confirmed=0))
        users = cast(Table, User.__table__)
        session.execute(update(users).where(users.c.language.is_not(None)).values(language=None))
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
        """The user as the engine sees them, with the OPD-scoped roles of *their* province."""
        with self.factory() as s:
            user_id, province = s.execute(
                select(User.id, Province.code)
                .join(Province, Province.id == User.province_id)
                .where(User.username == username)
            ).one()
            opd_roles = self.registry.get(province).opd_roles if province in self.registry else None
            return load_actor(s, user_id, opd_roles) if opd_roles else load_actor(s, user_id)

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

    # --- The plugin author's kit: walk a route without naming users, build valid payloads. ---

    @property
    def runtime(self) -> ProvinceRuntime:
        return self.registry.get(self.province)

    @contextmanager
    def plugged(self, plugin: object) -> Iterator[None]:
        """``plugin`` (an object with ``@hookimpl`` methods) joins this province's hooks for the
        ``with`` block: a test adds a rule, a recipient or a wrapper without a package."""
        pm = self.runtime.pm
        pm.register(plugin)
        try:
            yield
        finally:
            pm.unregister(plugin)

    def user_for(self, role: str, opd: str | None = None, *, not_user_id: int | None = None) -> str:
        """A username holding ``role`` in this province (for ``opd`` when the role is
        OPD-scoped), other than ``not_user_id`` (the four-eyes rule)."""
        scoped = role in self.runtime.opd_roles
        stmt = (
            select(User.username)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .join(Province, Province.id == User.province_id)
            .outerjoin(Opd, Opd.id == RoleAssignment.opd_id)
            .where(Province.code == self.province, RoleAssignment.role == role)
            .order_by(User.id)
        )
        if scoped:
            stmt = stmt.where(Opd.code == opd)
        if not_user_id is not None:
            stmt = stmt.where(User.id != not_user_id)
        with self.factory() as s:
            found = s.execute(stmt).scalars().first()
        if found is None:
            where = f" di OPD {opd}" if scoped else ""
            raise LookupError(f"tidak ada pengguna dengan peran {role}{where} di {self.province}")
        return found

    def walk(self, activity_id: int, *actions: str, **payload: Any) -> list[TransitionResult]:
        """Take ``actions`` in order, each by a user who may (found by role); ``payload`` is
        sent with every step (e.g. ``comment=``, ``decree_number=``)."""
        results: list[TransitionResult] = []
        for action in actions:
            with self.factory() as s:
                row = s.execute(
                    select(Activity, Opd.code)
                    .join(Opd, Opd.id == Activity.opd_id)
                    .where(Activity.id == activity_id)
                ).one()
                activity, opd = row[0], row[1]
                workflow = self.runtime.workflow_version(s, activity.workflow_version)
                submitter = activity.submitted_by_id
                candidates = workflow.candidates(activity.state, action)
            username = self._taker(candidates, activity.state, action, opd, submitter)
            results.append(self.act(username, activity_id, action, **payload))
        return results

    def _taker(
        self,
        candidates: tuple[Transition, ...],
        state: str,
        action: str,
        opd: str,
        submitter: int | None,
    ) -> str:
        """A user who may take ``action`` (the first candidate's first role; not the submitter
        when four eyes hold)."""
        if not candidates:
            raise LookupError(f"aksi {action} tidak ada dari status {state}")
        t = candidates[0]
        return self.user_for(t.roles[0], opd, not_user_id=submitter if t.four_eyes else None)

    # --- Progress reports: the second workflow type, through the same engine. ---

    def file_report(
        self, username: str, activity_id: int, year: int, period: str, **fields: Any
    ) -> ProgressReport:
        """A draft report on a signed activity (``fields``: output, budget, kendala...)."""
        payload = {"activity_id": activity_id, "year": year, "period": period, **fields}
        with self.factory() as s:
            return create_report(s, self.registry, self.actor(username), payload)

    def report(self, report_id: int) -> ProgressReport:
        with self.factory() as s:
            found = s.get(ProgressReport, report_id)
            if found is None:
                raise LookupError(f"laporan {report_id} tidak ada")
            return found

    def report_act(
        self, username: str, report_id: int, action: str, **payload: Any
    ) -> TransitionResult:
        """One move of a report by ``username`` at its current version."""
        version = self.report(report_id).version
        with self.factory() as s:
            return transition_report(
                s, self.registry, self.actor(username), report_id, action, version, payload
            )

    def report_walk(self, report_id: int, *actions: str, **payload: Any) -> list[TransitionResult]:
        """``walk`` for a report: each move by a user who may take it."""
        results: list[TransitionResult] = []
        for action in actions:
            with self.factory() as s:
                report, opd = s.execute(
                    select(ProgressReport, Opd.code)
                    .join(Opd, Opd.id == ProgressReport.opd_id)
                    .where(ProgressReport.id == report_id)
                ).one()
                workflow = self.runtime.workflow_version(s, report.workflow_version)
                candidates = workflow.candidates(report.state, action)
            username = self._taker(candidates, report.state, action, opd, report.submitted_by_id)
            results.append(self.report_act(username, report_id, action, **payload))
        return results

    def demo_payload(self, index: int = 0, **overrides: Any) -> dict[str, Any]:
        """A valid payload from the plugin's ``demo_data`` activity ``index``."""
        demo = self.runtime.pm.hook.demo_data()
        if demo is None or not demo.activities:
            raise LookupError(f"{self.province} tidak memiliki kegiatan demo")
        da = demo.activities[index]
        payload: dict[str, Any] = {
            "plan_id": self.plan_id(),
            "title": da.title,
            "description": da.description,
            "pillar": da.pillar,
            "years": [{"year": y, "target": t, "proposed_budget": b} for (y, t, b) in da.years],
            "details": dict(da.details),
        }
        payload.update(overrides)
        return payload

    def notified(self, activity_id: int, action: str | None = None) -> list[str]:
        """Usernames told of the activity's transitions (of ``action`` only, when given), read
        from the outbox the transition wrote in its own transaction: what
        ``notification_recipients`` decided, whether or not a worker delivered it yet."""
        with self.factory() as s:
            rows = s.execute(
                select(User.username, OutboxMessage.payload)
                .join(OutboxMessage, OutboxMessage.recipient_id == User.id)
                .where(OutboxMessage.activity_id == activity_id, OutboxMessage.kind == "transition")
            ).all()
        return sorted({u for u, p in rows if action is None or (p or {}).get("action") == action})

    def audit_breaks(self) -> list[Break]:
        """Broken links of every audit chain (empty when the trail is intact)."""
        with self.factory() as s:
            return list(iter_breaks(s))


def harness_for(plugin: object, url: str) -> Harness:
    """A seeded engine on ``url`` (emptied first) whose registry holds only ``plugin``: what a
    plugin package's own tests need. See ``core.pytest_plugin`` for the pytest fixtures."""
    registry = Registry([plugin])
    factory = seeded(fresh_engine(url), registry)
    (runtime,) = registry
    return Harness(factory, registry, province=runtime.code)
