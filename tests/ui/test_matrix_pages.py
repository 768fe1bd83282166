"""The matrix pages: registration numbers on the list and detail, the download with the list's
filters, the template and the import form (issue 13 part A)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.documents.workbook import HEADER_ROW
from core.models import Activity
from tests.ui.conftest import Ui, text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_registration_number_on_list_and_detail_and_searchable(ui: Ui) -> None:
    first = ui.create(title="Kegiatan pertama dengan nomor")
    ui.create(title="Kegiatan kedua dengan nomor")
    with ui.harness.session() as s:
        number = s.get_one(Activity, first)
    ui.login("dpppa.staf")
    page = text(ui.get("/kegiatan/"))
    assert number.registration_number in page and "Matriks Excel" in page
    assert number.registration_number in text(ui.get(f"/kegiatan/{first}"))
    found = text(ui.get(f"/kegiatan/?q={number.registration_number}"))
    assert "Kegiatan pertama" in found and "Kegiatan kedua" not in found


def test_matrix_page_downloads_with_filters_and_template(ui: Ui) -> None:
    ui.create(title="Kegiatan pencegahan di matriks")
    ui.create(title="Kegiatan penanganan di matriks", pillar="penanganan")
    ui.login("bappeda.verifikator")
    plan = ui.harness.plan_id()
    landing = ui.get("/rencana/?pillar=penanganan")
    assert landing.status_code == 302 and f"/rencana/{plan}/" in landing.location
    page = text(ui.get(f"/rencana/{plan}/"))
    assert "Unduh matriks (.xlsx)" in page and "Impor matriks" not in page  # not an operator
    response = ui.get(f"/rencana/{plan}/matriks.xlsx?pillar=penanganan")
    assert response.status_code == 200 and response.mimetype == XLSX
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    titles = [r[0] for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Kegiatan penanganan di matriks" in values
    assert "Kegiatan pencegahan di matriks" not in values and titles
    template = ui.get(f"/rencana/{plan}/templat.xlsx")
    assert template.status_code == 200 and "Daftar" in load_workbook(io.BytesIO(template.data))
    assert ui.get(f"/rencana/{plan}/impor").status_code == 403


def _filled(ui: Ui, plan: int, title: str | None) -> bytes:
    wb = load_workbook(io.BytesIO(ui.get(f"/rencana/{plan}/templat.xlsx").data))
    ws = wb.worksheets[0]
    header = {c.value: c.column for c in ws[HEADER_ROW]}
    row = {
        "Pilar": "Pencegahan",
        "Kode sub-kegiatan": "2.08.03.1.01.0001",
        "Nama kegiatan": title,
        "Kelompok sasaran": "Anak",
        "Lokasi": "Kota Metro",
        "Indikator kinerja": "Jumlah anak terlayani",
        "Usulan 2023 (Rp)": 25_000_000,
        "Sumber dana": "APBD Provinsi",
    }
    for name, value in row.items():
        ws.cell(HEADER_ROW + 1, header[name], value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_page_creates_drafts_or_lists_the_problems(ui: Ui) -> None:
    ui.login("dinsos.staf")
    plan = ui.harness.plan_id()
    page = ui.get(f"/rencana/{plan}/impor")
    assert page.status_code == 200 and 'type="file"' in text(page)

    def send(data: bytes, **form: str) -> str:
        response = ui.post(
            f"/rencana/{plan}/impor",
            {"file": (io.BytesIO(data), "matriks.xlsx"), **form},
            content_type="multipart/form-data",
        )
        return f"{response.status_code} {text(response)}"

    refused = send(_filled(ui, plan, None))
    assert refused.startswith("422") and "Nama kegiatan" in refused and "Wajib diisi" in refused
    html = send(b"<html><body>bukan</body></html>")
    assert html.startswith("422") and "HTML" in html
    dry = send(_filled(ui, plan, "Layanan anak dari impor"), dry_run="1")
    assert dry.startswith("200") and "Uji coba" in dry
    assert "Layanan anak dari impor" not in text(ui.get("/kegiatan/"))
    done = send(_filled(ui, plan, "Layanan anak dari impor"))
    assert done.startswith("200") and "LPG-2022-" in done
    assert "Layanan anak dari impor" in text(ui.get("/kegiatan/"))


def test_matrix_page_shows_the_matrix_to_read_and_print(ui: Ui) -> None:
    """The page holds the workbook's lines (pillar headings, activities, totals) under the
    same filters, and links the print stylesheet."""
    ui.create(title="Kegiatan pencegahan di halaman", pillar="pencegahan")
    ui.create(title="Kegiatan penanganan di halaman", pillar="penanganan")
    ui.login("bappeda.verifikator")
    plan = ui.harness.plan_id()
    page = text(ui.get(f"/rencana/{plan}/"))
    assert "Kegiatan pencegahan di halaman" in page and "Kegiatan penanganan di halaman" in page
    assert "Jumlah seluruhnya" in page and 'class="line-heading"' in page
    assert 'filename=print.css" media="print"' in page or "print.css" in page
    filtered = text(ui.get(f"/rencana/{plan}/?pillar=penanganan"))
    assert "Kegiatan penanganan di halaman" in filtered
    assert "Kegiatan pencegahan di halaman" not in filtered
    assert ui.get("/aset/print.css").status_code == 200
