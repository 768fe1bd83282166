"""Reminders, overdue notices and escalation for progress reports (issue 14).

A signed activity (a state of kind ``approved``) owes one report per reporting period of each
of its years (the province's ``reporting_periods`` hook), due on the period's due date, or on
the day the planning calendar moved it to (``core.services.report_periods.effective``). While
that report is not submitted (none filed, or one still being drafted or returned: a state of
kind ``drafting`` or ``returned``), counted in working days of the province's zone
(``runtime.calendar``: weekends, national holidays and cuti bersama do not count) with
N = ``runtime.reminder_days`` (Lampung: 5):

- ``reminder``: once N working days or fewer are left (the due day included, as the planning
  calendar counts ``days_left``), to the OPD's operators;
- ``overdue``: from the first working day after the due date, to the operators and the Kepala
  OPD;
- ``escalation``: once more than N working days have passed, to the Pokja secretariat
  (``POKJA_ROLE``), naming the OPD.

A submitted report that waits at a review stage (a state of kind ``review``) more than N
working days reminds that stage's role (``State.stage_role``), as an activity's stage does.

Who "operators" and "Kepala OPD" are is read from the report workflow, never named: the role of
its drafting state, and the role of the stage its submitting move (``records_submitter``) leads
to. Each reminder is written once: a ``report_reminders`` row (activity, year, period, stage,
revision round, level; the stage ``due`` for the three about the due date) and its outbox rows
in the caller's transaction, the row's unique key turning a second run into a no-op. A due-date
item in the inbox asks for the report; each run marks done those whose report has since been
submitted (``close_submitted``: a transition closes only the items of the stage it leaves).

Due dates more than ``OVERDUE_HORIZON_DAYS`` past are no longer reminded of: a province that
starts Sepakat in a plan's third year would otherwise tell every OPD and the Pokja at once of
every period since the plan began. Those reports stay on the monitoring's missing list
(``core.services.monitoring``) for as long as they are missing.

Nothing is written on a day that is not a working day in the province's zone: an overdue notice
on a Saturday would reach the OPD no sooner, and a reminder that "3 working days are left" read
on Monday would already be wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, literal, select, update
from sqlalchemy.orm import Session

from core.deadlines import report_windows, standing
from core.models import (
    Activity,
    ActivityYear,
    Notification,
    Opd,
    Plan,
    ProgressReport,
    Province,
)
from core.notifications import recipients
from core.notifications.store import report_reminders_t
from core.plugins import ProvinceRuntime, Registry
from core.services import report_periods
from core.timezones import local_date
from core.types import ReportingPeriod
from core.workflow import POKJA_ROLE, StateKind, Workflow

KIND = "report_reminder"  # the outbox kind (core.notifications.text words it)
DUE_STAGE = "due"  # the stage of the reminders about the due date (no report state yet)
REMINDER, OVERDUE, ESCALATION = "reminder", "overdue", "escalation"
# Beyond a quarter late, the overdue notice and escalation have long been sent, or the period
# predates the province's use of Sepakat (module docstring).
OVERDUE_HORIZON_DAYS = 92
# A report not submitted yet: nobody but its OPD waits on it.
OPEN_KINDS = (StateKind.DRAFTING, StateKind.RETURNED)


@dataclass(frozen=True)
class ReportDue:
    """One report reminder to send."""

    province: str
    province_id: int
    activity_id: int
    opd_id: int
    opd: str
    title: str
    registration_number: str | None
    year: int
    period: ReportingPeriod  # with the due date that counts
    stage: str  # DUE_STAGE, or the report's state
    revision_round: int
    level: str
    roles: tuple[str, ...]
    report_id: int | None
    days_left: int = 0
    overdue: int = 0
    stage_label: str = ""
    since: dt.date | None = None
    working_days: int = 0
    limit: int = 0
    open_states: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Roles:
    """Who the report workflow says drafts a report and who first reviews it."""

    operators: tuple[str, ...]
    head: tuple[str, ...]


def _roles(workflow: Workflow) -> _Roles:
    drafting = [s for s in workflow.states if s.kind is StateKind.DRAFTING and s.stage_role]
    operators = tuple(dict.fromkeys(s.stage_role or "" for s in drafting))
    first_review = {
        t.target
        for t in workflow.transitions
        if t.records_submitter and t.source in (s.code for s in drafting)
    }
    head = tuple(
        dict.fromkeys(
            s.stage_role or "" for s in workflow.states if s.code in first_review and s.stage_role
        )
    )
    return _Roles(operators, head)


def _signed(session: Session, runtime: ProvinceRuntime) -> list[Any]:
    return list(
        session.execute(
            select(
                Activity.id,
                Activity.province_id,
                Activity.opd_id,
                Activity.title,
                Activity.registration_number,
                Activity.state,
                Activity.workflow_version,
                Opd.code.label("opd"),
                Plan.code.label("plan"),
            )
            .join(Opd, Opd.id == Activity.opd_id)
            .join(Plan, Plan.id == Activity.plan_id)
            .join(Province, Province.id == Activity.province_id)
            .where(
                Province.code == runtime.code,
                Activity.state.in_(runtime.workflow.codes(StateKind.APPROVED)),
                Activity.discarded_at.is_(None),
            )
            .order_by(Activity.id)
        )
    )


def _by_activity(session: Session, ids: list[int]) -> tuple[dict[int, list[int]], dict[Any, Any]]:
    """Each activity's years, and its reports by (activity, year, period)."""
    years: dict[int, list[int]] = defaultdict(list)
    reports: dict[tuple[int, int, str], Any] = {}
    if not ids:
        return years, reports
    for aid, year in session.execute(
        select(ActivityYear.activity_id, ActivityYear.year)
        .where(ActivityYear.activity_id.in_(ids))
        .order_by(ActivityYear.activity_id, ActivityYear.year)
    ):
        years[aid].append(year)
    r = ProgressReport
    for row in session.execute(
        select(
            r.id,
            r.activity_id,
            r.year,
            r.period,
            r.state,
            r.workflow_version,
            r.revision_round,
            r.state_changed_at,
        ).where(r.activity_id.in_(ids))
    ):
        reports[(row.activity_id, row.year, row.period)] = row
    return years, reports


