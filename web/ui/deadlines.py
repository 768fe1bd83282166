"""How long each queue item has waited and the planning calendar's deadline it works toward,
for the queues and the dashboard ("menunggu 4 hari kerja · batas 15 Maret 2023 · sisa 3 hari
kerja"), all in working days of the province's zone (``core.deadlines``). One query for the
windows of a whole page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.deadlines import (
    LABELS,
    Deadline,
    Window,
    deadline,
    province_windows,
    waiting_days,
    window_of,
)
from core.models import Activity, utcnow
from core.timezones import local_date
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.layout import runtime, workflow_of


@dataclass(frozen=True)
class Waiting:
    days: int  # working days since the item arrived at its stage
    deadline: Deadline | None  # the calendar's, when the activity's year has one


@dataclass(frozen=True)
class Upcoming:
    """A window of the calendar that has not ended yet, for the dashboard."""

    label: str
    window: Window
    deadline: Deadline
    open: bool


def oldest_first(activities: Iterable[Activity]) -> list[Activity]:
    return sorted(activities, key=lambda a: (a.state_changed_at, a.id))


def waiting_of(activities: Sequence[Activity]) -> dict[int, Waiting]:
    """Activity id → its wait and deadline, as of now in the viewer's province."""
    rt = runtime()
    zone, now = rt.info.timezone, utcnow()
    today = local_date(now, zone)
    first = {a.id: min((y.year for y in a.years), default=None) for a in activities}
    years = {y for y in first.values() if y is not None}
    windows = province_windows(session(), current_actor().province_id, years) if years else {}
    out: dict[int, Waiting] = {}
    for a in activities:
        year = first[a.id]
        window = window_of(windows, year, workflow_of(a).kind(a.state)) if year else None
        limit = deadline(window, rt.calendar, today) if window else None
        out[a.id] = Waiting(waiting_days(rt.calendar, a.state_changed_at, now, zone), limit)
    return out


def upcoming() -> list[Upcoming]:
    """The province's windows that have not ended (today included), soonest end first."""
    rt = runtime()
    today = local_date(utcnow(), rt.info.timezone)
    windows = province_windows(session(), current_actor().province_id).values()
    return [
        Upcoming(LABELS[w.kind], w, deadline(w, rt.calendar, today), w.is_open(today))
        for w in sorted(windows, key=lambda w: (w.ends_on, w.year))
        if w.ends_on >= today
    ]
