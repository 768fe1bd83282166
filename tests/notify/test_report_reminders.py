"""Progress reports' due dates, reminders, overdue notices and escalation (issue 14), counted in
working days of the province's zone with the clock frozen at its midnights, on both backends.

Lampung (WIB): the planning calendar moves Semester I 2023's report from 10 July to Friday
22 December 2023; Christmas (25th) and its cuti bersama (26th) make Wednesday the 27th the first
working day after it, and New Year's Day puts the sixth working day of lateness on 4 January.
Sulawesi Tengah (WITA): the yearly report of 2026, due Sunday 31 January 2027 by the hook, moved
to Thursday 4 February; the cuti bersama of Imlek (Friday 5th) makes Monday the 8th the first
working day after it."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from core.models import Activity, Notification, OutboxMessage, ProgressReport, ReportReminder, User
from core.notifications import MailSettings, deliver, send_reminders
from core.notifications.language import Catalogues
from core.notifications.text import INDONESIAN, Composed, compose
from core.services import report_periods
from core.services.planning_calendar import set_window
from core.testing import Harness
from core.workflow import StateKind
from tests.notify.conftest import PUBLIC_URL
from tests.plugins.conftest import sulteng_payload

DECREE = "G/288/V.09/HK/2022"
DONE = {"output_target": 60, "output_realised": 40, "output_unit": "orang"}
WIB, WITA = dt.timedelta(hours=7), dt.timedelta(hours=8)
TRANSLATIONS = str(Path(__file__).parents[2] / "web" / "ui" / "translations")
ENGLISH = Catalogues((TRANSLATIONS,)).reader("en")


def midnight(day: dt.date, offset: dt.timedelta) -> dt.datetime:
    """00.00 local time of ``day`` in a zone ``offset`` ahead of UTC, as UTC."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - offset


def just_before(day: dt.date, offset: dt.timedelta) -> dt.datetime:
    return midnight(day, offset) - dt.timedelta(seconds=1)


def send(h: Harness, at: dt.datetime) -> list[tuple[str, str, str, str]]:
    """Run the reminders job at ``at``: the report reminders written, as (period, level,
    stage, username) in order."""
    with h.session() as s:
        ids = send_reminders(s, h.registry, at)
    return told(h, ids)


def told(h: Harness, ids: list[int]) -> list[tuple[str, str, str, str]]:
    with h.session() as s:
        rows = s.execute(
            select(OutboxMessage.payload, User.username)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.kind == "report_reminder")
            .order_by(OutboxMessage.id)
        )
        return [(p["period"], p["level"], p["stage"], u) for p, u in rows]


def messages(h: Harness, at: dt.datetime, period: str = "S1") -> dict[str, str]:
    """Deliver the job's report reminders of ``period``: username → inbox line."""
    with h.session() as s:
        ids = send_reminders(s, h.registry, at)
    out: dict[str, str] = {}
    for outbox_id in ids:
        with h.session() as s:
            row = s.get(OutboxMessage, outbox_id)
            assert row is not None
            if row.kind != "report_reminder" or row.payload["period"] != period:
                continue
            delivered = deliver(s, outbox_id, MailSettings(None, "noreply@x.test", PUBLIC_URL))
            assert delivered is not None
            n = s.get(Notification, delivered.notification_id)
            user = s.get(User, row.recipient_id)
            assert n is not None and user is not None
            out[user.username] = n.message
    return out


def signed_lampung(h: Harness, payload: Any) -> int:
    activity_id = h.create("dpppa.staf", payload()).id
    h.walk(activity_id, "submit", "approve", "confirm_budget", "sign", decree_number=DECREE)
    return activity_id


def registration(h: Harness, activity_id: int) -> str:
    with h.session() as s:
        number = s.get(Activity, activity_id)
        assert number is not None and number.registration_number
        return number.registration_number


def move_due(h: Harness, user: str, year: int, kind: str, end: dt.date) -> None:
    with h.session() as s:
        set_window(s, h.actor(user), year, kind, end - dt.timedelta(days=30), end, h.runtime)


def due_on(h: Harness, plan_code: str, year: int, code: str) -> dt.date | None:
    with h.session() as s:
        province_id = h.actor("admin.lampung" if h.province == "lampung" else "sulteng.admin")
        return report_periods.due_on(s, h.runtime, province_id.province_id, plan_code, year, code)