def _already_sent(session: Session, ids: list[int]) -> set[tuple[Any, ...]]:
    if not ids:
        return set()
    t = report_reminders_t
    rows = session.execute(
        select(
            t.c.activity_id, t.c.year, t.c.period, t.c.stage, t.c.revision_round, t.c.level
        ).where(t.c.activity_id.in_(ids))
    )
    return {tuple(r) for r in rows}


def due(session: Session, registry: Registry, now: dt.datetime) -> list[ReportDue]:
    """The report reminders not yet sent, as of ``now`` (UTC)."""
    out: list[ReportDue] = []
    for runtime in registry:
        zone, calendar = runtime.info.timezone, runtime.calendar
        today = local_date(now, zone)
        if not calendar.is_working_day(today):
            continue
        rows = _signed(session, runtime)
        if not rows:
            continue
        ids = [r.id for r in rows]
        years, reports = _by_activity(session, ids)
        sent = _already_sent(session, ids)
        overrides = report_windows(session, rows[0].province_id)
        n = runtime.reminder_days
        roles = _roles(runtime.report_workflow)
        open_states = runtime.report_workflow.codes(*OPEN_KINDS)
        for a in rows:
            signed = runtime.workflow_version(session, a.workflow_version).kind(a.state)
            if signed is not StateKind.APPROVED:
                continue
            for year in years[a.id]:
                for declared in report_periods.periods(runtime, a.plan, year):
                    p = report_periods.effective(declared, year, overrides)
                    base = {
                        "province": runtime.code,
                        "province_id": a.province_id,
                        "activity_id": a.id,
                        "opd_id": a.opd_id,
                        "opd": a.opd,
                        "title": a.title,
                        "registration_number": a.registration_number,
                        "year": year,
                        "period": p,
                    }
                    report = reports.get((a.id, year, p.code))
                    kind = None
                    if report is not None:
                        wf = runtime.workflow_version(session, report.workflow_version)
                        kind = wf.kind(report.state)
                    if report is None or kind in OPEN_KINDS:
                        if (today - p.due_on).days > OVERDUE_HORIZON_DAYS:
                            continue
                        passed, left, late = standing(p.due_on, calendar, today)
                        for level, roles_of in _due_levels(passed, left, late, n, roles):
                            if (a.id, year, p.code, DUE_STAGE, 0, level) in sent:
                                continue
                            out.append(
                                ReportDue(
                                    **base,
                                    stage=DUE_STAGE,
                                    revision_round=0,
                                    level=level,
                                    roles=roles_of,
                                    report_id=report.id if report is not None else None,
                                    days_left=left,
                                    overdue=late,
                                    limit=n,
                                    open_states=open_states,
                                )
                            )
                    elif kind is StateKind.REVIEW:
                        item = _waiting(session, runtime, report, now, base)
                        key = (a.id, year, p.code, report.state, report.revision_round, REMINDER)
                        if item is not None and key not in sent:
                            out.append(item)
    return out


def _due_levels(
    passed: bool, left: int, late: int, n: int, roles: _Roles
) -> list[tuple[str, tuple[str, ...]]]:
    """Which of the due date's reminders hold today, each with the roles it tells."""
    if not passed:
        return [(REMINDER, roles.operators)] if left <= n else []
    out = [(OVERDUE, roles.operators + roles.head)] if late >= 1 else []
    if late > n:
        out.append((ESCALATION, (POKJA_ROLE,)))
    return out


