"""A province's reporting periods (its ``reporting_periods`` hook) for a plan and year: which
reports a signed activity owes, and when each is due.

The hook gives each period's due date; the planning calendar may move one year's
(``core.deadlines`` kind ``report_<code>``, set by the province admin on /admin/kalender), for
every plan of the province alike (the calendar is per province and year). ``due_on`` and
``effective`` give the date that counts: the calendar's when set, else the hook's. Reminders
and whatever shows a due date read it from here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy.orm import Session

from core.deadlines import Window, report_windows
from core.plugins import ProvinceRuntime
from core.types import PlanInfo, ReportingPeriod


def plan_info(runtime: ProvinceRuntime, plan_code: str) -> PlanInfo | None:
    """The plugin's declaration of the plan with this code."""
    return next((p for p in runtime.info.plans if p.code == plan_code), None)


def periods(runtime: ProvinceRuntime, plan_code: str, year: int) -> list[ReportingPeriod]:
    """The periods of ``year`` for the plan (none for a plan the plugin no longer declares)."""
    plan = plan_info(runtime, plan_code)
    return runtime.reporting_periods(plan, year) if plan is not None else []


def period(
    runtime: ProvinceRuntime, plan_code: str, year: int, code: str
) -> ReportingPeriod | None:
    return next((p for p in periods(runtime, plan_code, year) if p.code == code), None)


def year_periods(runtime: ProvinceRuntime, year: int) -> list[ReportingPeriod]:
    """The periods of ``year`` over every plan of the province that covers it, each code once
    (the first plan's, in the plugin's order): the due dates the planning calendar may move."""
    out: dict[str, ReportingPeriod] = {}
    for plan in runtime.info.plans:
        if plan.start_year <= year <= plan.end_year:
            for p in runtime.reporting_periods(plan, year):
                out.setdefault(p.code, p)
    return list(out.values())


def effective(
    found: ReportingPeriod, year: int, overrides: Mapping[tuple[int, str], Window]
) -> ReportingPeriod:
    """``found`` with the due date the calendar gives it in ``year``, if it gives one
    (``overrides``: ``core.deadlines.report_windows``)."""
    window = overrides.get((year, found.code))
    return replace(found, due_on=window.ends_on) if window is not None else found


def due_on(
    session: Session,
    runtime: ProvinceRuntime,
    province_id: int,
    plan_code: str,
    year: int,
    code: str,
) -> dt.date | None:
    """The day period ``code`` of ``year`` is due: the planning calendar's, else the hook's
    (None for a period the plan does not have)."""
    found = period(runtime, plan_code, year, code)
    if found is None:
        return None
    return effective(found, year, report_windows(session, province_id, [year])).due_on
