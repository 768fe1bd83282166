"""The pages show every time in the zone of the viewer's province (which is the province of
every activity they can see): Palu reads WITA, Bandar Lampung WIB, each at the right hour, and
a moment late in the evening falls on the next day in Palu. On both backends."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select, update

from core.models import Activity, AuditEntry, Notification
from core.notifications import MailSettings, deliver
from core.testing import Harness
from core.timezones import local_time
from tests.helpers import lampung_payload
from tests.plugins.conftest import sulteng_payload
from tests.ui.conftest import Ui, text
from web.ui.formatting import tanggal, waktu

# Monday 2 March 2026, 07.38 UTC: 14.38 WIB, 15.38 WITA.
MOMENT = dt.datetime(2026, 3, 2, 7, 38, tzinfo=dt.UTC)
# 23.30 WIB on Monday 2 March is 00.30 WITA on Tuesday 3 March.
LATE = dt.datetime(2026, 3, 2, 16, 30, tzinfo=dt.UTC)

PROVINCES = {
    # province: (staff, head, zone, inbox time, day of LATE)
    "sulteng": (
        "sulteng.dp3a.staf",
        "sulteng.dp3a.kepala",
        "Asia/Makassar",
        "2 Maret 2026 pukul 15.38 WITA",
        "3 Maret 2026",
    ),
    "lampung": (
        "dpppa.staf",
        "dpppa.kepala",
        "Asia/Jakarta",
        "2 Maret 2026 pukul 14.38 WIB",
        "2 Maret 2026",
    ),
}


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Unlike the other pages' tests, both backends: the times come back from timestamptz."""
    return str(request.param)


def _submitted_and_delivered(h: Harness, province: str) -> int:
    staff = PROVINCES[province][0]
    plan_id = h.plan_id(province)
    body = sulteng_payload(plan_id) if province == "sulteng" else lampung_payload(plan_id)
    activity_id = h.create(staff, body).id
    [outbox_id] = h.act(staff, activity_id, "submit").outbox_ids
    with h.session() as s:
        deliver(s, outbox_id, MailSettings(None, "noreply@sepakat.test", "http://x"))
        # The inbox row at a known moment; the activity waiting since late on a Monday.
        s.execute(update(Notification).values(created_at=MOMENT))
        s.execute(update(Activity).where(Activity.id == activity_id).values(state_changed_at=LATE))
        s.commit()
    return activity_id


@pytest.mark.parametrize("province", sorted(PROVINCES))
def test_pages_read_the_provinces_zone(ui: Ui, harness: Harness, province: str) -> None:
    _, head, zone, inbox_time, late_day = PROVINCES[province]
    activity_id = _submitted_and_delivered(harness, province)
    other = "WIB" if zone == "Asia/Makassar" else "WITA"
    ui.login(head)

    inbox = text(ui.get("/notifikasi/"))
    assert inbox_time in inbox
    assert f" {other}" not in inbox

    dashboard = text(ui.get("/"))
    assert f"sejak {late_day}" in dashboard  # waiting since: the province's calendar day

    detail = text(ui.get(f"/kegiatan/{activity_id}"))
    with harness.session() as s:
        stamps = s.execute(
            select(AuditEntry.at).where(AuditEntry.activity_id == activity_id)
        ).scalars()
        clocks = {local_time(at, zone).clock for at in stamps}
    assert clocks and all(f"pukul {clock}" in detail for clock in clocks)
    assert not re.search(rf"pukul \d\d\.\d\d {other}\b", detail)


def test_an_english_page_reads_the_zone_too(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        assert waktu(MOMENT, "Asia/Makassar") == "2 March 2026 at 15:38 WITA"
        assert tanggal(LATE, "Asia/Makassar") == "3 March 2026"
        assert waktu(MOMENT) == "2 March 2026 at 14:38 WIB"  # nobody logged in: WIB


def test_queue_dates_follow_the_province(ui: Ui, harness: Harness) -> None:
    """Bappeda's queue lists 'since' dates; in Palu a late-evening arrival is the next day."""
    h = harness
    activity_id = h.create("sulteng.dp3a.staf", sulteng_payload(h.plan_id("sulteng"))).id
    h.move(
        activity_id,
        ("sulteng.dp3a.staf", "submit"),
        ("sulteng.dp3a.kepala", "approve"),
        ("sulteng.pokja1", "setujui_pokja"),  # two of the three Pokja reviewers
        ("sulteng.pokja2", "setujui_pokja"),
    )
    with h.session() as s:
        s.execute(update(Activity).where(Activity.id == activity_id).values(state_changed_at=LATE))
        s.commit()
    ui.login("sulteng.bappeda")
    queue = text(ui.get("/antrean/"))
    assert "sejak 3 Maret 2026" in queue
