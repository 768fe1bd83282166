"""Reminders count toward the planning calendar's deadline: with a verification window ending
on Friday 24 March 2023 (Nyepi and its cuti bersama on the 22nd and 23rd), a Kepala OPD is
reminded on Tuesday after one working day of waiting, because only two are left; once the
deadline has passed the province admin gets the escalation. Without a calendar the same
activity is not due yet. Both backends."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.models import OutboxMessage
from core.notifications import MailSettings, deliver
from core.services.planning_calendar import set_window
from core.testing import Harness
from tests.notify.conftest import PUBLIC_URL
from tests.notify.queries import inbox, submit
from tests.notify.test_reminders import arrived_at, recipients, send

WIB = dt.timedelta(hours=7)
ARRIVED = dt.datetime(2023, 3, 20, 10, 0, tzinfo=dt.UTC) - WIB  # Monday, 10.00 WIB


def _waiting_kepala(h: Harness) -> int:
    activity_id = submit(h).activity_id  # year 2023: at the Kepala OPD's review
    arrived_at(h, activity_id, ARRIVED)
    return activity_id


def _verification_until(h: Harness, end: dt.date) -> None:
    with h.session() as s:
        set_window(s, h.actor("admin.lampung"), 2023, "verification", dt.date(2023, 3, 1), end)


def test_without_a_calendar_one_working_day_is_not_due(harness: Harness) -> None:
    _waiting_kepala(harness)
    assert send(harness, dt.date(2023, 3, 21)) == []


def test_a_near_deadline_brings_the_reminder_forward(harness: Harness) -> None:
    _waiting_kepala(harness)
    _verification_until(harness, dt.date(2023, 3, 24))
    ids = send(harness, dt.date(2023, 3, 21))  # Tuesday: Tuesday and Friday are left
    assert recipients(harness, ids) == [("reminder", "dpppa.kepala")]
    with harness.session() as s:
        payload = s.execute(select(OutboxMessage.payload).where(OutboxMessage.id == ids[0]))
        [body] = payload.scalars()
        assert (body["deadline"], body["days_left"], body["working_days"]) == ("2023-03-24", 2, 1)
        deliver(s, ids[0], MailSettings(None, "noreply@sepakat.local", PUBLIC_URL))
    [notification] = inbox(harness)
    assert notification.message.endswith("Jadwal: batas 24 Maret 2023 · sisa 2 hari kerja.")
    assert send(harness, dt.date(2023, 3, 22)) == []  # once per stage and round


def test_a_passed_deadline_escalates_to_the_admin(harness: Harness) -> None:
    _waiting_kepala(harness)
    _verification_until(harness, dt.date(2023, 3, 24))
    assert [k for k, _ in recipients(harness, send(harness, dt.date(2023, 3, 21)))] == ["reminder"]
    assert send(harness, dt.date(2023, 3, 24)) == []  # the last day: not passed yet
    ids = send(harness, dt.date(2023, 3, 27))  # the Monday after
    assert recipients(harness, ids) == [("escalation", "admin.lampung")]


def test_a_far_deadline_leaves_the_usual_count(harness: Harness) -> None:
    _waiting_kepala(harness)
    _verification_until(harness, dt.date(2023, 5, 31))
    assert send(harness, dt.date(2023, 3, 21)) == []
    # 21, 24, 27, 28, 29 March are 5 working days (Nyepi and its cuti bersama skipped): not
    # more than 5 yet; the 30th is the sixth, the usual reminder.
    assert send(harness, dt.date(2023, 3, 29)) == []
    assert [k for k, _ in recipients(harness, send(harness, dt.date(2023, 3, 30)))] == ["reminder"]
