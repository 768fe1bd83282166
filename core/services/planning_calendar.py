"""The planning calendar: a province's windows per plan year, set by the province admin and
extended by the admin or Bappeda, and the one rule it makes: outside the submission window an
activity cannot be submitted.

Scope and shape:

- **Per province and plan year**, not per plan: a province runs one budget cycle a year (its
  pagu is per OPD and year as well), whichever plan an activity belongs to; the years offered
  are those some plan of the province covers (``plan_years``). Another province's years, or a
  year outside every plan, are ``NotFound``.
- **Which year applies to an activity**: its first budget year (the earliest of its years), the
  year whose budget is confirmed first and whose cycle the proposal enters; a multi-year
  activity follows the calendar of its first year.
- **A year without a window stays open** as before the calendar existed: nothing is refused,
  no deadline shown, reminders as before.
- **Only submission is refused** (by the move that ``records_submitter``, whatever a province
  calls it): before the window opens or after it closes, with the dates in the message (422).
  A *returned* activity may be submitted again until the later of the submission and the
  verification window's end, so a return during verification can still be answered.
  Verification and sign-off windows never refuse a move: a late decision is better than none;
  they are the deadlines the queues show and the reminders count toward.

**Report due dates** (issue 14): with the province's runtime, a year also has one kind per
reporting period of the year (``report_<code>``, ``core.deadlines.report_kind``): its last day
moves the due date the ``reporting_periods`` hook gives the period (which stands while none is
set); its first day is when reporting opens, shown only. Set and extended like the other
kinds; a due date before the period has ended is refused (``due_before_period_end``). An unknown
period code is ``NotFound`` like an unknown kind.

Every change is recorded in the admin audit (``calendar.set``, ``calendar.extend``) in its own
unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from marshmallow import ValidationError
from sqlalchemy import Table, bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import driver_sql
from core.access import Actor
from core.deadlines import (
    LABELS,
    Window,
    WindowKind,
    province_windows,
    report_code,
    report_kind,
    report_label,
    report_windows,
    row_window,
    window_of,
)
from core.errors import Conflict, NotFound, RuleFailed, Violation
from core.messages import msg
from core.models import PlanningWindow, utcnow
from core.notifications.language import MONTHS
from core.notifications.text import tanggal
from core.plugins import ProvinceRuntime
from core.policy import (
    ensure_may_administer,
    ensure_may_extend_calendar,
    ensure_may_read_calendar,
)
from core.schemas import CalendarExtensionInputSchema, CalendarWindowInputSchema
from core.services.admin_audit import record
from core.services.ceilings import plan_years
from core.services.common import violations_from_marshmallow
from core.services.report_periods import year_periods
from core.timezones import abbreviation, local_date
from core.types import ActivityView, ReportingPeriod
from core.unit_of_work import unit_of_work
from core.workflow import StateKind, Workflow

_WINDOW = CalendarWindowInputSchema()
_EXTENSION = CalendarExtensionInputSchema()


@dataclass(frozen=True)
class YearCalendar:
    """One plan year and its windows (a kind missing: not set, so not limited; a report kind
    missing: the hook's due date stands). ``periods`` are the year's reporting periods with the
    hook's due dates (empty without the province's runtime)."""

    year: int
    windows: dict[str, Window]
    periods: tuple[ReportingPeriod, ...] = ()

    def due_on(self, period: ReportingPeriod) -> dt.date:
        """The period's due date that counts: the calendar's, else the hook's."""
        window = self.windows.get(report_kind(period.code))
        return window.ends_on if window is not None else period.due_on


def _years(
    session: Session, province_id: int, years: list[int], runtime: ProvinceRuntime | None
) -> list[YearCalendar]:
    windows: dict[tuple[int, str], Window] = {}
    for (year, kind), w in province_windows(session, province_id, years).items():
        windows[(year, kind)] = w
    if runtime is not None:
        for (year, code), w in report_windows(session, province_id, years).items():
            windows[(year, report_kind(code))] = w
    return [
        YearCalendar(
            y,
            {k: w for (wy, k), w in windows.items() if wy == y},
            tuple(year_periods(runtime, y)) if runtime is not None else (),
        )
        for y in years
    ]


