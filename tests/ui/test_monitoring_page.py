"""*Pemantauan* (issue 14): the consolidation on the page with its charts and their tables, the
downloads with the page's filters, the scope of an OPD role, bad filters as a 422 page, the
navigation and the governor's dashboard card, in Indonesian and in English."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.test_monitoring import M, scenario, sheet_sums
from tests.ui.conftest import Ui, text

S1 = "?year=2023&period=S1"


def test_the_page_shows_the_consolidation_charts_and_downloads(ui: Ui) -> None:
    ids = scenario(ui.harness).ids
    ui.login("pokja.lampung")
    page = text(ui.get("/pemantauan/" + S1))
    assert "Rp190.000.000" in page and "Rp1.000.000.000" in page and "19,0%" in page
    assert "47,5%" in page  # pencegahan: 190 of 400 million
    # Two charts, each an image with a title and a description naming its numbers.
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 2
    assert '<title id="chart-budget-title">' in page and "Pencegahan 47,5%" in page
    assert re.search(r'<desc id="chart-status-desc">[^<]*Diterima: 2', page)
    assert "Angka grafik: laporan per status" in page  # the same numbers as a table
    assert f"/kegiatan/{ids['a4']}" in page  # the missing list links the activity
    assert "terlambat" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from another host
    pdf_link = re.search(r'href="(/pemantauan/laporan\.pdf[^"]*)"', page)
    xlsx_link = re.search(r'href="(/pemantauan/laporan\.xlsx[^"]*)"', page)
    assert pdf_link and xlsx_link and "period=S1" in pdf_link[1]
    pdf = ui.get(pdf_link[1].replace("&amp;", "&"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Rp190.000.000" in " ".join(pdf_text.split())
    wb = load_workbook(io.BytesIO(ui.get(xlsx_link[1].replace("&amp;", "&")).data))
    assert sheet_sums(wb["Per OPD"]) == ((1000 * M, 190 * M), (1000 * M, 190 * M))


def test_an_opd_role_sees_its_own_and_bad_filters_are_a_422_page(ui: Ui) -> None:
    scenario(ui.harness)
    ui.login("dinsos.staf")
    page = text(ui.get("/pemantauan/" + S1))
    assert "Hanya kegiatan OPD Anda." in page
    assert "Rp700.000.000" in page and "Pelatihan mediasi perempuan" not in page
    for query, says in (
        ("?year=abc", "Isian year tidak sah"),
        ("?year=2010", "Tahun 2010 di luar rencana aksi (2022–2024)."),
        (S1 + "x", "Periode &#39;S1x&#39; tidak dikenal; pilih salah satu: S1 (Semester I)"),
    ):
        bad = ui.get("/pemantauan/" + query)
        assert bad.status_code == 422 and says in text(bad), query
    assert ui.get("/pemantauan/laporan.pdf?plan_id=999999").status_code == 422


def test_navigation_and_the_governors_dashboard_card(ui: Ui) -> None:
    scenario(ui.harness)
    ui.login("gubernur")
    home = text(ui.get("/"))
    assert 'href="/pemantauan/"' in home
    # The latest period that has ended in a year with signed activities (2024 has none).
    assert "Pemantauan Semester II 2023" in home and "Rp190.000.000 / Rp1.000.000.000" in home
    assert "Buka Pemantauan" in home
    ui.post("/bahasa", {"lang": "en", "next": "/pemantauan/"})
    english = text(ui.get("/pemantauan/" + S1))
    assert "Monitoring" in english and "Budget realisation per pillar per period" in english
    assert "19.0%" in english


def test_an_opd_dashboard_has_no_card(ui: Ui) -> None:
    ui.login("dpppa.staf")
    home = text(ui.get("/"))
    assert "Buka Pemantauan" not in home and 'href="/pemantauan/"' in home
