"""Reminders and escalation for activities that wait too long at a stage.

Computed from database timestamps by a periodic job (never long ETA tasks in a broker, which
lose them on restart): an activity whose ``state_changed_at`` lies more than N working days
back (the province's ``reminder_days`` hook and ``working_calendar``, so national holidays and
cuti bersama do not count) gets a reminder to that stage's actors (``State.stage_role``); more
than 2N working days → an escalation to the province admin. Each (activity, stage, revision
round, level) is sent once: the ``reminders`` row and the outbox rows are written in one
transaction, and the row's unique constraint turns a second run, or a concurrent one, into a
no-op.

Working days are counted after the day the activity arrived up to today, both days in the
province's zone (``ProvinceInfo.timezone``: a day ends at local midnight): an activity that
arrived on Monday has waited 5 working days on the next Monday (no holidays), and is reminded
(more than 5) from Tuesday.

Where the planning calendar gives the stage a deadline (``core.deadlines.window_of``: the
window of the activity's first budget year that the state's kind works toward), reminders count
toward it too: the reminder goes out once N working days or fewer are left (or after N working
days of waiting, whichever comes first), the escalation once the deadline has passed (or after
2N). Both carry the deadline. A year without a calendar is reminded as before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.deadlines import Deadline, deadline, province_windows, window_of
from core.models import Activity, ActivityYear, Opd, Province, utcnow
from core.notifications import recipients, report_reminders
from core.notifications.pending import note_written
from core.notifications.store import reminders_t
from core.plugins import ProvinceRuntime, Registry
from core.timezones import local_date
from core.types import ActivityView
from core.unit_of_work import unit_of_work
from core.workflow import StateKind

REMINDER, ESCALATION = "reminder", "escalation"
ESCALATION_ROLE = "admin"


@dataclass(frozen=True)
class Due:
    """One reminder or escalation to send."""

    activity_id: int
    province: str
    province_id: int
    opd_id: int
    opd: str
    title: str
    stage: str
    stage_label: str
    stage_role: str
    revision_round: int
    level: str
    since: dt.date
    working_days: int
    limit: int
    pending: tuple[int, ...] | None = None  # at a gate: the users of the undecided parties
    deadline: Deadline | None = None  # the planning calendar's, when the year has one


_FIRST_YEAR = (
    select(func.min(ActivityYear.year))
    .where(ActivityYear.activity_id == Activity.id)
    .correlate(Activity)
    .scalar_subquery()
)


def _waiting(
    session: Session, runtime: ProvinceRuntime, now: dt.datetime, *, with_deadlines: bool
) -> list[Any]:
    # A draft is nobody's pending work yet; every other non-final stage with a role waits on it.
    not_waiting = [s.code for s in runtime.workflow.states if s.final]
    not_waiting += runtime.workflow.codes(StateKind.DRAFTING)
    # N working days are at least N calendar days, so this bound only drops rows that cannot
    # be due; the exact count runs in Python on the survivors. A deadline can make a newcomer
    # due, so a province with a calendar has every waiting row counted.
    cutoff = now if with_deadlines else now - dt.timedelta(days=runtime.reminder_days)
    return list(
        session.execute(
            select(
                Activity.id,
                Activity.province_id,
                Activity.opd_id,
                Activity.title,
                Activity.state,
                Activity.workflow_version,
                Activity.revision_round,
                Activity.state_changed_at,
                Activity.details,
                Opd.code.label("opd"),
                _FIRST_YEAR.label("first_year"),
            )
            .join(Opd, Opd.id == Activity.opd_id)
            .join(Province, Province.id == Activity.province_id)
            .where(
                Province.code == runtime.code,
                Activity.state.not_in(not_waiting),
                Activity.state_changed_at <= cutoff,
            )
            .order_by(Activity.id)
        )
    )


def _already_sent(session: Session, activity_ids: list[int]) -> set[tuple[int, str, int, str]]:
    if not activity_ids:
        return set()
    rows = session.execute(
        select(
            reminders_t.c.activity_id,
            reminders_t.c.stage,
            reminders_t.c.revision_round,
            reminders_t.c.level,
        ).where(reminders_t.c.activity_id.in_(activity_ids))
    )
    return {(r[0], r[1], r[2], r[3]) for r in rows}


def due(session: Session, registry: Registry, now: dt.datetime | None = None) -> list[Due]:
    """Reminders and escalations not yet sent, as of ``now`` (UTC)."""
    now = now or utcnow()
    out: list[Due] = []
    for runtime in registry:
        n = runtime.reminder_days
        zone = runtime.info.timezone
        windows = _windows(session, runtime.code)
        today = local_date(now, zone)
        rows = _waiting(session, runtime, now, with_deadlines=bool(windows))
        sent = _already_sent(session, [r.id for r in rows])
        for r in rows:
            state = runtime.workflow_version(session, r.workflow_version).state(r.state)
            if state is None or state.final or state.kind is StateKind.DRAFTING:
                continue
            if not state.stage_role and state.gate is None:
                continue
            pending = _pending(session, runtime, r, state.code) if state.gate else None
            since = local_date(r.state_changed_at, zone)
            days = runtime.calendar.working_days_since(r.state_changed_at, now, zone)
            window = window_of(windows, r.first_year, state.kind) if r.first_year else None
            limit_at = deadline(window, runtime.calendar, today) if window else None
            for level, limit in ((REMINDER, n), (ESCALATION, 2 * n)):
                if (r.id, r.state, r.revision_round, level) in sent:
                    continue
                if days <= limit and not _near(limit_at, level, n):
                    continue
                out.append(
                    Due(
                        activity_id=r.id,
                        province=runtime.code,
                        province_id=r.province_id,
                        opd_id=r.opd_id,
                        opd=r.opd,
                        title=r.title,
                        stage=r.state,
                        stage_label=state.label,
                        stage_role=state.stage_role or "",
                        revision_round=r.revision_round,
                        level=level,
                        since=since,
                        working_days=days,
                        limit=limit,
                        pending=pending,
                        deadline=limit_at,
                    )
                )
    return out


def _windows(session: Session, province: str) -> dict[Any, Any]:
    province_id = session.execute(select(Province.id).where(Province.code == province)).scalar()
    return province_windows(session, province_id) if province_id is not None else {}


def _near(limit_at: Deadline | None, level: str, n: int) -> bool:
    """Whether the deadline alone makes ``level`` due: a reminder once N working days or fewer
    are left, an escalation once it has passed."""
    if limit_at is None:
        return False
    if level == ESCALATION:
        return limit_at.passed
    return limit_at.passed or limit_at.days_left <= n


def _pending(session: Session, runtime: ProvinceRuntime, row: Any, stage: str) -> tuple[int, ...]:
    """At a gate, only the parties that have not decided are reminded (each by its users)."""
    from core.services.transitions import gates  # the engine's; it imports notifications

    view = ActivityView(
        id=row.id,
        province=runtime.code,
        plan_id=0,
        opd=row.opd,
        title=row.title,
        pillar="",
        details=row.details or {},
        years=(),
        state=stage,
        revision_round=row.revision_round,
        submitted_by_id=None,
        plan_start_year=0,
        plan_end_year=0,
    )
    return tuple(
        gates.pending_user_ids(
            session,
            runtime.workflow_version(session, row.workflow_version),
            activity_id=row.id,
            province_id=row.province_id,
            state=stage,
            revision_round=row.revision_round,
            activity=view,
        )
    )


def _recipients(session: Session, item: Due, opd_roles: frozenset[str]) -> list[int]:
    if item.pending is not None and item.level == REMINDER:
        return list(item.pending)
    role = ESCALATION_ROLE if item.level == ESCALATION else item.stage_role
    return recipients.role_holders(
        session,
        [role],
        opd=item.opd,
        opd_id=item.opd_id,
        province_id=item.province_id,
        opd_roles=opd_roles,
    )


def _record(session: Session, item: Due, user_ids: list[int], now: dt.datetime) -> list[int]:
    """The reminders row and its outbox rows; nothing if another run recorded it first."""
    payload = {
        "activity_id": item.activity_id,
        "title": item.title,
        "opd": item.opd,
        "stage": item.stage,
        "revision_round": item.revision_round,
        "stage_label": item.stage_label,
        "since": item.since.isoformat(),
        "working_days": item.working_days,
        "limit": item.limit,
    }
    if item.deadline is not None:
        payload["deadline"] = item.deadline.ends_on.isoformat()
        payload["days_left"] = item.deadline.days_left
        payload["deadline_passed"] = item.deadline.passed
    batch = recipients.OutboxBatch(
        kind=item.level,
        key_prefix=f"r:{item.activity_id}:{item.stage}:{item.revision_round}:{item.level}:",
        activity_id=item.activity_id,
        payload=payload,
        created_at=now,
    )
    key = {
        "activity_id": item.activity_id,
        "stage": item.stage,
        "revision_round": item.revision_round,
        "level": item.level,
    }
    return recipients.record_once(session, reminders_t, key, batch, user_ids)


def send_reminders(
    session: Session, registry: Registry, now: dt.datetime | None = None
) -> list[int]:
    """Write what is due, the activities' and the progress reports'
    (``core.notifications.report_reminders``), in one transaction, committed, and return the
    new outbox ids; the commit publishes them, as a transition's."""
    now = now or utcnow()
    outbox_ids: list[int] = []
    with unit_of_work(session):
        for item in due(session, registry, now):
            user_ids = _recipients(session, item, registry.get(item.province).opd_roles)
            # Nobody to tell (e.g. no admin yet): record nothing, so a later run still can.
            if user_ids:
                outbox_ids += _record(session, item, user_ids, now)
        outbox_ids += report_reminders.write(session, registry, now)
        note_written(session, outbox_ids)
    return outbox_ids