def calendar_of(
    session: Session, actor: Actor, workflow: Workflow, runtime: ProvinceRuntime | None = None
) -> list[YearCalendar]:
    """Every plan year of the actor's province with the windows set for it (and, given the
    province's ``runtime``, its reporting periods and their due-date windows)."""
    ensure_may_read_calendar(actor, workflow)
    return _years(session, actor.province_id, plan_years(session, actor.province_id), runtime)


def year_calendar(
    session: Session,
    actor: Actor,
    workflow: Workflow,
    year: int,
    runtime: ProvinceRuntime | None = None,
) -> YearCalendar:
    ensure_may_read_calendar(actor, workflow)
    _ensure_plan_year(session, actor, year)
    return _years(session, actor.province_id, [year], runtime)[0]


def _ensure_plan_year(session: Session, actor: Actor, year: int) -> None:
    if year not in plan_years(session, actor.province_id):
        raise NotFound(msg("Tahun rencana {year} tidak ditemukan.", year=year))


def _kind(kind: str, periods: Sequence[ReportingPeriod]) -> tuple[str, ReportingPeriod | None]:
    """The kind (a planning kind, or a report kind of one of the year's ``periods``) and its
    period; ``NotFound`` for anything else."""
    if kind in WindowKind.__members__.values():
        return WindowKind(kind), None
    code = report_code(kind)
    found = next((p for p in periods if p.code == code), None)
    if found is None:
        raise NotFound(msg("Jenis jadwal '{kind}' tidak dikenal.", kind=kind))
    return kind, found


def label(window: Window, periods: Sequence[ReportingPeriod]) -> str:
    """What a window is called: its planning kind's label, or ``Batas laporan Semester I``."""
    if window.kind in LABELS:
        return LABELS[window.kind]
    code = report_code(window.kind)
    found = next((p for p in periods if p.code == code), None)
    return report_label(found.label if found is not None else str(code))


def _periods(runtime: ProvinceRuntime | None, year: int) -> list[ReportingPeriod]:
    return year_periods(runtime, year) if runtime is not None else []


def _after_period(found: ReportingPeriod | None, ends_on: dt.date) -> list[Violation]:
    """A report cannot be due before the period it reports on has ended."""
    if found is None or ends_on > found.ends_on:
        return []
    text = msg(
        "Batas laporan {period} harus sesudah akhir periodenya ({end}).",
        period=found.label,
        end=tanggal(found.ends_on),
    )
    return [Violation("due_before_period_end", text, "ends_on")]


