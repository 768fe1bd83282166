"""The dashboard's monitoring card (Beranda, for province-wide readers): the latest period's
totals of the consolidation (``core.services.monitoring``) — budget realisation, activities with
an accepted report, reports overdue — counted in one aggregate statement.

The consolidation builds a line per signed activity; over a national-scale province (tens of
thousands of signed activities, issue 17) that took the card most of a second, for three
numbers. The figures here are the consolidation's own (``tests/test_monitoring.py`` holds them
equal): the same signed activities, the same accepted and drafting reports by their own
workflow version's kinds, the same mean of output shares.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.access import Actor, activity_scope
from core.models import Activity, ActivityYear, ProgressReport, utcnow
from core.plugins import Registry
from core.services import state_kinds
from core.services.monitoring import TOTAL_LABEL, Filters, Group, chosen_period
from core.timezones import local_date
from core.types import ReportingPeriod
from core.workflow import StateKind


@dataclass(frozen=True)
class Headline:
    plan_id: int
    year: int
    period: ReportingPeriod
    total: Group  # over every signed activity of the year the actor sees
    missing: int  # of them, those whose report is overdue (none before the due date)
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.today > self.period.due_on


def headline(
    session: Session,
    registry: Registry,
    actor: Actor,
    filters: Filters | None = None,
    *,
    today: dt.date | None = None,
) -> Headline:
    """The card of the period the filters name (by default the consolidation's default one);
    ``DomainError`` as ``consolidate`` raises it (no plan, no period)."""
    runtime = registry.get(actor.province_code)
    today = today or local_date(utcnow(), runtime.info.timezone)
    plan, year, period = chosen_period(session, runtime, actor, filters or Filters(), today)
    versions = state_kinds.workflows(session, runtime)
    signed = state_kinds.codes_by_version(versions, StateKind.APPROVED)
    drafting = state_kinds.codes_by_version(versions, StateKind.DRAFTING)
    r = ProgressReport
    accepted = state_kinds.of_kind(r.workflow_version, r.state, signed)
    # An output share only where the target is a number to measure against (as
    # ``ActivityLine.output_percent``); AVG skips the NULLs.
    share = case(
        (
            and_(accepted, r.output_realised.is_not(None), r.output_target != 0),
            100.0 * r.output_realised / r.output_target,
        )
    )
    owing = or_(r.id.is_(None), state_kinds.of_kind(r.workflow_version, r.state, drafting))
    row = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ActivityYear.confirmed_budget), 0),
            func.count(r.id).filter(accepted),
            func.coalesce(func.sum(r.budget_realised).filter(accepted), 0),
            func.avg(share),
            func.count().filter(owing),
        )
        .select_from(Activity)
        .join(ActivityYear, (ActivityYear.activity_id == Activity.id) & (ActivityYear.year == year))
        .outerjoin(
            r,
            (r.activity_id == Activity.id)
            & (r.plan_id == plan.id)
            & (r.year == year)
            & (r.period == period.code),
        )
        .where(
            activity_scope(actor),
            Activity.plan_id == plan.id,
            state_kinds.of_kind(Activity.workflow_version, Activity.state, signed),
        )
    ).one()
    activities, confirmed, n_accepted, realised, output, owing_n = row
    total = Group(
        code="",
        label=TOTAL_LABEL,
        activities=int(activities),
        accepted=int(n_accepted),
        confirmed=int(confirmed),
        realised=int(realised),
        output_percent=float(output) if output is not None else None,
    )
    missing = int(owing_n) if today > period.due_on else 0
    return Headline(plan.id, year, period, total, missing, today)
