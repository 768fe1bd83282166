"""Reading what a transition moves, as it sees it, in one round trip: an activity with its OPD,
province and plan period, each year (one row per year) with the OPD's pagu for that year, and
the tail of its audit chain; or a progress report with the same of its activity and the tail of
the report's own chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core import driver_sql
from core.models import Activity, AuditEntry, Opd, Plan, ProgressReport, Province, ReportAuditEntry
from core.services.common import snapshot
from core.services.pagu_booking import ceilings_t, years_t
from core.types import ActivityView, ReportView


@dataclass(frozen=True)
class Loaded:
    """The activity as the transition sees it (plain values, no ORM identity)."""

    id: int
    province_id: int
    opd_id: int
    version: int
    state: str
    workflow_version: str
    submitted_by_id: int | None
    revision_round: int
    view: ActivityView
    years: list[dict[str, Any]]
    pagu: dict[int, tuple[int, int]]  # year → (the OPD's pagu, confirmed against it so far)
    tail: tuple[int, str] | None  # (seq, hash) of the last audit entry
    registration_number: str | None = None  # what notices call it by (``LPG-2023-0042``)
    description: str | None = None
    decree_number: str | None = None
    decree_date: dt.date | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    # A progress report (the second workflow type): then ``id``, the state, version, chain and
    # submitter above are the report's and ``view`` is its activity's.
    report: ReportView | None = None
    plan_code: str | None = None  # read with a report: its periods are the plan's

    @property
    def subject_view(self) -> ActivityView | ReportView:
        """What rules, conditions and recipients see of what moves."""
        return self.report if self.report is not None else self.view

    @property
    def activity_id(self) -> int:
        """The activity moved, or reported on."""
        assert self.view.id is not None  # loaded rows always have one
        return self.view.id


def _tail_of(column: Any, key: Any = AuditEntry.activity_id, subject: Any = Activity.id) -> Any:
    """The newest chain entry's ``column`` for the subject (an activity's chain unless ``key``
    and ``subject`` name another's): an index lookup on (key, seq) on both databases."""
    seq = column.table.c.seq
    return select(column).where(key == subject).order_by(seq.desc()).limit(1).scalar_subquery()


def _grouped(rows: Sequence[Any], key: str) -> list[list[Any]]:
    """Rows of several subjects (ordered by subject, then year), one list per subject."""
    groups: dict[int, list[Any]] = {}
    for r in rows:
        groups.setdefault(getattr(r, key), []).append(r)
    return list(groups.values())


# Built once: the hot path only binds parameters. The tail read here stays valid for the write:
# every audit append also bumps ``version``, and the write is guarded by that version.
_BASE = (
    select(
        Activity.id,
        Activity.province_id,
        Activity.opd_id,
        Activity.version,
        Activity.state,
        Activity.workflow_version,
        Activity.submitted_by_id,
        Activity.revision_round,
        Activity.plan_id,
        Activity.title,
        Activity.description,  # for the seal a signing move writes (core.services.seals)
        Activity.registration_number,
        Activity.pillar,
        Activity.details,
        # What the API answers with besides (``activity_and_actions``: one read for both).
        Activity.decree_number,
        Activity.decree_date,
        Activity.created_at,
        Activity.updated_at,
        Opd.code.label("opd_code"),
        Province.code.label("province_code"),
        Plan.start_year,
        Plan.end_year,
        years_t.c.year,
        years_t.c.target,
        years_t.c.proposed_budget,
        years_t.c.confirmed_budget,
        # Read with the activity, so a confirmation costs no extra round trip; the booking
        # re-checks the pagu under the ceiling row's lock (core.services.pagu_booking.book).
        ceilings_t.c.amount.label("pagu_amount"),
        ceilings_t.c.confirmed.label("pagu_confirmed"),
        _tail_of(AuditEntry.seq).label("tail_seq"),
        _tail_of(AuditEntry.hash).label("tail_hash"),
    )
    .join(Opd, Opd.id == Activity.opd_id)
    .join(Province, Province.id == Activity.province_id)
    .join(Plan, Plan.id == Activity.plan_id)
    .outerjoin(years_t, years_t.c.activity_id == Activity.id)
    .outerjoin(
        ceilings_t,
        (ceilings_t.c.opd_id == Activity.opd_id) & (ceilings_t.c.year == years_t.c.year),
    )
    .order_by(Activity.id, years_t.c.year)
)
_BASE = _BASE.where(Activity.discarded_at.is_(None))  # a discarded draft moves no more
_ONE = _BASE.where(Activity.id == bindparam("activity_id"))
_MANY = _BASE.where(Activity.id.in_(bindparam("ids", expanding=True)))


def load(session: Session, activity_id: int) -> Loaded | None:
    rows = driver_sql.execute(
        driver_sql.connection(session), _ONE, {"activity_id": activity_id}
    ).rows
    return _from_rows(rows) if rows else None


def load_many(session: Session, ids: Sequence[int]) -> list[Loaded]:
    """Several activities in one round trip (rows come ordered by activity, then year)."""
    rows = session.connection().execute(_MANY, {"ids": list(ids)}).all()
    return [_from_rows(g) for g in _grouped(rows, "id")]


