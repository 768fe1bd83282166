"""The administration pages (SQLite): the OPD page (create, rename, SIPD code, deactivate and
reactivate; errors by their input with what was typed kept), the pagu page keeping another
OPD's unsaved input across a save, the pagu history, the admin log and the audit chain's
health (tampering detected), and the SIPD export buttons; refused for everyone else."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import select, update

from core.models import AuditEntry, Ceiling, Opd
from core.testing import Harness
from tests.seeded_rows import seeded_opds_and_pagu
from tests.ui.conftest import Ui, text


@pytest.fixture(autouse=True)
def restore(harness: Harness) -> Iterator[None]:
    with seeded_opds_and_pagu(harness.factory):
        yield


def opd(harness: Harness, code: str) -> tuple[str, str | None, bool]:
    with harness.session() as s:
        o = s.scalars(select(Opd).where(Opd.code == code).order_by(Opd.id)).first()
        assert o is not None
        return o.name, o.sipd_code, o.active


def pagu(harness: Harness, code: str, year: int) -> int:
    with harness.session() as s:
        return s.scalar(
            select(Ceiling.amount)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == code, Ceiling.year == year)
            .order_by(Opd.id)
            .limit(1)
        )


def test_the_opd_page(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    assert 'href="/admin/opd/"' in text(ui.get("/"))
    html = text(ui.get("/admin/opd/"))
    assert 'id="opd-dpppa"' in html and "2.08.2.14.0.00.01.0000" in html
    refused = ui.post(
        "/admin/opd/", {"code": "dlh", "name": "Dinas Lingkungan Hidup", "sipd_code": "2.11.x"}
    )
    assert refused.status_code == 422
    html = text(refused)
    assert 'id="err-sipd_code"' in html and 'value="Dinas Lingkungan Hidup"' in html
    created = ui.post(
        "/admin/opd/",
        {"code": "dlh", "name": "Dinas Lingkungan Hidup", "sipd_code": "2.11.0.00.0.00.01.0000"},
    )
    assert created.status_code == 302 and created.headers["Location"].endswith("#opd-dlh")
    assert opd(harness, "dlh") == ("Dinas Lingkungan Hidup", "2.11.0.00.0.00.01.0000", True)
    renamed = ui.post(
        "/admin/opd/dlh",
        {
            "name": "Dinas LH dan Kehutanan",
            "sipd_code": "2.11.2.17.0.00.01.0000",
            "reason": "Perda",
        },
    )
    assert renamed.status_code == 302
    assert opd(harness, "dlh") == ("Dinas LH dan Kehutanan", "2.11.2.17.0.00.01.0000", True)
    assert ui.post("/admin/opd/dlh", {"active": "0"}).status_code == 302
    assert opd(harness, "dlh")[2] is False
    html = text(ui.get("/admin/opd/"))
    assert "Aktifkan kembali DLH" in html and "OPD Dinas LH dan Kehutanan tersimpan." in html
    assert ui.post("/admin/opd/dlh", {"active": "1"}).status_code == 302
    assert opd(harness, "dlh")[2] is True
    taken = ui.post(
        "/admin/opd/dinsos", {"name": "Dinas Sosial", "sipd_code": "2.11.2.17.0.00.01.0000"}
    )
    assert taken.status_code == 422 and "sudah dipakai OPD dlh" in text(taken)
    assert opd(harness, "dinsos") == ("Dinas Sosial", "1.06.0.00.0.00.01.0000", True)


def test_nobody_else_gets_the_opd_page(ui: Ui, harness: Harness) -> None:
    for username in ("dpppa.staf", "bappeda.verifikator", "gubernur", "auditor"):
        ui.login(username)
        assert 'href="/admin/opd/"' not in text(ui.get("/"))
        assert ui.get("/admin/opd/").status_code == 403
        assert ui.post("/admin/opd/dpppa", {"active": "0"}).status_code == 403
        assert ui.post("/admin/opd/", {"code": "dlh", "name": "Dinas LH"}).status_code == 403
        ui.post("/keluar", {})
    ui.login("sulteng.admin")
    assert ui.post("/admin/opd/dpppa", {"active": "0"}).status_code == 404
    assert opd(harness, "dpppa")[2] is True


def test_a_save_keeps_another_opds_unsaved_input(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    response = ui.post(
        "/pagu/dpppa",
        {
            "pagu.dpppa.2023": "3.000.000.000",
            "reason.dpppa": "APBD perubahan",
            "pagu.dinsos.2023": "1.900.000.000",  # typed for another OPD, not saved
            "pagu.dinsos.2024": "1.800.000.000",  # as stored: nothing to keep
        },
    )
    assert response.status_code == 302
    assert pagu(harness, "dpppa", 2023) == 3_000_000_000
    assert pagu(harness, "dinsos", 2023) == 1_800_000_000
    html = text(ui.get("/pagu/"))
    assert 'id="notice-dpppa"' in html and 'id="unsaved-dinsos"' in html
    assert 'name="pagu.dinsos.2023" inputmode="numeric" class="num" value="1.900.000.000"' in html
    html = text(ui.get("/pagu/"))  # shown once
    assert 'id="unsaved-dinsos"' not in html and 'id="notice-dpppa"' not in html
    assert ui.get("/pagu/dpppa").headers["Location"].endswith("/pagu/#opd-dpppa")


def test_the_pagu_history_page_after_three_changes(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    for amount, reason in (
        ("3.000.000.000", "APBD perubahan"),
        ("2.900.000.000", ""),
        ("2.000.000.000", "Refocusing"),
    ):
        ui.post("/pagu/dpppa", {"pagu.dpppa.2024": amount, "reason.dpppa": reason})
    ui.post("/keluar", {})
    ui.login("auditor")
    html = text(ui.get("/pagu/riwayat?opd=dpppa"))
    rows = (
        html.split('<table class="cards" id="pagu-history">')[1].split("<tbody>")[1].split("</tr>")
    )
    assert "Rp2.900.000.000" in rows[0] and "Rp2.000.000.000" in rows[0] and "Refocusing" in rows[0]
    assert "Rp3.000.000.000" in rows[1] and "Rp2.900.000.000" in rows[1]
    assert "Rp2.500.000.000" in rows[2] and "APBD perubahan" in rows[2]
    assert "WIB" in rows[0] and "admin.lampung" in rows[0]
    ui.post("/keluar", {})
    ui.login("dpppa.staf")
    assert ui.get("/pagu/riwayat").status_code == 403


def test_the_admin_log_and_the_chain_health(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.walk(activity_id, "submit")
    ui.login("admin.lampung")
    ui.post(
        "/admin/opd/bpbd", {"name": "BPBD Provinsi Lampung", "sipd_code": "1.05.0.00.0.00.02.0000"}
    )
    ui.post("/keluar", {})
    ui.login("auditor")
    assert 'href="/admin/log/"' in text(ui.get("/"))
    html = text(ui.get("/admin/log/"))
    assert "opd.rename" in html and "BPBD Provinsi Lampung" in html and "WIB" in html
    assert "Badan Penanggulangan Bencana Daerah → BPBD Provinsi Lampung" in html
    assert "opd.rename" not in text(ui.get("/admin/log/?action=pagu.set"))
    assert "Jejak audit utuh: 2 entri pada 1 kegiatan" in text(ui.get("/admin/log/rantai"))
    with harness.session() as s:
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.activity_id == activity_id, AuditEntry.seq == 2)
            .values(comment="diubah diam-diam")
        )
        s.commit()
    html = text(ui.get("/admin/log/rantai"))
    assert "Jejak audit RUSAK" in html and f"/kegiatan/{activity_id}" in html
    ui.post("/keluar", {})
    for username in ("dpppa.staf", "bappeda.verifikator", "gubernur"):
        ui.login(username)
        assert ui.get("/admin/log/").status_code == 403
        assert ui.get("/admin/log/rantai").status_code == 403
        ui.post("/keluar", {})


def test_the_sipd_export_buttons(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.walk(activity_id, "submit", "approve", "confirm_budget")
    ui.create(title="Masih draf")
    ui.login("bappeda.verifikator")
    plan_id = harness.plan_id()
    html = text(ui.get(f"/rencana/{plan_id}/"))
    assert (
        f'href="/rencana/{plan_id}/sipd.csv"' in html
        and f'href="/rencana/{plan_id}/sipd.xlsx"' in html
    )
    rows = list(
        csv.reader(
            io.StringIO(ui.get(f"/rencana/{plan_id}/sipd.csv").get_data().decode("utf-8-sig"))
        )
    )
    assert rows[1][:2] == ["2.08.03.1.01.0001", "2.08.2.14.0.00.01.0000"] and rows[1][4:] == [
        "2023",
        "150000000",
        "1",
    ]
    assert len(rows) == 2
    book = openpyxl.load_workbook(io.BytesIO(ui.get(f"/rencana/{plan_id}/sipd.xlsx").get_data()))
    assert list(book.worksheets[0].iter_rows(values_only=True))[1][5] == 150_000_000
    assert ui.get(f"/rencana/{plan_id}/sipd.pdf").status_code == 404


def test_the_form_offers_the_opds_as_the_admin_keeps_them(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    ui.post("/admin/opd/", {"code": "dlh", "name": "Dinas Lingkungan Hidup"})
    ui.post("/admin/opd/bpbd", {"active": "0"})
    ui.post("/admin/opd/dinkes", {"name": "Dinas Kesehatan Provinsi", "sipd_code": ""})
    ui.post("/keluar", {})
    ui.login("dpppa.staf")
    html = text(ui.get("/kegiatan/baru"))
    assert 'value="dlh"' in html and 'value="bpbd"' not in html
    assert "Dinas Kesehatan Provinsi" in html
