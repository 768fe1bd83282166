"""Notifications in the province's zone: a Palu official's e-mail reads WITA, a Lampung one's
WIB, each at the right hour; a reminder's working days end at the province's midnight. Real
SMTP (aiosmtpd), both backends."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import update

from core.models import Activity, OutboxMessage
from core.notifications import MailSettings, deliver, due
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.notify.conftest import PUBLIC_URL
from tests.notify.services import MailCatcher
from tests.plugins.conftest import sulteng_payload

# Monday 2 March 2026, 07.38 UTC: 14.38 WIB in Bandar Lampung, 15.38 WITA in Palu.
MOMENT = dt.datetime(2026, 3, 2, 7, 38, tzinfo=dt.UTC)
# Monday 6 July 2026, 16.30 UTC: 23.30 WIB on Monday, but 00.30 WITA on Tuesday. No holidays
# from here to the end of July.
LATE_MONDAY = dt.datetime(2026, 7, 6, 16, 30, tzinfo=dt.UTC)


def _submitted(h: Harness, province: str) -> tuple[int, list[int]]:
    """A new activity of ``province`` submitted by its DP3A/DPPPA staff: (id, outbox ids)."""
    if province == "sulteng":
        staff, body = "sulteng.dp3a.staf", sulteng_payload(h.plan_id("sulteng"))
    else:
        staff, body = "dpppa.staf", lampung_payload(h.plan_id("lampung"))
    activity_id = h.create(staff, body).id
    return activity_id, h.act(staff, activity_id, "submit").outbox_ids


def _mail_time(h: Harness, province: str, mail: MailCatcher, smtp_url: str) -> str:
    """The ``Waktu`` line of the e-mail a submission sends, created at ``MOMENT``."""
    _, [outbox_id] = _submitted(h, province)
    with h.session() as s:
        s.execute(
            update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(created_at=MOMENT)
        )
        s.commit()
        result = deliver(s, outbox_id, MailSettings(smtp_url, "noreply@sepakat.test", PUBLIC_URL))
    assert result is not None and result.email_status == "sent"
    [message] = mail.messages
    body = message.get_content()
    [line] = [x for x in body.splitlines() if x.startswith("Waktu")]
    return line.split(":", 1)[1].strip()


def test_a_palu_email_reads_wita(harness: Harness, mail: MailCatcher, smtp_url: str) -> None:
    assert _mail_time(harness, "sulteng", mail, smtp_url) == "2 Maret 2026 pukul 15.38 WITA"


def test_a_lampung_email_reads_wib(harness: Harness, mail: MailCatcher, smtp_url: str) -> None:
    assert _mail_time(harness, "lampung", mail, smtp_url) == "2 Maret 2026 pukul 14.38 WIB"


def _due_by_province(h: Harness, now: dt.datetime) -> dict[str, tuple[dt.date, int]]:
    with h.session() as s:
        return {d.province: (d.since, d.working_days) for d in due(s, h.registry, now)}


def test_reminder_days_end_at_the_provinces_midnight(harness: Harness) -> None:
    """Both activities arrive at the same instant, late on Monday in Lampung but already on
    Tuesday in Palu: Lampung's fifth working day ends a day earlier than Palu's."""
    sulteng = replace(harness, province="sulteng")
    assert {r.code: r.reminder_days for r in harness.registry} == {"lampung": 5, "sulteng": 5}
    for province in ("lampung", "sulteng"):
        activity_id, _ = _submitted(sulteng, province)
        with harness.session() as s:
            s.execute(
                update(Activity)
                .where(Activity.id == activity_id)
                .values(state_changed_at=LATE_MONDAY)
            )
            s.commit()
    # Tuesday 14 July, 10.00 WIB / 11.00 WITA: 6 working days in Lampung (7–14 July), 5 in Palu.
    tuesday = dt.datetime(2026, 7, 14, 3, 0, tzinfo=dt.UTC)
    assert _due_by_province(harness, tuesday) == {"lampung": (dt.date(2026, 7, 6), 6)}
    # Tuesday 23.30 WIB is Wednesday 00.30 WITA: Palu's sixth working day has begun.
    late_tuesday = dt.datetime(2026, 7, 14, 16, 30, tzinfo=dt.UTC)
    assert _due_by_province(harness, late_tuesday) == {
        "lampung": (dt.date(2026, 7, 6), 6),
        "sulteng": (dt.date(2026, 7, 7), 6),
    }
