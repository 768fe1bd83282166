"""Deadlines of the planning calendar and waiting times, in working days.

A plan year may have three windows (``WindowKind``): OPD submission, Bappeda verification and
sign-off, each from a first to a last calendar day in the province's zone, both inclusive. What
a stage waits for is a property of its state's kind, never its name (``window_for``): an
activity being drafted or revised works toward the end of submission, one under review or in
Bappeda's queue toward the end of verification, one awaiting the decree toward the end of
sign-off. Only the submission window refuses anything (``core.services.planning_calendar``);
the other two are deadlines shown in the queues and counted by the reminders. Setting and
extending windows is ``core.services.planning_calendar``'s; reading them is here, for the
queues and the reminders alike.

Progress reports add one kind per reporting period, ``report_<code>`` (``report_S1``): its last
day *moves the due date* the province's ``reporting_periods`` hook gives that period in that
year (``core.services.report_periods.due_on``); without one the hook's date stands. These
windows are read apart (``report_windows``): ``province_windows`` keeps returning the three
planning kinds only, so the activity queues, the submission rule and the activity reminders
never see a report's due date.

Counting: ``days_left`` are the working days from today through the window's last day, both
included (on a last day that is a working day one remains); once it has passed, ``overdue``
are the working days after it up to today. Days are local days of the province
(``core.calendar.WorkingCalendar``, its holidays and cuti bersama).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.calendar import WorkingCalendar
from core.messages import N_, msg
from core.models import PlanningWindow
from core.workflow import StateKind


class WindowKind(StrEnum):
    SUBMISSION = "submission"  # OPDs submit their proposals (the only window that refuses)
    VERIFICATION = "verification"  # reviews and Bappeda's budget confirmation
    SIGNOFF = "signoff"  # the decree


LABELS: dict[str, str] = {
    WindowKind.SUBMISSION: N_("Pengajuan usulan OPD"),
    WindowKind.VERIFICATION: N_("Verifikasi Bappeda"),
    WindowKind.SIGNOFF: N_("Penetapan"),
}

# A reporting period's due date: ``report_`` + the period's code (the column holds 20 characters).
REPORT_PREFIX = "report_"
PLANNING_KIND_LENGTH = 20  # planning_windows.kind


def report_kind(code: str) -> str:
    """The window kind that moves period ``code``'s due date: ``report_S1``."""
    return REPORT_PREFIX + code


def report_code(kind: str) -> str | None:
    """The period code of a ``report_<code>`` kind (None for any other kind)."""
    if kind.startswith(REPORT_PREFIX) and len(kind) > len(REPORT_PREFIX):
        return kind[len(REPORT_PREFIX) :]
    return None


def report_label(period_label: str) -> str:
    """``Batas laporan Semester I``: a report kind as the calendar shows it."""
    return msg("Batas laporan {period}", period=period_label)


# Which window a stage works toward, by what the stage is.
_BY_STATE_KIND: dict[StateKind, WindowKind] = {
    StateKind.DRAFTING: WindowKind.SUBMISSION,
    StateKind.RETURNED: WindowKind.SUBMISSION,
    StateKind.REVIEW: WindowKind.VERIFICATION,
    StateKind.BUDGET: WindowKind.VERIFICATION,
    StateKind.SIGNOFF: WindowKind.SIGNOFF,
}


def window_for(kind: StateKind | None) -> WindowKind | None:
    """The window a state of ``kind`` works toward (None for final states)."""
    return _BY_STATE_KIND.get(kind) if kind is not None else None


@dataclass(frozen=True)
class Window:
    year: int
    kind: str  # a ``WindowKind`` or a report kind (``report_S1``)
    starts_on: dt.date
    ends_on: dt.date
    original_ends_on: dt.date | None = None  # the first end, once extended

    def is_open(self, today: dt.date) -> bool:
        return self.starts_on <= today <= self.ends_on

    @property
    def extended(self) -> bool:
        return self.original_ends_on is not None and self.original_ends_on != self.ends_on


