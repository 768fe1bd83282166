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
from core.messages import N_
from core.models import PlanningWindow
from core.workflow import StateKind


class WindowKind(StrEnum):
    SUBMISSION = "submission"  # OPDs submit their proposals (the only window that refuses)
    VERIFICATION = "verification"  # reviews and Bappeda's budget confirmation
    SIGNOFF = "signoff"  # the decree


LABELS: dict[WindowKind, str] = {
    WindowKind.SUBMISSION: N_("Pengajuan usulan OPD"),
    WindowKind.VERIFICATION: N_("Verifikasi Bappeda"),
    WindowKind.SIGNOFF: N_("Penetapan"),
}

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
    kind: WindowKind
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
    kind: WindowKind
    ends_on: dt.date
    passed: bool
    days_left: int  # 0 once passed
    overdue: int  # 0 while not passed

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def deadline(window: Window, calendar: WorkingCalendar, today: dt.date) -> Deadline:
    """How ``window``'s end stands on local day ``today``."""
    if today > window.ends_on:
        overdue = calendar.working_days_between(window.ends_on, today)
        return Deadline(window.year, window.kind, window.ends_on, True, 0, overdue)
    left = calendar.working_days_between(today, window.ends_on)
    if calendar.is_working_day(today):
        left += 1
    return Deadline(window.year, window.kind, window.ends_on, False, left, 0)


def row_window(row: PlanningWindow) -> Window:
    return Window(
        year=row.year,
        kind=WindowKind(row.kind),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        original_ends_on=row.original_ends_on,
    )


def province_windows(
    session: Session, province_id: int, years: Iterable[int] | None = None
) -> dict[tuple[int, WindowKind], Window]:
    """The province's windows (of ``years`` only, when given), by (year, kind), in one query."""
    stmt = select(PlanningWindow).where(PlanningWindow.province_id == province_id)
    if years is not None:
        stmt = stmt.where(PlanningWindow.year.in_(sorted(set(years))))
    out: dict[tuple[int, WindowKind], Window] = {}
    for row in session.execute(stmt).scalars():
        if row.kind in WindowKind.__members__.values():
            window = row_window(row)
            out[(window.year, window.kind)] = window
    return out


def waiting_days(calendar: WorkingCalendar, since: dt.datetime, now: dt.datetime, zone: str) -> int:
    """Working days an item has waited since ``since`` (the day it arrived does not count)."""
    return calendar.working_days_since(since, now, zone)


__all__ = [
    "LABELS",
    "Deadline",
    "Window",
    "WindowKind",
    "deadline",
    "province_windows",
    "row_window",
    "waiting_days",
    "window_for",
    "window_of",
]