def _load(schema: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return dict(schema.load(dict(data)))
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None


def window_input(data: Mapping[str, Any]) -> tuple[dt.date, dt.date]:
    """A window's days from a form (``starts_on``, ``ends_on`` as ISO text), or ``RuleFailed``
    naming each field; the API's schema does the same for JSON."""
    body = _load(_WINDOW, data)
    return body["starts_on"], body["ends_on"]


def extension_input(data: Mapping[str, Any]) -> tuple[dt.date, str]:
    body = _load(_EXTENSION, data)
    return body["ends_on"], body["reason"]


def _in_cycle(year: int, day: dt.date, field: str) -> list[Violation]:
    """A year's windows lie in that year, the one before (an RKPD is prepared the year before
    it runs) or, for a late decree, the one after: anything else is a typing error."""
    if year - 1 <= day.year <= year + 1:
        return []
    text = msg(
        "Tanggal jadwal tahun {year} harus antara tahun {before} dan {after}.",
        year=year,
        before=year - 1,
        after=year + 1,
    )
    return [Violation("date_outside_cycle", text, field)]


def view(window: Window) -> dict[str, Any]:
    """A window as the API and the audit show it."""
    return {
        "year": window.year,
        "kind": str(window.kind),
        "starts_on": window.starts_on.isoformat(),
        "ends_on": window.ends_on.isoformat(),
        "original_ends_on": (
            window.original_ends_on.isoformat() if window.original_ends_on else None
        ),
    }


def _row(session: Session, province_id: int, year: int, kind: str) -> PlanningWindow | None:
    return session.execute(
        select(PlanningWindow)
        .where(
            PlanningWindow.province_id == province_id,
            PlanningWindow.year == year,
            PlanningWindow.kind == str(kind),
        )
        .with_for_update()
    ).scalar_one_or_none()


def set_window(
    session: Session,
    actor: Actor,
    year: int,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    runtime: ProvinceRuntime | None = None,
) -> Window:
    """Create or replace one window (the province admin only); ``calendar.set`` in the audit.
    Setting a window anew forgets an earlier extension (the audit keeps it). A report kind
    needs the province's ``runtime`` (its periods)."""
    try:
        return _set(session, actor, year, kind, starts_on, ends_on, runtime)
    except IntegrityError:  # another admin created the same window at the same moment
        raise Conflict(
            "Jadwal baru saja diubah pengguna lain; muat ulang lalu coba lagi."
        ) from None


def _set(
    session: Session,
    actor: Actor,
    year: int,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    runtime: ProvinceRuntime | None,
) -> Window:
    with unit_of_work(session):
        ensure_may_administer(actor)
        _ensure_plan_year(session, actor, year)
        which, found = _kind(kind, _periods(runtime, year))
        problems = _in_cycle(year, starts_on, "starts_on") + _in_cycle(year, ends_on, "ends_on")
        problems += _after_period(found, ends_on)
        if ends_on < starts_on:
            problems.append(
                Violation(
                    "ends_before_start",
                    "Tanggal akhir tidak boleh sebelum tanggal mulai.",
                    "ends_on",
                )
            )
        if problems:
            raise RuleFailed(problems)
        row = _row(session, actor.province_id, year, which)
        before = view(row_window(row)) if row is not None else None
        if row is None:
            row = PlanningWindow(province_id=actor.province_id, year=year, kind=str(which))
            session.add(row)
        row.starts_on, row.ends_on, row.original_ends_on = starts_on, ends_on, None
        row.updated_at, row.updated_by_id = utcnow(), actor.user_id
        session.flush()
        window = row_window(row)
        target = f"{year}.{which}"
        record(
            session,
            actor,
            "calendar.set",
            "planning_window",
            target,
            before=before,
            after=view(window),
        )
    return window


def extend_window(
    session: Session,
    actor: Actor,
    workflow: Workflow,
    year: int,
    kind: str,
    ends_on: dt.date,
    reason: str,
    runtime: ProvinceRuntime | None = None,
) -> Window:
    """Move a window's last day later (the admin or Bappeda), with the reason;
    ``calendar.extend`` in the audit. A report kind needs the province's ``runtime``."""
    with unit_of_work(session):
        ensure_may_extend_calendar(actor, workflow)
        _ensure_plan_year(session, actor, year)
        which, _ = _kind(kind, _periods(runtime, year))
        reason = reason.strip()
        row = _row(session, actor.province_id, year, which)
        if row is None:
            text = msg("Jadwal ini untuk tahun {year} belum ditetapkan.", year=year)
            raise NotFound(text)
        problems = _in_cycle(year, ends_on, "ends_on")
        if ends_on <= row.ends_on:
            text = msg("Tanggal akhir baru harus sesudah {current}.", current=tanggal(row.ends_on))
            problems.append(Violation("not_later", text, "ends_on"))
        if not reason:
            problems.append(Violation("required", "Alasan perpanjangan wajib diisi.", "reason"))
        if problems:
            raise RuleFailed(problems)
        before = view(row_window(row))
        row.original_ends_on = row.original_ends_on or row.ends_on
        row.ends_on = ends_on
        row.updated_at, row.updated_by_id = utcnow(), actor.user_id
        session.flush()
        window = row_window(row)
        after, target = view(window), f"{year}.{which}"
        record(
            session,
            actor,
            "calendar.extend",
            "planning_window",
            target,
            before=before,
            after=after,
            reason=reason,
        )
    return window


def date_range(starts_on: dt.date, ends_on: dt.date) -> str:
    """``2 Januari – 15 Maret 2027`` (the first year left out when both are the same)."""
    if starts_on.year == ends_on.year:
        return f"{starts_on.day} {MONTHS['id'][starts_on.month - 1]} – {tanggal(ends_on)}"
    return f"{tanggal(starts_on)} – {tanggal(ends_on)}"


def first_year(view: ActivityView) -> int | None:
    """The plan year whose calendar an activity follows: its first budget year."""
    return min((int(y["year"]) for y in view.years), default=None)


# Built once (the hot path only binds): the two windows a submission may follow, its own and,
# for a returned activity, verification's (``window_of``), as plain rows on the connection.
_planning_t = cast(Table, PlanningWindow.__table__)
_SUBMISSION_WINDOWS = select(
    _planning_t.c.kind,
    _planning_t.c.starts_on,
    _planning_t.c.ends_on,
    _planning_t.c.original_ends_on,
).where(
    _planning_t.c.province_id == bindparam("province_id"),
    _planning_t.c.year == bindparam("year"),
    # Not ``in_``: a literal list renders as an expanding parameter, which only
    # ``Connection.execute`` binds (``core.driver_sql``).
    or_(
        _planning_t.c.kind == str(WindowKind.SUBMISSION),
        _planning_t.c.kind == str(WindowKind.VERIFICATION),
    ),
)


def _submission_windows(
    session: Session, province_id: int, year: int
) -> dict[tuple[int, WindowKind], Window]:
    """``province_windows(session, province_id, [year])`` for the kinds a submission reads, at
    a fraction of its cost: every submission reads them (issue 17)."""
    session.flush()  # a window the session holds unwritten counts, as with an ORM query
    rows = driver_sql.execute(
        driver_sql.connection(session),
        _SUBMISSION_WINDOWS,
        {"province_id": province_id, "year": year},
    ).rows
    return {
        (year, WindowKind(r.kind)): Window(
            year, WindowKind(r.kind), r.starts_on, r.ends_on, r.original_ends_on
        )
        for r in rows
    }


def submission_violations(
    session: Session,
    workflow: Workflow,
    view: ActivityView,
    province_id: int,
    zone: str,
    now: dt.datetime | None = None,
    windows: Mapping[tuple[int, WindowKind], Window] | None = None,
) -> list[Violation]:
    """Why the activity cannot be submitted now (empty: it can, or its year has no window).
    ``windows``: the province's windows of the activity's first year when the caller read them
    already (with the activity), else they are read here."""
    year = first_year(view)
    if year is None:
        return []
    state_kind = workflow.kind(view.state) or StateKind.DRAFTING
    if windows is None:
        windows = _submission_windows(session, province_id, year)
    window = window_of(windows, year, state_kind)
    if window is None or window.kind is not WindowKind.SUBMISSION:
        return []
    today = local_date(now or utcnow(), zone)
    if window.is_open(today):
        return []
    code = "submission_not_open" if today < window.starts_on else "submission_closed"
    text = msg(
        "Masa pengajuan usulan tahun {year}: {dates} ({zone}). Hubungi Bappeda untuk perpanjangan.",
        year=year,
        dates=date_range(window.starts_on, window.ends_on),
        zone=abbreviation(zone),
    )
    return [Violation(code, text)]


__all__ = [
    "YearCalendar",
    "calendar_of",
    "date_range",
    "extend_window",
    "extension_input",
    "first_year",
    "label",
    "set_window",
    "submission_violations",
    "view",
    "window_input",
    "year_calendar",
]