def window_of(
    windows: Mapping[tuple[int, WindowKind], Window], year: int, state_kind: StateKind | None
) -> Window | None:
    """The window an activity of plan year ``year`` in a state of ``state_kind`` works toward,
    if its year has one. A returned activity may come back until the later of submission's and
    verification's end (a return during verification must still be answerable)."""
    kind = window_for(state_kind)
    window = windows.get((year, kind)) if kind is not None else None
    if window is None or state_kind is not StateKind.RETURNED:
        return window
    verification = windows.get((year, WindowKind.VERIFICATION))
    if verification is not None and verification.ends_on > window.ends_on:
        return replace(window, ends_on=verification.ends_on)
    return window


@dataclass(frozen=True)
class Deadline:
    """A window's last day as seen today: working days left, or, once it has passed, the
    working days since (0 on the weekend right after a Friday deadline)."""

    year: int
    kind: str
    ends_on: dt.date
    passed: bool
    days_left: int  # 0 once passed
    overdue: int  # 0 while not passed

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind)


def standing(ends_on: dt.date, calendar: WorkingCalendar, today: dt.date) -> tuple[bool, int, int]:
    """(passed, working days left, working days overdue) of a last day ``ends_on`` on local day
    ``today``: the one count behind every deadline, a window's or a report's due date."""
    if today > ends_on:
        return True, 0, calendar.working_days_between(ends_on, today)
    left = calendar.working_days_between(today, ends_on)
    if calendar.is_working_day(today):
        left += 1
    return False, left, 0


def deadline(window: Window, calendar: WorkingCalendar, today: dt.date) -> Deadline:
    """How ``window``'s end stands on local day ``today``."""
    passed, left, overdue = standing(window.ends_on, calendar, today)
    return Deadline(window.year, window.kind, window.ends_on, passed, left, overdue)


def _planning_kind(kind: str) -> WindowKind | None:
    return WindowKind(kind) if kind in WindowKind.__members__.values() else None


def row_window(row: PlanningWindow) -> Window:
    return Window(
        year=row.year,
        kind=_planning_kind(row.kind) or row.kind,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        original_ends_on=row.original_ends_on,
    )


def province_windows(
    session: Session, province_id: int, years: Iterable[int] | None = None
) -> dict[tuple[int, WindowKind], Window]:
    """The province's windows (of ``years`` only, when given), by (year, kind), in one query."""
    out: dict[tuple[int, WindowKind], Window] = {}
    for row in _rows(session, province_id, years):
        kind = _planning_kind(row.kind)
        if kind is not None:
            out[(row.year, kind)] = row_window(row)
    return out


def report_windows(
    session: Session, province_id: int, years: Iterable[int] | None = None
) -> dict[tuple[int, str], Window]:
    """The province's report due-date windows, by (year, period code), in one query."""
    out: dict[tuple[int, str], Window] = {}
    for row in _rows(session, province_id, years, reports=True):
        code = report_code(row.kind)
        if code is not None:
            out[(row.year, code)] = row_window(row)
    return out


def _rows(
    session: Session, province_id: int, years: Iterable[int] | None, *, reports: bool = False
) -> list[PlanningWindow]:
    stmt = select(PlanningWindow).where(PlanningWindow.province_id == province_id)
    if years is not None:
        stmt = stmt.where(PlanningWindow.year.in_(sorted(set(years))))
    like = PlanningWindow.kind.startswith(REPORT_PREFIX, autoescape=True)
    stmt = stmt.where(like if reports else ~like)
    return list(session.execute(stmt).scalars())


def waiting_days(calendar: WorkingCalendar, since: dt.datetime, now: dt.datetime, zone: str) -> int:
    """Working days an item has waited since ``since`` (the day it arrived does not count)."""
    return calendar.working_days_since(since, now, zone)


__all__ = [
    "LABELS",
    "PLANNING_KIND_LENGTH",
    "REPORT_PREFIX",
    "Deadline",
    "Window",
    "WindowKind",
    "deadline",
    "province_windows",
    "report_code",
    "report_kind",
    "report_label",
    "report_windows",
    "row_window",
    "standing",
    "waiting_days",
    "window_for",
    "window_of",
]
