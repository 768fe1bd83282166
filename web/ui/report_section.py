"""The "Laporan realisasi" section of a signed activity's page (issue 14): every reporting
period of every year of the activity, its due date, the report's state once filed, and *Buat
laporan* for the OPD's operator. Kept apart from ``web.ui.reports`` (which reuses the activity
page's action forms) so the activity page can show it without an import cycle."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from core.deadlines import report_windows
from core.models import Activity, Plan, ProgressReport
from core.policy import may_edit
from core.services import report_periods
from core.types import ReportingPeriod
from core.workflow import StateKind, Workflow
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.layout import runtime, workflow_of


def report_workflow(report: ProgressReport) -> Workflow:
    """The report workflow version the report started on (labels and actions come from it)."""
    return runtime().workflow_version(session(), report.workflow_version)


def plan_code(plan_id: int) -> str:
    return str(session().execute(select(Plan.code).where(Plan.id == plan_id)).scalar_one())


@dataclass(frozen=True)
class PeriodRow:
    """One period of one year of a signed activity: what is due, and the report if filed."""

    year: int
    period: ReportingPeriod
    report: ProgressReport | None
    state_label: str | None
    kind: StateKind | None
    new_url: str | None  # "Buat laporan", for the OPD's operator while none is filed


def activity_periods(activity: Activity) -> list[PeriodRow] | None:
    """Every period of every year of the activity once it is signed (an ``approved`` kind);
    None before. Whoever sees the activity sees its reports (``get_report``'s scope)."""
    if workflow_of(activity).kind(activity.state) is not StateKind.APPROVED:
        return None
    filed = {
        (r.year, r.period): r
        for r in session()
        .execute(select(ProgressReport).where(ProgressReport.activity_id == activity.id))
        .scalars()
    }
    code = plan_code(activity.plan_id)
    creates = may_edit(current_actor(), activity.opd_id)
    rows: list[PeriodRow] = []
    years = sorted(y.year for y in activity.years)
    moved = report_windows(session(), activity.province_id, years)  # the calendar's due dates
    for year in years:
        for declared in report_periods.periods(runtime(), code, year):
            period = report_periods.effective(declared, year, moved)
            report = filed.get((year, period.code))
            workflow = report_workflow(report) if report else None
            rows.append(
                PeriodRow(
                    year=year,
                    period=period,
                    report=report,
                    state_label=workflow.label(report.state) if workflow and report else None,
                    kind=workflow.kind(report.state) if workflow and report else None,
                    new_url=url_for(
                        "reports.new", kegiatan=activity.id, tahun=year, periode=period.code
                    )
                    if creates and report is None
                    else None,
                )
            )
    return rows
