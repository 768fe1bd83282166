"""The planning calendar on the pages: ``/admin/kalender`` for the admin (sets) and Bappeda
(extends), a submission refused on the activity page with the dates and accepted after the
extension, and the queues' waiting time and deadline in working days, oldest first (clock
frozen on Monday 20 March 2023; Nyepi and its cuti bersama on the 22nd and 23rd)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from core.models import Activity, AdminAuditEntry
from core.services import planning_calendar
from core.services.planning_calendar import set_window
from tests.ui.conftest import Ui, text
from web.ui import deadlines
from web.ui import planning_calendar as page

MONDAY = dt.datetime(2023, 3, 20, 3, tzinfo=dt.UTC)  # 10.00 WIB
WIB = dt.timedelta(hours=7)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (planning_calendar, deadlines, page):
        monkeypatch.setattr(module, "utcnow", lambda: MONDAY)


def plain(html: str) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def window(ui: Ui, kind: str, start: dt.date, end: dt.date) -> None:
    with ui.harness.session() as s:
        set_window(s, ui.harness.actor("admin.lampung"), 2023, kind, start, end)


def test_admin_sets_a_window_on_the_page(ui: Ui) -> None:
    ui.login("admin.lampung")
    page_text = text(ui.get("/admin/kalender/"))
    assert "Kalender perencanaan" in page_text and "Tahun 2024" in page_text
    assert "Belum dijadwalkan: tidak dibatasi." in page_text
    response = ui.post(
        "/admin/kalender/2023/submission", {"starts_on": "2023-01-02", "ends_on": "2023-03-15"}
    )
    assert response.status_code == 302
    shown = plain(text(ui.get(response.headers["Location"])))
    assert "Jadwal Pengajuan usulan OPD tahun 2023 tersimpan." in shown
    assert "2 Januari 2023 – 15 Maret 2023 · sudah ditutup" in shown
    with ui.harness.session() as s:
        assert s.execute(select(AdminAuditEntry.action)).scalars().all() == ["calendar.set"]


def test_bad_dates_are_shown_by_their_input_and_kept(ui: Ui) -> None:
    ui.login("admin.lampung")
    response = ui.post(
        "/admin/kalender/2023/submission", {"starts_on": "2023-03-15", "ends_on": "2023-01-02"}
    )
    assert response.status_code == 422
    html = text(response)
    assert "Tanggal akhir tidak boleh sebelum tanggal mulai." in html
    assert 'value="2023-03-15"' in html and 'aria-invalid="true"' in html
    response = ui.post("/admin/kalender/2023/submission", {"starts_on": "", "ends_on": ""})
    assert response.status_code == 422 and "Wajib diisi." in text(response)
    with ui.harness.session() as s:
        assert s.execute(select(AdminAuditEntry.id)).first() is None


def test_submission_refused_on_the_page_then_accepted_after_bappeda_extends(ui: Ui) -> None:
    window(ui, "submission", dt.date(2023, 1, 2), dt.date(2023, 3, 15))
    activity_id = ui.create()
    ui.login("dpppa.staf")
    response = ui.act(activity_id, "submit")
    assert response.status_code == 422
    assert (
        "Masa pengajuan usulan tahun 2023: 2 Januari – 15 Maret 2023 (WIB). "
        "Hubungi Bappeda untuk perpanjangan."
    ) in plain(text(response))
    bappeda = Ui(ui.client.application.test_client(), ui.harness)
    bappeda.login("bappeda.verifikator")
    html = text(bappeda.get("/admin/kalender/"))
    assert "Perpanjang" in html and "Simpan jadwal" not in html  # extends, does not set
    refused = bappeda.post(
        "/admin/kalender/2023/submission", {"starts_on": "2023-01-02", "ends_on": "2023-04-15"}
    )
    assert refused.status_code == 403
    extended = bappeda.post(
        "/admin/kalender/2023/submission/perpanjang",
        {"ends_on": "2023-03-31", "reason": "Perubahan struktur OPD"},
    )
    assert extended.status_code == 302
    shown = plain(text(bappeda.get("/admin/kalender/")))
    assert "(diperpanjang dari 15 Maret 2023) · sedang berjalan" in shown
    assert ui.act(activity_id, "submit").status_code == 302
    with ui.harness.session() as s:
        entries = s.execute(
            select(AdminAuditEntry.action, AdminAuditEntry.reason).order_by(AdminAuditEntry.id)
        ).all()
    assert [tuple(e) for e in entries] == [
        ("calendar.set", None),
        ("calendar.extend", "Perubahan struktur OPD"),
    ]


def test_others_are_refused_and_other_provinces_not_found(ui: Ui) -> None:
    ui.login("dpppa.staf")
    assert ui.get("/admin/kalender/").status_code == 403
    assert "/admin/kalender/" not in text(ui.get("/"))
    palu = Ui(ui.client.application.test_client(), ui.harness)
    palu.login("sulteng.admin")
    response = palu.post(
        "/admin/kalender/2023/submission", {"starts_on": "2023-01-02", "ends_on": "2023-03-15"}
    )
    assert response.status_code == 404  # 2023 is a Lampung plan year
    assert "Tahun 2023" not in text(palu.get("/admin/kalender/"))


def _in_budget_queue(ui: Ui, arrived: dt.datetime, title: str) -> int:
    activity_id = ui.create(title=title)
    ui.harness.walk(activity_id, "submit", "approve")
    with ui.harness.session() as s:
        s.execute(
            update(Activity).where(Activity.id == activity_id).values(state_changed_at=arrived)
        )
        s.commit()
    return activity_id


def test_queue_shows_waiting_and_deadline_in_working_days_oldest_first(ui: Ui) -> None:
    newer = _in_budget_queue(ui, dt.datetime(2023, 3, 16, 10, tzinfo=dt.UTC) - WIB, "Kegiatan B")
    older = _in_budget_queue(ui, dt.datetime(2023, 3, 13, 10, tzinfo=dt.UTC) - WIB, "Kegiatan A")
    assert older > newer
    ui.login("bappeda.verifikator")
    before = plain(text(ui.get("/antrean/")))
    assert "menunggu 5 hari kerja" in before and "batas" not in before  # no calendar yet
    window(ui, "verification", dt.date(2023, 3, 1), dt.date(2023, 3, 24))
    shown = plain(text(ui.get("/antrean/")))
    # Monday: Monday, Tuesday and Friday are left (Nyepi, cuti bersama on Wed and Thu).
    a = "Kegiatan A Dinas Pemberdayaan"
    assert shown.index(a) < shown.index("Kegiatan B Dinas Pemberdayaan")
    assert "menunggu 5 hari kerja · batas 24 Maret 2023 · sisa 3 hari kerja" in shown
    assert "menunggu 2 hari kerja · batas 24 Maret 2023 · sisa 3 hari kerja" in shown
    dashboard = plain(text(ui.get("/")))
    assert "Jadwal perencanaan" in dashboard
    assert "Verifikasi Bappeda 2023: 1 Maret 2023 – 24 Maret 2023 · batas 24 Maret 2023" in (
        dashboard
    )
    assert dashboard.index("Kegiatan A") < dashboard.index("Kegiatan B")
    assert "menunggu 5 hari kerja · batas 24 Maret 2023 · sisa 3 hari kerja" in dashboard


def test_a_passed_deadline_reads_overdue(ui: Ui) -> None:
    _in_budget_queue(ui, dt.datetime(2023, 3, 13, 10, tzinfo=dt.UTC) - WIB, "Kegiatan A")
    window(ui, "verification", dt.date(2023, 3, 1), dt.date(2023, 3, 15))
    ui.login("bappeda.verifikator")
    shown = plain(text(ui.get("/antrean/")))
    assert "batas 15 Maret 2023 · lewat 3 hari kerja" in shown  # 16, 17, 20 March


def test_the_activity_page_shows_its_deadline(ui: Ui) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    assert "Jadwal Pengajuan" not in plain(text(ui.get(f"/kegiatan/{activity_id}")))
    window(ui, "submission", dt.date(2023, 1, 2), dt.date(2023, 3, 24))
    shown = plain(text(ui.get(f"/kegiatan/{activity_id}")))
    assert (
        "Jadwal Pengajuan usulan OPD tahun 2023: batas 24 Maret 2023 · sisa 3 hari kerja" in shown
    )


def test_the_signoff_queue_shows_waiting_oldest_first(ui: Ui) -> None:
    ids = []
    for title, day in (("Kegiatan B", 16), ("Kegiatan A", 13)):
        activity_id = ui.create(title=title)
        ui.harness.walk(activity_id, "submit", "approve", "confirm_budget")
        arrived = dt.datetime(2023, 3, day, 10, tzinfo=dt.UTC) - WIB
        with ui.harness.session() as s:
            s.execute(
                update(Activity).where(Activity.id == activity_id).values(state_changed_at=arrived)
            )
            s.commit()
        ids.append(activity_id)
    window(ui, "signoff", dt.date(2023, 3, 1), dt.date(2023, 3, 21))
    ui.login("gubernur")
    shown = plain(text(ui.get("/penetapan/")))
    assert shown.index("Kegiatan A") < shown.index("Kegiatan B")
    assert "menunggu 5 hari kerja · batas 21 Maret 2023 · sisa 2 hari kerja" in shown
    assert "menunggu 2 hari kerja · batas 21 Maret 2023 · sisa 2 hari kerja" in shown


def test_the_admin_moves_a_report_due_date_on_the_page(ui: Ui) -> None:
    ui.login("admin.lampung")
    shown = plain(text(ui.get("/admin/kalender/")))
    assert "Batas laporan Semester I" in shown
    assert "Batas menurut ketentuan provinsi: 10 Juli 2023." in shown
    response = ui.post(
        "/admin/kalender/2023/report_S1", {"starts_on": "2023-07-01", "ends_on": "2023-07-20"}
    )
    assert response.status_code == 302
    shown = plain(text(ui.get(response.headers["Location"])))
    assert "Jadwal Batas laporan Semester I tahun 2023 tersimpan." in shown
    assert "1 Juli 2023 – 20 Juli 2023" in shown
    refused = ui.post(
        "/admin/kalender/2023/report_S1", {"starts_on": "2023-06-01", "ends_on": "2023-06-15"}
    )
    assert refused.status_code == 422
    assert "Batas laporan Semester I harus sesudah akhir periodenya (30 Juni 2023)." in text(
        refused
    )