def plan_code(h: Harness) -> str:
    return h.runtime.info.plans[0].code


def test_lampung_due_date_moved_reminded_overdue_and_escalated_once_in_wib(
    harness: Harness, payload: Any
) -> None:
    h = harness
    activity_id = signed_lampung(h, payload)
    reg = registration(h, activity_id)
    assert due_on(h, plan_code(h), 2023, "S1") == dt.date(2023, 7, 10)  # the hook's
    move_due(h, "admin.lampung", 2023, "report_S1", dt.date(2023, 12, 22))
    assert due_on(h, plan_code(h), 2023, "S1") == dt.date(2023, 12, 22)  # the calendar's
    assert due_on(h, plan_code(h), 2023, "S2") == dt.date(2024, 1, 10)  # unmoved

    # Monday 18 December: 18-22 are five working days left, as many as reminder_days.
    assert send(h, just_before(dt.date(2023, 12, 16), WIB)) == []  # Friday the 15th: six
    lines = messages(h, midnight(dt.date(2023, 12, 18), WIB))
    assert lines == {
        "dpppa.staf": f"Pengingat: Laporan Semester I 2023 atas «Pelatihan mediasi konflik bagi "
        f"perempuan di Kabupaten Mesuji» ({reg}) jatuh tempo 22 Desember 2023 (sisa 5 hari kerja)."
    }
    assert send(h, midnight(dt.date(2023, 12, 22), WIB)) == []  # once; the last day: not late

    # Christmas and its cuti bersama are no working days: nothing on the 26th, even at 23.59.
    assert send(h, midnight(dt.date(2023, 12, 26), WIB)) == []
    assert send(h, just_before(dt.date(2023, 12, 27), WIB)) == []
    lines = messages(h, midnight(dt.date(2023, 12, 27), WIB))
    assert sorted(lines) == ["dpppa.kepala", "dpppa.staf"]
    assert lines["dpppa.kepala"] == (
        f"Laporan Semester I 2023 atas «Pelatihan mediasi konflik bagi perempuan di Kabupaten "
        f"Mesuji» ({reg}) terlambat 1 hari kerja: jatuh tempo 22 Desember 2023 dan belum diajukan."
    )
    assert send(h, midnight(dt.date(2023, 12, 28), WIB)) == []  # written once

    # 27, 28, 29 December, 2, 3 January: five late; 4 January the sixth → the Pokja.
    assert [t for t in send(h, just_before(dt.date(2024, 1, 4), WIB)) if t[0] == "S1"] == []
    lines = messages(h, midnight(dt.date(2024, 1, 4), WIB))
    assert lines == {
        "pokja.lampung": f"Eskalasi: Laporan Semester I 2023 atas «Pelatihan mediasi konflik bagi "
        f"perempuan di Kabupaten Mesuji» ({reg}) dari OPD DPPPA terlambat 6 hari kerja (jatuh "
        "tempo 22 Desember 2023) dan belum diajukan."
    }
    assert [t for t in send(h, midnight(dt.date(2024, 1, 5), WIB)) if t[0] == "S1"] == []
    with h.session() as s:
        rows = s.execute(
            select(ReportReminder.period, ReportReminder.stage, ReportReminder.level)
            .where(ReportReminder.period == "S1")
            .order_by(ReportReminder.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("S1", "due", "reminder"),
        ("S1", "due", "overdue"),
        ("S1", "due", "escalation"),
    ]


def test_a_submitted_report_stops_the_due_reminders_and_waits_at_its_stage(
    harness: Harness, payload: Any
) -> None:
    h = harness
    activity_id = signed_lampung(h, payload)
    report = h.file_report("dpppa.staf", activity_id, 2023, "S1", **DONE, budget_realised=9)
    # A draft is not submitted: the due date's reminder still goes out, and asks for it.
    lines = messages(h, midnight(dt.date(2023, 7, 4), WIB))
    assert list(lines) == ["dpppa.staf"] and "jatuh tempo 10 Juli 2023" in lines["dpppa.staf"]
    assert [(n.stage, n.done_at) for n in due_items(h)] == [("due", None)]
    h.report_walk(report.id, "submit")
    at_review = h.report(report.id)
    # Submitted on 7 July 2023 (Friday): no overdue notice after the 10th, and the next run
    # marks the due date's item done.
    with h.session() as s:
        s.execute(
            update(ProgressReport)
            .where(ProgressReport.id == report.id)
            .values(state_changed_at=dt.datetime(2023, 7, 7, 3))
        )
        s.commit()
    assert send(h, midnight(dt.date(2023, 7, 11), WIB)) == []
    assert [n.done_at for n in due_items(h)] == [midnight(dt.date(2023, 7, 11), WIB)]
    # 10, 11, 12, 13, 14 July: five working days at the Kepala OPD's; the 17th is the sixth.
    assert send(h, midnight(dt.date(2023, 7, 14), WIB)) == []
    stage = h.runtime.report_workflow.state(at_review.state)
    assert stage is not None and stage.kind is StateKind.REVIEW
    sent = send(h, midnight(dt.date(2023, 7, 17), WIB))
    assert sent == [("S1", "reminder", at_review.state, "dpppa.kepala")]
    assert send(h, midnight(dt.date(2023, 7, 18), WIB)) == []


def due_items(h: Harness) -> list[Notification]:
    with h.session() as s:
        found = select(Notification).where(Notification.kind == "report_reminder")
        return list(s.execute(found.order_by(Notification.id)).scalars())


def test_sulteng_due_date_counted_at_palu_midnight_wita(harness: Harness) -> None:
    h = Harness(harness.factory, harness.registry, province="sulteng")
    created = h.create("sulteng.dp3a.staf", sulteng_payload(h.plan_id()))
    signed_state = h.runtime.workflow.codes(StateKind.APPROVED)[0]
    with h.session() as s:  # signed: the route to it is Sulteng's own (tests/plugins)
        s.execute(update(Activity).where(Activity.id == created.id).values(state=signed_state))
        s.commit()
    code = plan_code(h)
    assert due_on(h, code, 2026, "T") == dt.date(2027, 1, 31)  # the core hook's: a Sunday
    move_due(h, "sulteng.admin", 2026, "report_T", dt.date(2027, 2, 4))
    assert due_on(h, code, 2026, "T") == dt.date(2027, 2, 4)

    assert send(h, just_before(dt.date(2027, 1, 29), WITA)) == []  # Thursday the 28th: six left
    assert send(h, midnight(dt.date(2027, 1, 29), WITA)) == [
        ("T", "reminder", "due", "sulteng.dp3a.staf")
    ]
    # Friday 5 February is cuti bersama: no working day, so nothing before Monday 00.00 WITA
    # (which is still Sunday 23.00 in WIB).
    assert send(h, midnight(dt.date(2027, 2, 5), WITA)) == []
    assert send(h, just_before(dt.date(2027, 2, 8), WITA)) == []
    overdue = send(h, midnight(dt.date(2027, 2, 8), WITA))
    assert {(lvl, user) for _, lvl, _, user in overdue} == {
        ("overdue", "sulteng.dp3a.staf"),
        ("overdue", "sulteng.dp3a.kepala"),
    }
    # 8-12 February: five late; Monday the 15th the sixth → every Pokja member, once.
    assert send(h, just_before(dt.date(2027, 2, 13), WITA)) == []  # Friday the 12th: five
    escalation = send(h, midnight(dt.date(2027, 2, 15), WITA))
    assert {(lvl, user) for _, lvl, _, user in escalation} == {
        ("escalation", "sulteng.pokja1"),
        ("escalation", "sulteng.pokja2"),
        ("escalation", "sulteng.pokja3"),
    }
    assert send(h, midnight(dt.date(2027, 2, 16), WITA)) == []


def _reminder_payload(**changes: Any) -> dict[str, Any]:
    return {
        "subject": "report",
        "activity_id": 7,
        "title": "Pelatihan mediasi",
        "registration_number": "LPG-2023-0042",
        "opd": "dpppa",
        "year": 2023,
        "period": "S1",
        "period_label": "Semester I",
        "due_on": "2023-07-10",
        "stage": "due",
        "revision_round": 0,
        "limit": 5,
        "days_left": 3,
        "overdue": 0,
        "open_states": ["draft", "returned"],
    } | changes


def composed(kind: str, payload: dict[str, Any], english: bool = False) -> Composed:
    """The texts of one message, written on 5 July 2023 at 08.00 WIB."""
    return compose(
        kind,
        payload,
        recipient_name="Rina",
        created_at=dt.datetime(2023, 7, 5, 1),
        public_url=PUBLIC_URL,
        zone="Asia/Jakarta",
        reader=ENGLISH if english else INDONESIAN,
    )


def _line(payload: dict[str, Any], english: bool = False) -> str:
    return composed("report_reminder", payload, english).message


def test_report_reminders_read_naturally_in_both_languages() -> None:
    soon = _reminder_payload(level="reminder")
    late = _reminder_payload(level="overdue", days_left=0, overdue=1)
    escalated = _reminder_payload(level="escalation", days_left=0, overdue=6)
    waiting = _reminder_payload(
        level="reminder",
        stage="head_review",
        stage_label="Persetujuan Kepala OPD",
        since="2023-07-07",
        working_days=6,
        report_id=3,
    )
    name = "Laporan Semester I 2023 atas «Pelatihan mediasi» (LPG-2023-0042)"
    assert _line(soon) == f"Pengingat: {name} jatuh tempo 10 Juli 2023 (sisa 3 hari kerja)."
    assert _line(late) == (
        f"{name} terlambat 1 hari kerja: jatuh tempo 10 Juli 2023 dan belum diajukan."
    )
    assert _line(escalated) == (
        f"Eskalasi: {name} dari OPD DPPPA terlambat 6 hari kerja (jatuh tempo 10 Juli 2023) dan "
        "belum diajukan."
    )
    assert _line(waiting) == (
        f"Pengingat: {name} menunggu tindakan pada tahap Persetujuan Kepala OPD sejak 7 Juli "
        "2023 (6 hari kerja)."
    )
    named = "the Semester I 2023 report on «Pelatihan mediasi» (LPG-2023-0042)"
    assert _line(soon, True) == (f"Reminder: {named} is due on 10 July 2023 (3 working days left).")
    assert _line(late, True) == (
        f"{named[0].upper()}{named[1:]} is 1 working day overdue: it was due on 10 July 2023 "
        "and has not been submitted."
    )
    assert _line(escalated, True) == (
        f"Escalation: {named} from DPPPA is 6 working days overdue (due on 10 July 2023) and has "
        "not been submitted."
    )
    assert _line(waiting, True) == (
        f"Reminder: {named} has been awaiting action at Approval by head of agency since "
        "7 July 2023 (6 working days)."
    )


def test_concurrent_runs_write_each_report_reminder_once(pg: Harness, payload_pg: Any) -> None:
    """Two jobs at the same moment (two workers with beat): the unique key lets one write each
    reminder. Thursday 20 July 2023: Semester I (due the 10th) is seven working days late, the
    1 Muharram holiday on the 19th not counted, so the overdue notice and the escalation are
    both due."""
    signed_lampung(pg, payload_pg)
    results: list[list[int]] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with pg.session() as s:
            barrier.wait()
            results.append(send_reminders(s, pg.registry, midnight(dt.date(2023, 7, 20), WIB)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    written = told(pg, results[0] + results[1])
    assert sorted(written) == [
        ("S1", "escalation", "due", "pokja.lampung"),
        ("S1", "overdue", "due", "dpppa.kepala"),
        ("S1", "overdue", "due", "dpppa.staf"),
    ]
    with pg.session() as s:
        late = s.execute(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "report_reminder")
        )
        assert {p["overdue"] for p in late.scalars()} == {7}


def test_a_due_date_past_the_horizon_is_not_reminded_of(harness: Harness, payload: Any) -> None:
    """A province starting Sepakat late, or a period long overdue: the job tells nobody of due
    dates more than a quarter past (the monitoring still lists the report as missing)."""
    h = harness
    signed_lampung(h, payload)  # its one year, 2023: S1 due 10 July 2023, S2 10 January 2024
    # Monday 12 February 2024: S2 is 23 working days late (escalated); S1 is 217 days past.
    told_now = send(h, midnight(dt.date(2024, 2, 12), WIB))
    assert {(period, level) for period, level, _, _ in told_now} == {
        ("S2", "overdue"),
        ("S2", "escalation"),
    }
    assert ("S2", "escalation", "due", "pokja.lampung") in told_now
