"""A province's reporting periods (its ``reporting_periods`` hook) for a plan and year: which
reports a signed activity owes, and when each is due."""

from __future__ import annotations

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
