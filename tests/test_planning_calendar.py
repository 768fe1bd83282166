"""The planning calendar in core: the submission window refuses a submission outside it (with
the dates, in the province's zone), an extension by Bappeda reopens it, every change is in the
admin audit, a year without a calendar stays open; deadlines and waiting times in working days.
Both backends; the clock is frozen by giving the rule its "now"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from core.calendar import WorkingCalendar
from core.deadlines import Window, WindowKind, deadline, window_of
from core.errors import NotAllowed, NotFound, RuleFailed
from core.models import AdminAuditEntry
from core.services import planning_calendar
from core.services.planning_calendar import extend_window, set_window
from core.testing import Harness
from core.workflow import StateKind
from tests.plugins.conftest import sulteng_payload

SUBMISSION = "submission"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dt.datetime], None]]:
    """Freeze the calendar rule's clock at a UTC moment."""

    def freeze(at: dt.datetime) -> None:
        monkeypatch.setattr(planning_calendar, "utcnow", lambda: at)

    yield freeze


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def set_(h: Harness, user: str, year: int, kind: str, start: dt.date, end: dt.date) -> Window:
    with h.session() as s:
        return set_window(s, h.actor(user), year, kind, start, end)


def extend(h: Harness, user: str, year: int, kind: str, end: dt.date, reason: str) -> Window:
    with h.session() as s:
        return extend_window(s, h.actor(user), h.runtime.workflow, year, kind, end, reason)


def submit_refusal(h: Harness, staff: str, activity_id: int) -> str | None:
    """The refusal's message, or None when the submission went through."""
    try:
        h.act(staff, activity_id, "submit")
    except RuleFailed as err:
        return "; ".join(v.message for v in err.violations)
    return None


def test_a_year_without_a_calendar_accepts_as_today(harness: Harness, payload, clock) -> None:  # type: ignore[no-untyped-def]
    # 2024 has a window; the activity's year 2023 has none, so nothing limits it.
    set_(harness, "admin.lampung", 2024, SUBMISSION, dt.date(2024, 1, 2), dt.date(2024, 3, 15))
    clock(utc(2026, 12, 1, 3))
    activity_id = harness.create("dpppa.staf", payload()).id
    assert submit_refusal(harness, "dpppa.staf", activity_id) is None


