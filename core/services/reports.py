"""Progress reports on signed activities (issue 14): filing, editing while editable, reading,
listing, and moving them through the report workflow with the same engine as activities
(``core.services.transitions`` with subject ``REPORT``).

Who may: the activity's OPD operator (``opd_staff``) files and edits; the report's moves are the
report workflow's (Kepala OPD approves, the Pokja secretariat verifies). Whoever may see the
activity sees its reports; lists show the actor's own OPD's, or the province's for a
province-wide role (as activity lists do). Another province's report is 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, Table, and_, false, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import Actor
from core.deadlines import report_windows
from core.errors import Conflict, NotFound, RuleFailed, StaleVersion, Violation
from core.messages import msg
from core.models import Activity, Opd, Plan, ProgressReport, ReportAuditEntry, utcnow
from core.plugins import Registry
from core.policy import DRAFTER_ROLE, ensure_may_edit
from core.schemas import REPORT_FIELDS, ReportInputSchema
from core.services import report_periods
from core.services.common import Chain, append_audit, violations_from_marshmallow
from core.services.queries import get_activity
from core.services.transitions import transition
from core.services.transitions.actions import available_actions, available_actions_many
from core.services.transitions.subject import REPORT
from core.services.transitions.write import TransitionResult
from core.types import ReportingPeriod
from core.unit_of_work import unit_of_work
from core.workflow import StateKind, Workflow

NOT_FOUND = REPORT.texts.not_found
CHAIN: Chain = (cast(Table, ReportAuditEntry.__table__), "report_id", REPORT.code)

_create = ReportInputSchema()
_edit = ReportInputSchema(partial=True, exclude=("activity_id", "year", "period"))


def report_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition selecting the reports ``actor``'s lists show: the province's for a
    province-wide role, else the actor's OPDs' (a partner OPD reads one by its link, as it
    reads the activity)."""
    in_province = ProgressReport.province_id == actor.province_id
    if actor.province_wide:
        return in_province
    ids = actor.scoped_opd_ids
    return and_(in_province, ProgressReport.opd_id.in_(ids)) if ids else false()