def _waiting(
    session: Session, runtime: ProvinceRuntime, report: Any, now: dt.datetime, base: dict[str, Any]
) -> ReportDue | None:
    """A report at a review stage for more than N working days: its stage's reminder."""
    zone, n = runtime.info.timezone, runtime.reminder_days
    days = runtime.calendar.working_days_since(report.state_changed_at, now, zone)
    state = runtime.workflow_version(session, report.workflow_version).state(report.state)
    if days <= n or state is None or not state.stage_role:
        return None
    return ReportDue(
        **base,
        stage=report.state,
        revision_round=report.revision_round,
        level=REMINDER,
        roles=(state.stage_role,),
        report_id=report.id,
        stage_label=state.label,
        since=local_date(report.state_changed_at, zone),
        working_days=days,
        limit=n,
    )


def payload(item: ReportDue) -> dict[str, Any]:
    """What the notice is worded from (``core.notifications.text``): the facts as of now."""
    p = item.period
    out: dict[str, Any] = {
        "subject": "report",
        "activity_id": item.activity_id,
        "title": item.title,
        "registration_number": item.registration_number,
        "opd": item.opd,
        "year": item.year,
        "period": p.code,
        "period_label": p.label,
        "due_on": p.due_on.isoformat(),
        "level": item.level,
        "stage": item.stage,
        "revision_round": item.revision_round,
        "limit": item.limit,
    }
    if item.report_id is not None:
        out["report_id"] = item.report_id
    if item.stage == DUE_STAGE:
        # Delivery closes the inbox item once the report has left these states.
        out |= {"days_left": item.days_left, "overdue": item.overdue}
        out["open_states"] = list(item.open_states)
    else:
        out |= {
            "stage_label": item.stage_label,
            "since": item.since.isoformat() if item.since else None,
            "working_days": item.working_days,
        }
    return out


def _key_prefix(activity_id: int, year: int, period: str) -> str:
    """Every outbox (and inbox) key of one report's reminders starts so."""
    return f"rr:{activity_id}:{year}:{period}:"


def close_submitted(session: Session, registry: Registry, now: dt.datetime) -> int:
    """Mark done the due-date items whose report has since been submitted; returns how many.
    A transition closes the items of the stage it leaves, and a due-date item has no stage of
    the report's to leave, so the job closes them on its next run."""
    n = Notification
    open_items = session.execute(
        select(n.id, n.key, ProgressReport.state, ProgressReport.workflow_version, Province.code)
        .join(Activity, Activity.id == n.activity_id)
        .join(Province, Province.id == Activity.province_id)
        .join(
            ProgressReport,
            (ProgressReport.activity_id == n.activity_id)
            & n.key.startswith(
                literal("rr:")
                + cast(ProgressReport.activity_id, String)
                + ":"
                + cast(ProgressReport.year, String)
                + ":"
                + ProgressReport.period
                + ":"
                + DUE_STAGE
                + ":"
            ),
        )
        .where(n.stage == DUE_STAGE, n.done_at.is_(None))
    ).all()
    done = [
        row.id
        for row in open_items
        if registry.get(row.code).workflow_version(session, row.workflow_version).kind(row.state)
        not in OPEN_KINDS
    ]
    if done:
        session.execute(update(n).where(n.id.in_(done)).values(done_at=now))
    return len(done)


def write(session: Session, registry: Registry, now: dt.datetime) -> list[int]:
    """Write what is due in the caller's transaction (``send_reminders``'s) and return the new
    outbox ids. Nobody to tell (no Pokja account yet): nothing is recorded, so a later run can."""
    close_submitted(session, registry, now)
    outbox_ids: list[int] = []
    for item in due(session, registry, now):
        if not item.roles:  # a province's report workflow without such a role
            continue
        user_ids = recipients.role_holders(
            session,
            item.roles,
            opd=item.opd,
            opd_id=item.opd_id,
            province_id=item.province_id,
            opd_roles=registry.get(item.province).opd_roles,
        )
        if not user_ids:
            continue
        key = {
            "activity_id": item.activity_id,
            "year": item.year,
            "period": item.period.code,
            "stage": item.stage,
            "revision_round": item.revision_round,
            "level": item.level,
        }
        batch = recipients.OutboxBatch(
            kind=KIND,
            key_prefix=_key_prefix(item.activity_id, item.year, item.period.code)
            + "{stage}:{revision_round}:{level}:".format(**key),
            activity_id=item.activity_id,
            payload=payload(item),
            created_at=now,
        )
        outbox_ids += recipients.record_once(session, report_reminders_t, key, batch, user_ids)
    return outbox_ids