def test_outside_the_window_refused_with_the_dates_then_accepted_after_an_extension(
    harness: Harness,
    payload,  # type: ignore[no-untyped-def]
    clock: Callable[[dt.datetime], None],
) -> None:
    set_(harness, "admin.lampung", 2023, SUBMISSION, dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    activity_id = harness.create("dpppa.staf", payload()).id
    clock(utc(2023, 3, 20, 3))  # Monday 20 March, 10.00 WIB: closed since Thursday
    message = submit_refusal(harness, "dpppa.staf", activity_id)
    assert message == (
        "Masa pengajuan usulan tahun 2023: 2 Januari – 15 Maret 2023 (WIB). "
        "Hubungi Bappeda untuk perpanjangan."
    )
    assert harness.state(activity_id) == harness.runtime.workflow.initial  # nothing written
    extended = extend(
        harness, "bappeda.verifikator", 2023, SUBMISSION, dt.date(2023, 3, 31), "Perda OPD baru"
    )
    assert extended.ends_on == dt.date(2023, 3, 31)
    assert extended.original_ends_on == dt.date(2023, 3, 15)
    assert submit_refusal(harness, "dpppa.staf", activity_id) is None
    with harness.session() as s:
        entries = s.execute(select(AdminAuditEntry).order_by(AdminAuditEntry.id)).scalars().all()
    assert [(e.action, e.actor, e.target_id) for e in entries] == [
        ("calendar.set", "admin.lampung", "2023.submission"),
        ("calendar.extend", "bappeda.verifikator", "2023.submission"),
    ]
    assert entries[1].before is not None and entries[1].after is not None
    assert entries[1].before["ends_on"] == "2023-03-15"
    assert entries[1].after["ends_on"] == "2023-03-31"
    assert entries[1].reason == "Perda OPD baru"


def test_before_the_window_opens_is_refused_too(harness: Harness, payload, clock) -> None:  # type: ignore[no-untyped-def]
    set_(harness, "admin.lampung", 2023, SUBMISSION, dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    activity_id = harness.create("dpppa.staf", payload()).id
    # 16.30 UTC on 1 January is 23.30 WIB: still the day before the window.
    clock(utc(2023, 1, 1, 16, 30))
    assert "2 Januari – 15 Maret 2023 (WIB)" in (
        submit_refusal(harness, "dpppa.staf", activity_id) or ""
    )
    clock(utc(2023, 1, 1, 17, 30))  # 00.30 WIB on 2 January: open
    assert submit_refusal(harness, "dpppa.staf", activity_id) is None


def test_the_last_day_ends_at_the_provinces_midnight(harness: Harness, clock) -> None:  # type: ignore[no-untyped-def]
    """The same instant, 16.30 UTC on 15 March, is 23.30 WIB (Lampung: still open) but 00.30
    WITA on the 16th (Palu: closed)."""
    sulteng = replace(harness, province="sulteng")
    last = dt.date(2026, 3, 15)
    set_(harness, "admin.lampung", 2023, SUBMISSION, dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    set_(sulteng, "sulteng.admin", 2026, SUBMISSION, dt.date(2026, 1, 2), last)
    lampung_id = harness.create("dpppa.staf", harness_payload(harness)).id
    palu_id = sulteng.create("sulteng.dp3a.staf", sulteng_payload(sulteng.plan_id())).id
    clock(utc(2023, 3, 15, 16, 30))
    assert submit_refusal(harness, "dpppa.staf", lampung_id) is None
    clock(utc(2026, 3, 15, 16, 30))
    assert submit_refusal(sulteng, "sulteng.dp3a.staf", palu_id) == (
        "Masa pengajuan usulan tahun 2026: 2 Januari – 15 Maret 2026 (WITA). "
        "Hubungi Bappeda untuk perpanjangan."
    )
    clock(utc(2026, 3, 15, 15, 30))  # 23.30 WITA: the last day still
    assert submit_refusal(sulteng, "sulteng.dp3a.staf", palu_id) is None


def harness_payload(h: Harness) -> dict[str, object]:
    from tests.helpers import lampung_payload

    return lampung_payload(h.plan_id())


def test_a_returned_activity_may_come_back_while_verification_runs(
    harness: Harness,
    payload,  # type: ignore[no-untyped-def]
    clock: Callable[[dt.datetime], None],
) -> None:
    admin = "admin.lampung"
    set_(harness, admin, 2023, SUBMISSION, dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    set_(harness, admin, 2023, "verification", dt.date(2023, 3, 16), dt.date(2023, 4, 14))
    clock(utc(2023, 3, 10, 3))
    activity_id = harness.create("dpppa.staf", payload()).id
    harness.walk(activity_id, "submit", "approve")
    harness.walk(activity_id, "return", comment="Lengkapi RAB.")
    clock(utc(2023, 4, 3, 3))  # after submission's end, inside verification's
    assert submit_refusal(harness, "dpppa.staf", activity_id) is None
    other = harness.create("dpppa.staf", payload()).id  # a new draft is still refused
    assert "15 Maret 2023" in (submit_refusal(harness, "dpppa.staf", other) or "")


def test_who_may_set_and_extend(harness: Harness) -> None:
    start, end = dt.date(2023, 1, 2), dt.date(2023, 3, 15)
    with pytest.raises(NotAllowed):  # Bappeda extends, but does not set the calendar
        set_(harness, "bappeda.verifikator", 2023, SUBMISSION, start, end)
    with pytest.raises(NotAllowed):
        set_(harness, "dpppa.staf", 2023, SUBMISSION, start, end)
    with pytest.raises(NotFound):  # nothing to extend yet
        extend(harness, "bappeda.verifikator", 2023, SUBMISSION, end, "alasan")
    set_(harness, "admin.lampung", 2023, SUBMISSION, start, end)
    with pytest.raises(NotAllowed):
        extend(harness, "dpppa.staf", 2023, SUBMISSION, dt.date(2023, 3, 31), "alasan")
    with pytest.raises(NotAllowed):
        extend(harness, "gubernur", 2023, SUBMISSION, dt.date(2023, 3, 31), "alasan")
    # Another province's years are not the admin's: Sulawesi Tengah plans 2025-2029.
    sulteng = replace(harness, province="sulteng")
    with pytest.raises(NotFound):
        set_(sulteng, "sulteng.admin", 2023, SUBMISSION, start, end)
    with pytest.raises(NotFound):
        set_(harness, "admin.lampung", 2023, "lainnya", start, end)


def test_bad_windows_name_every_field_and_change_nothing(harness: Harness) -> None:
    with pytest.raises(RuleFailed) as err:
        set_(harness, "admin.lampung", 2023, SUBMISSION, dt.date(2030, 1, 2), dt.date(2023, 1, 1))
    assert {(v.code, v.field) for v in err.value.violations} == {
        ("date_outside_cycle", "starts_on"),
        ("ends_before_start", "ends_on"),
    }
    set_(harness, "admin.lampung", 2023, SUBMISSION, dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    with pytest.raises(RuleFailed) as err:
        extend(harness, "admin.lampung", 2023, SUBMISSION, dt.date(2023, 3, 15), "  ")
    assert {(v.code, v.field) for v in err.value.violations} == {
        ("not_later", "ends_on"),
        ("required", "reason"),
    }
    assert "15 Maret 2023" in err.value.violations[0].message
    with harness.session() as s:
        actions = s.execute(select(AdminAuditEntry.action)).scalars().all()
    assert actions == ["calendar.set"]


# --- deadlines and waiting times (no database) ------------------------------------------------

CAL = WorkingCalendar()
# 2023: Nyepi on Wednesday 22 March, cuti bersama on Thursday 23 March.
FRIDAY = dt.date(2023, 3, 24)


def window(end: dt.date, kind: WindowKind = WindowKind.VERIFICATION) -> Window:
    return Window(2023, kind, dt.date(2023, 3, 1), end)


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (dt.date(2023, 3, 20), 3),  # Mon: Mon, Tue, Fri (Nyepi and its cuti bersama skipped)
        (dt.date(2023, 3, 21), 2),  # Tue: Tue, Fri
        (dt.date(2023, 3, 22), 1),  # Nyepi: only Friday remains
        (dt.date(2023, 3, 24), 1),  # the last day itself
        (dt.date(2023, 3, 18), 3),  # Saturday before: the weekend does not count
    ],
)
def test_days_left_count_working_days_through_the_last_day(today: dt.date, left: int) -> None:
    d = deadline(window(FRIDAY), CAL, today)
    assert (d.passed, d.days_left, d.overdue) == (False, left, 0)


def test_a_passed_deadline_counts_working_days_since() -> None:
    assert deadline(window(FRIDAY), CAL, dt.date(2023, 3, 26)).passed  # Sunday after
    assert deadline(window(FRIDAY), CAL, dt.date(2023, 3, 26)).overdue == 0
    assert deadline(window(FRIDAY), CAL, dt.date(2023, 3, 28)).overdue == 2  # Mon, Tue


def test_each_stage_works_toward_its_window() -> None:
    submission = Window(2023, WindowKind.SUBMISSION, dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    verification = Window(2023, WindowKind.VERIFICATION, dt.date(2023, 3, 16), FRIDAY)
    signoff = Window(2023, WindowKind.SIGNOFF, dt.date(2023, 4, 3), dt.date(2023, 4, 28))
    windows = {(w.year, w.kind): w for w in (submission, verification, signoff)}
    assert window_of(windows, 2023, StateKind.DRAFTING) == submission
    assert window_of(windows, 2023, StateKind.REVIEW) == verification
    assert window_of(windows, 2023, StateKind.BUDGET) == verification
    assert window_of(windows, 2023, StateKind.SIGNOFF) == signoff
    assert window_of(windows, 2023, StateKind.APPROVED) is None
    assert window_of(windows, 2024, StateKind.BUDGET) is None  # a year without a calendar
    returned = window_of(windows, 2023, StateKind.RETURNED)
    assert returned is not None and returned.ends_on == FRIDAY


def test_the_demo_plans_a_future_year_only(harness: Harness) -> None:
    """Sulawesi Tengah's plan runs to 2029: the demo gives that year a calendar, once; Lampung's
    plan (2022-2024) is past and gets none, so every demo activity moves as before."""
    from core.models import PlanningWindow, Province
    from core.seed import demo_calendar

    with harness.session() as s:
        provinces = {p.code: p for p in s.execute(select(Province)).scalars()}
        assert demo_calendar(s, provinces["lampung"]) == 0
        assert demo_calendar(s, provinces["sulteng"]) == 3
        assert demo_calendar(s, provinces["sulteng"]) == 0
        rows = s.execute(select(PlanningWindow.year, PlanningWindow.kind)).all()
    assert sorted(tuple(r) for r in rows) == [
        (2029, "signoff"),
        (2029, "submission"),
        (2029, "verification"),
    ]
    sulteng = replace(harness, province="sulteng")
    activity_id = sulteng.create("sulteng.dp3a.staf", sulteng_payload(sulteng.plan_id())).id
    assert submit_refusal(sulteng, "sulteng.dp3a.staf", activity_id) is None  # year 2026


def test_windows_read_with_the_activity_decide_as_the_rule_reads_them(
    harness: Harness,
    payload,  # type: ignore[no-untyped-def]
) -> None:
    """A caller that read the windows already (with the activity, issue 17) passes them: the
    rule decides on them alone, exactly as on the ones it would read."""
    from core.services.transitions.load import load

    start, end = dt.date(2023, 1, 2), dt.date(2023, 3, 15)
    set_(harness, "admin.lampung", 2023, SUBMISSION, start, end)
    activity_id = harness.create("dpppa.staf", payload()).id
    late = utc(2023, 3, 20, 3)
    with harness.session() as s:
        loaded = load(s, activity_id)
        assert loaded is not None
        rule = planning_calendar.submission_violations
        args = (s, harness.runtime.workflow, loaded.view, loaded.province_id)
        zone = harness.runtime.info.timezone
        read = rule(*args, zone, now=late)
        assert [v.code for v in read] == ["submission_closed"]
        given = {(2023, WindowKind.SUBMISSION): Window(2023, WindowKind.SUBMISSION, start, end)}
        assert rule(*args, zone, now=late, windows=given) == read
        assert rule(*args, zone, now=late, windows={}) == []  # what is given decides