def _from_rows(rows: Sequence[Any]) -> Loaded:
    """One activity from its rows (one row per year)."""
    row = rows[0]
    years = [
        {
            "year": r.year,
            "target": r.target,
            "proposed_budget": r.proposed_budget,
            "confirmed_budget": r.confirmed_budget,
        }
        for r in rows
        if r.year is not None
    ]
    view = snapshot(
        activity_id=row.id,
        province=row.province_code,
        plan_id=row.plan_id,
        opd=row.opd_code,
        title=row.title,
        pillar=row.pillar,
        details=row.details or {},
        years=years,
        state=row.state,
        revision_round=row.revision_round,
        submitted_by_id=row.submitted_by_id,
        plan_period=(row.start_year, row.end_year),
    )
    return Loaded(
        id=row.id,
        province_id=row.province_id,
        opd_id=row.opd_id,
        version=row.version,
        state=row.state,
        workflow_version=row.workflow_version,
        submitted_by_id=row.submitted_by_id,
        revision_round=row.revision_round,
        view=view,
        years=years,
        pagu={r.year: (r.pagu_amount, r.pagu_confirmed) for r in rows if r.pagu_amount is not None},
        tail=(row.tail_seq, row.tail_hash) if row.tail_seq is not None else None,
        registration_number=row.registration_number,
        description=row.description,
        decree_number=row.decree_number,
        decree_date=row.decree_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


_r = ProgressReport
_report_key = ReportAuditEntry.report_id
# The activity's rows as ``_BASE`` reads them, beside the report's own columns, prefixed ``r_``.
_REPORT = (
    select(
        *_BASE.selected_columns,
        _r.id.label("r_id"),
        _r.province_id.label("r_province_id"),
        _r.opd_id.label("r_opd_id"),
        _r.version.label("r_version"),
        _r.state.label("r_state"),
        _r.workflow_version.label("r_workflow_version"),
        _r.submitted_by_id.label("r_submitted_by_id"),
        _r.revision_round.label("r_revision_round"),
        _r.year.label("r_year"),
        _r.period.label("r_period"),
        _r.output_target.label("r_output_target"),
        _r.output_realised.label("r_output_realised"),
        _r.output_unit.label("r_output_unit"),
        _r.budget_realised.label("r_budget_realised"),
        _r.obstacles.label("r_obstacles"),
        _r.follow_up.label("r_follow_up"),
        Plan.code.label("r_plan_code"),
        _tail_of(ReportAuditEntry.seq, _report_key, _r.id).label("r_tail_seq"),
        _tail_of(ReportAuditEntry.hash, _report_key, _r.id).label("r_tail_hash"),
    )
    .select_from(_r)
    .join(Activity, Activity.id == _r.activity_id)
    .join(Opd, Opd.id == Activity.opd_id)
    .join(Province, Province.id == Activity.province_id)
    .join(Plan, Plan.id == Activity.plan_id)
    .outerjoin(years_t, years_t.c.activity_id == Activity.id)
    .outerjoin(
        ceilings_t,
        (ceilings_t.c.opd_id == Activity.opd_id) & (ceilings_t.c.year == years_t.c.year),
    )
    .where(Activity.discarded_at.is_(None))
    .order_by(_r.id, years_t.c.year)
)
_REPORT_ONE = _REPORT.where(_r.id == bindparam("report_id"))
_REPORT_MANY = _REPORT.where(_r.id.in_(bindparam("ids", expanding=True)))


def load_report(session: Session, report_id: int) -> Loaded | None:
    rows = driver_sql.execute(
        driver_sql.connection(session), _REPORT_ONE, {"report_id": report_id}
    ).rows
    return _report_from_rows(rows) if rows else None


def load_reports(session: Session, ids: Sequence[int]) -> list[Loaded]:
    rows = session.connection().execute(_REPORT_MANY, {"ids": list(ids)}).all()
    return [_report_from_rows(g) for g in _grouped(rows, "r_id")]


def _report_from_rows(rows: Sequence[Any]) -> Loaded:
    """A report from its activity's rows (one per year) and its own columns."""
    activity = _from_rows(rows)
    r = rows[0]
    report = ReportView(
        id=r.r_id,
        activity=activity.view,
        year=r.r_year,
        period=r.r_period,
        state=r.r_state,
        revision_round=r.r_revision_round,
        submitted_by_id=r.r_submitted_by_id,
        output_target=r.r_output_target,
        output_realised=r.r_output_realised,
        output_unit=r.r_output_unit or "",
        budget_realised=r.r_budget_realised,
        obstacles=r.r_obstacles or "",
        follow_up=r.r_follow_up or "",
    )
    return Loaded(
        id=r.r_id,
        province_id=r.r_province_id,
        opd_id=r.r_opd_id,
        version=r.r_version,
        state=r.r_state,
        workflow_version=r.r_workflow_version,
        submitted_by_id=r.r_submitted_by_id,
        revision_round=r.r_revision_round,
        view=activity.view,
        years=activity.years,
        pagu={},
        tail=(r.r_tail_seq, r.r_tail_hash) if r.r_tail_seq is not None else None,
        registration_number=activity.registration_number,
        report=report,
        plan_code=r.r_plan_code,
    )
