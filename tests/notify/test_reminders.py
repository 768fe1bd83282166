"""Reminders and escalation from database timestamps, counted in working days of the province
calendar (Idul Fitri 1446 H and its cuti bersama: 28 March – 7 April 2025 has one working day)."""

from __future__ import annotations

import datetime as dt
import threading

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select, update

from core.models import Activity, OutboxMessage, Reminder, User
from core.notifications import MailSettings, deliver, due, send_reminders
from core.testing import Harness
from sepakat.cli import main
from tests.helpers import lampung_payload
from tests.notify.conftest import PUBLIC_URL, AppFactory
from tests.notify.queries import inbox, outbox, submit

WIB = dt.timedelta(hours=7)
# Thursday 27 March 2025, 10.00 WIB: the last working day before Nyepi and Idul Fitri.
ARRIVED = dt.datetime(2025, 3, 27, 10, 0) - WIB


def noon(day: dt.date) -> dt.datetime:
    """12.00 WIB on ``day``, as the naive UTC the database stores."""
    return dt.datetime.combine(day, dt.time(12)) - WIB


def arrived_at(h: Harness, activity_id: int, at: dt.datetime) -> None:
    with h.session() as s:
        s.execute(update(Activity).where(Activity.id == activity_id).values(state_changed_at=at))
        s.commit()


def send(h: Harness, day: dt.date) -> list[int]:
    with h.session() as s:
        return send_reminders(s, h.registry, noon(day))


def recipients(h: Harness, ids: list[int]) -> list[tuple[str, str]]:
    with h.session() as s:
        rows = s.execute(
            select(OutboxMessage.kind, User.username)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
        )
        return [(r[0], r[1]) for r in rows]


def test_reminder_after_n_working_days_with_holidays_and_only_once(harness: Harness) -> None:
    assert harness.registry.get("lampung").reminder_days == 5
    activity_id = submit(harness).activity_id
    arrived_at(harness, activity_id, ARRIVED)
    # 12 weekdays later, but Nyepi, Idul Fitri and cuti bersama leave 5 working days: not yet.
    assert send(harness, dt.date(2025, 4, 14)) == []
    ids = send(harness, dt.date(2025, 4, 15))
    assert recipients(harness, ids) == [("reminder", "dpppa.kepala")]
    assert send(harness, dt.date(2025, 4, 15)) == []
    assert send(harness, dt.date(2025, 4, 16)) == []
    with harness.session() as s:
        [row] = s.execute(select(Reminder)).scalars()
    assert (row.activity_id, row.stage, row.revision_round, row.level) == (
        activity_id,
        "opd_review",
        0,
        "reminder",
    )
    with harness.session() as s:
        deliver(s, ids[0], MailSettings(None, "noreply@sepakat.local", PUBLIC_URL))
    [notification] = inbox(harness)
    assert notification.message == (
        'Pengingat: "Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji" menunggu '
        "tindakan pada tahap Reviu Kepala OPD sejak 27 Maret 2025 (6 hari kerja)."
    )


def test_escalation_to_the_province_admin_after_2n_working_days(harness: Harness) -> None:
    activity_id = submit(harness).activity_id
    arrived_at(harness, activity_id, ARRIVED)
    # 22 April is the 10th working day (Good Friday, 18 April, is a holiday): reminder only.
    first = send(harness, dt.date(2025, 4, 22))
    assert recipients(harness, first) == [("reminder", "dpppa.kepala")]
    second = send(harness, dt.date(2025, 4, 23))
    assert recipients(harness, second) == [("escalation", "admin.lampung")]
    assert send(harness, dt.date(2025, 5, 30)) == []
    payload = outbox(harness)[-1].payload
    assert (payload["working_days"], payload["limit"], payload["stage"]) == (11, 10, "opd_review")


def test_each_stage_and_revision_round_is_reminded_on_its_own(harness: Harness) -> None:
    activity_id = submit(harness).activity_id
    arrived_at(harness, activity_id, ARRIVED)
    assert recipients(harness, send(harness, dt.date(2025, 4, 15))) == [
        ("reminder", "dpppa.kepala")
    ]
    harness.act("dpppa.kepala", activity_id, "return", comment="Lengkapi indikator.")
    arrived_at(harness, activity_id, ARRIVED)
    # Back with the OPD staff in revision round 1: a new stage, a new reminder.
    assert recipients(harness, send(harness, dt.date(2025, 4, 15))) == [("reminder", "dpppa.staf")]
    harness.act("dpppa.staf", activity_id, "submit")
    arrived_at(harness, activity_id, ARRIVED)
    # opd_review again, but in round 1: reminded again.
    assert recipients(harness, send(harness, dt.date(2025, 4, 15))) == [
        ("reminder", "dpppa.kepala")
    ]


def test_drafts_and_finished_activities_are_never_reminded(harness: Harness) -> None:
    draft = harness.create("dpppa.staf", lampung_payload(harness.plan_id()))
    arrived_at(harness, draft.id, ARRIVED)
    rejected = submit(harness).activity_id
    harness.move(
        rejected,
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "reject", {"comment": "Tidak sesuai fokus RAD."}),
    )
    arrived_at(harness, rejected, ARRIVED)
    with harness.session() as s:
        assert due(s, harness.registry, noon(dt.date(2025, 12, 31))) == []


def test_concurrent_runs_send_each_reminder_once(pg: Harness) -> None:
    for _ in range(3):
        arrived_at(pg, submit(pg).activity_id, ARRIVED)
    results: list[list[int]] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with pg.session() as s:
            barrier.wait()
            results.append(send_reminders(s, pg.registry, noon(dt.date(2025, 4, 23))))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    sent = sorted(results[0] + results[1])
    assert len(sent) == 6  # three reminders and three escalations, whoever wrote them
    assert len([m for m in outbox(pg) if m.kind != "transition"]) == 6


def test_the_reminder_job_runs_from_the_command_line_without_redis(
    pg: Harness, app_factory: AppFactory
) -> None:
    """``sepakat jobs reminders`` (cron-able without a broker): due now, delivered in process."""
    activity_id = submit(pg).activity_id
    arrived_at(pg, activity_id, dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(60))
    app = app_factory(None, None)
    result = CliRunner().invoke(main, ["jobs", "reminders"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Pengingat dan eskalasi dibuat: 2." in result.output
    kinds = {(n.kind, n.user_id) for n in inbox(pg)}
    with pg.session() as s:
        users = {r[0]: r[1] for r in s.execute(select(User.username, User.id))}
    assert kinds == {
        ("reminder", users["dpppa.kepala"]),
        ("escalation", users["admin.lampung"]),
    }