def get_report(session: Session, actor: Actor, report_id: int) -> ProgressReport:
    """The report, if the actor may see its activity (404 otherwise)."""
    row = session.execute(
        select(ProgressReport, Activity)
        .join(Activity, Activity.id == ProgressReport.activity_id)
        .where(ProgressReport.id == report_id, Activity.discarded_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFound(NOT_FOUND)
    report, activity = row
    if not actor.can_see_activity(activity.province_id, activity.opd_id, activity.details or {}):
        raise NotFound(NOT_FOUND)
    return cast(ProgressReport, report)


def _load(payload: object, schema: ReportInputSchema) -> dict[str, Any]:
    try:
        return cast(dict[str, Any], schema.load(payload))  # type: ignore[arg-type]
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None


def _is_signed(workflow: Workflow, state: str) -> bool:
    return workflow.kind(state) is StateKind.APPROVED


def create_report(
    session: Session, registry: Registry, actor: Actor, payload: dict[str, Any]
) -> ProgressReport:
    """A draft report for a signed activity of the actor's OPD, for one period of one of its
    years: 404 an activity the actor may not see, 403 not its OPD's operator, 409 not signed
    or already reported for that period, 422 naming every failing field."""
    data = _load(payload, _create)
    activity = session.execute(
        select(Activity).where(Activity.id == data["activity_id"], Activity.discarded_at.is_(None))
    ).scalar_one_or_none()
    if activity is None or not actor.can_see_activity(
        activity.province_id, activity.opd_id, activity.details or {}
    ):
        raise NotFound("Kegiatan tidak ditemukan.")
    ensure_may_edit(actor, activity.opd_id)
    runtime = registry.get(actor.province_code)
    if not _is_signed(runtime.workflow_version(session, activity.workflow_version), activity.state):
        raise Conflict("Hanya kegiatan yang telah ditetapkan yang dilaporkan realisasinya.")
    plan = session.get(Plan, activity.plan_id)
    assert plan is not None  # a foreign key
    problems: list[Violation] = []
    years = {y.year for y in activity.years}
    year, code = data["year"], data["period"]
    if year not in years:
        listed = ", ".join(str(y) for y in sorted(years))
        text = msg(
            "Kegiatan ini tidak dianggarkan pada tahun {year} ({years}).", year=year, years=listed
        )
        problems.append(Violation("year_not_planned", text, "year"))
    declared = report_periods.periods(runtime, plan.code, year)
    if not any(p.code == code for p in declared):
        names = ", ".join(f"{p.code} ({p.label})" for p in declared) or "-"
        text = msg(
            "Periode '{period}' tidak dikenal; pilih salah satu: {periods}.",
            period=code,
            periods=names,
        )
        problems.append(Violation("period_unknown", text, "period"))
    if problems:
        raise RuleFailed(problems)
    exists = session.execute(
        select(ProgressReport.id).where(
            ProgressReport.activity_id == activity.id,
            ProgressReport.year == year,
            ProgressReport.period == code,
        )
    ).first()
    if exists is not None:
        raise Conflict(
            msg("Laporan periode ini sudah ada (nomor {id}).", id=exists[0]),
        )
    workflow = runtime.report_workflow
    now = utcnow()
    report = ProgressReport(
        activity_id=activity.id,
        province_id=activity.province_id,
        opd_id=activity.opd_id,
        plan_id=activity.plan_id,
        year=year,
        period=code,
        state=workflow.initial,
        revision_round=0,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
        state_changed_at=now,
        **{k: data[k] for k in REPORT_FIELDS},
    )
    with unit_of_work(session):
        report.workflow_version = runtime.register_current_workflow(session, workflow)
        session.add(report)
        session.flush()
        append_audit(
            session,
            tail=None,  # a new chain
            chain=CHAIN,
            activity_id=report.id,
            actor_id=actor.user_id,
            actor=actor.username,
            role=DRAFTER_ROLE,
            action="create",
            from_state=None,
            to_state=report.state,
            comment=None,
            payload={"activity_id": activity.id, "year": year, "period": code},
            at=now,
        )
    return report


def update_report(
    session: Session,
    registry: Registry,
    actor: Actor,
    report_id: int,
    expected_version: int,
    payload: dict[str, Any],
) -> ProgressReport:
    """Edit a report while its state is editable (a draft, or returned): 412 stale version,
    409 not editable, 403 not its OPD's operator, 422 naming every failing field."""
    report = get_report(session, actor, report_id)
    ensure_may_edit(actor, report.opd_id)
    if report.version != expected_version:
        raise StaleVersion("Laporan telah diubah orang lain; muat ulang lalu coba lagi.")
    runtime = registry.get(actor.province_code)
    workflow = runtime.workflow_version(session, report.workflow_version)
    state = workflow.state(report.state)
    if state is None or not state.editable:
        raise Conflict(
            msg(
                "Laporan berstatus '{state}' tidak dapat diubah.",
                state=workflow.label(report.state),
            )
        )
    changes = _load(payload, _edit)
    diff = {k: [getattr(report, k), v] for k, v in changes.items() if getattr(report, k) != v}
    if not diff:
        return report
    now = utcnow()
    try:
        with unit_of_work(session):
            for key, (_, value) in diff.items():
                setattr(report, key, value)
            report.updated_at = now
            session.flush()  # version_id_col: a concurrent edit raises StaleDataError here
            append_audit(
                session,
                chain=CHAIN,
                activity_id=report.id,
                actor_id=actor.user_id,
                actor=actor.username,
                role=DRAFTER_ROLE,
                action="edit",
                from_state=report.state,
                to_state=report.state,
                comment=None,
                payload={"changes": diff},
                at=now,
            )
    except StaleDataError:
        raise StaleVersion("Laporan telah diubah orang lain; muat ulang lalu coba lagi.") from None
    return report


def transition_report(
    session: Session,
    registry: Registry,
    actor: Actor,
    report_id: int,
    action: str,
    expected_version: int,
    payload: dict[str, Any] | None = None,
) -> TransitionResult:
    """Move a report along the report workflow: the engine's one write path, with the same
    status codes as an activity's transition."""
    return transition(
        session, registry, actor, report_id, action, expected_version, payload, subject=REPORT
    )


def report_actions(session: Session, registry: Registry, actor: Actor, report_id: int) -> list[str]:
    """The moves the actor could take on the report now."""
    return available_actions(session, registry, actor, report_id, REPORT)


def report_actions_many(
    session: Session, registry: Registry, actor: Actor, report_ids: Sequence[int]
) -> dict[int, list[str]]:
    """``report_actions`` for a page of reports in one query (ids the actor may not see are
    left out)."""
    return available_actions_many(session, registry, actor, report_ids, REPORT)


def report_history(session: Session, actor: Actor, report_id: int) -> Sequence[ReportAuditEntry]:
    """The report's audit chain, oldest first."""
    get_report(session, actor, report_id)
    return (
        session.execute(
            select(ReportAuditEntry)
            .where(ReportAuditEntry.report_id == report_id)
            .order_by(ReportAuditEntry.seq)
        )
        .scalars()
        .all()
    )


@dataclass(frozen=True)
class ReportFilter:
    year: int | None = None
    period: str | None = None
    state: str | None = None
    opd_id: int | None = None
    activity_id: int | None = None
    plan_id: int | None = None
    opd: str | None = None  # an OPD's code (the API's ``opd=``), of the actor's province


def list_reports(
    session: Session,
    actor: Actor,
    where: ReportFilter = ReportFilter(),
    *,
    limit: int = 50,
    before_id: int | None = None,
) -> Sequence[ProgressReport]:
    """The reports the actor's lists show, newest first (keyset on id: ``before_id``)."""
    r = ProgressReport
    stmt = (
        select(r)
        .join(Activity, Activity.id == r.activity_id)
        .where(report_scope(actor), Activity.discarded_at.is_(None))
    )
    for column, value in (
        (r.year, where.year),
        (r.period, where.period),
        (r.state, where.state),
        (r.opd_id, where.opd_id),
        (r.activity_id, where.activity_id),
        (r.plan_id, where.plan_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if where.opd is not None:
        stmt = stmt.where(
            r.opd_id.in_(
                select(Opd.id).where(Opd.code == where.opd, Opd.province_id == actor.province_id)
            )
        )
    if before_id is not None:
        stmt = stmt.where(r.id < before_id)
    return session.execute(stmt.order_by(r.id.desc()).limit(limit)).scalars().all()


@dataclass(frozen=True)
class Owed:
    """One report a signed activity owes: a period of one of its years, and the report filed
    for it (None: not filed yet)."""

    year: int
    period: ReportingPeriod
    report: ProgressReport | None


def owed_reports(
    session: Session, registry: Registry, actor: Actor, activity_id: int
) -> tuple[Activity, list[Owed]]:
    """Every period of every year of the activity, in order, with the report filed for it
    (404 an activity the actor may not see). An activity not signed owes none yet."""
    activity = get_activity(session, actor, activity_id)
    runtime = registry.get(actor.province_code)
    if not _is_signed(runtime.workflow_version(session, activity.workflow_version), activity.state):
        return activity, []
    plan = session.get(Plan, activity.plan_id)
    assert plan is not None  # a foreign key
    filed = {
        (r.year, r.period): r
        for r in session.execute(
            select(ProgressReport).where(ProgressReport.activity_id == activity.id)
        ).scalars()
    }
    years = sorted({y.year for y in activity.years})
    moved = report_windows(session, activity.province_id, years)  # the calendar's due dates
    return activity, [
        Owed(year, report_periods.effective(p, year, moved), filed.get((year, p.code)))
        for year in years
        for p in report_periods.periods(runtime, plan.code, year)
    ]
