"""Issue 14's "done when" in a real browser (Debian's chromium through Playwright, against
``sepakat demo`` on its real WSGI server): the governor signs a demo activity of the DPPPA,
the OPD operator files its Semester I report with a photo (a real PNG) as evidence, the Kepala
OPD approves, the Pokja secretariat opens it from the inbox and verifies: *Diterima*; the
governor's dashboard and the consolidated PDF then show it in the realisation per pillar. Then the
report pages pass axe-core's WCAG rules (no serious or critical violation), as every other
page does (``tests/ui/test_accessibility.py``)."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.ui.test_accessibility import Visitor, axe_source
from tests.ui.test_browser import OVERFLOWING, Person, browser, demo_url

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
pytestmark = pytest.mark.slow
__all__ = ["axe_source", "browser", "demo_url"]  # the module's fixtures

# Waits for the governor's signature in the demo (its path stops before the decree).
TITLE = "Pembentukan forum perempuan pelopor perdamaian desa"
DECREE = "G/612/V.09/HK/2023"


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (an orange picture), made here: signature, IHDR, IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_semester_report_with_a_photo_is_approved_and_verified(
    browser: Any, demo_url: str, tmp_path: Path
) -> None:
    governor = Person(browser, demo_url, "gubernur")
    governor.login()
    governor.page.get_by_role("link", name="Penetapan", exact=True).click()
    governor.page.get_by_label(TITLE).check()
    governor.page.get_by_label("Nomor keputusan (satu untuk semua kegiatan terpilih)").fill(DECREE)
    governor.press("Periksa lalu tetapkan")
    governor.press("Ya, tetapkan dengan keputusan ini")
    governor.expect_text("Hasil penetapan")
    governor.logout()

    staff = Person(browser, demo_url, "dpppa.staf")
    staff.login()
    page = staff.page
    page.get_by_role("link", name="Kegiatan", exact=True).click()
    staff.open_activity(TITLE)
    section = page.locator("#laporan")
    expect(section.get_by_role("heading", name="Laporan realisasi")).to_be_visible()
    expect(section).to_contain_text("10 Juli 2022")  # Semester I's due date
    staff.shot("report-section")
    section.get_by_role("link", name="Buat laporan Semester I 2022").click()
    expect(page.get_by_role("heading", name="Laporan Semester I 2022")).to_be_visible()
    assert page.get_by_label("Target keluaran").input_value() == "15"  # from "15 forum"
    page.get_by_label("Capaian keluaran").fill("sepuluh")
    page.get_by_label("Realisasi anggaran (Rp)").fill("Rp 45 juta")
    staff.press("Simpan draf laporan")
    staff.expect_text("Periksa kembali isian berikut")
    expect(page.locator(".error-summary")).to_contain_text("Capaian keluaran: Harus berupa angka.")
    assert page.get_by_label("Realisasi anggaran (Rp)").input_value() == "Rp 45 juta"  # kept
    staff.shot("report-form-error")
    page.get_by_label("Capaian keluaran").fill("12,5")
    page.get_by_label("Kendala").fill("Dua desa baru bisa dijangkau setelah musim hujan.")
    page.get_by_label("Tindak lanjut").fill("Pembentukan forum di dua desa dijadwalkan Juli.")
    staff.press("Simpan draf laporan")
    staff.expect_text("Draf laporan tersimpan.")
    expect(page.locator("#f-output_realised")).to_contain_text("83,3 % dari target")  # 12,5/15
    expect(page.locator("#f-budget_realised")).to_contain_text("Rp45.000.000")

    photo = tmp_path / "foto-forum-pesawaran.png"
    photo.write_bytes(png())
    page.get_by_label("Berkas bukti").set_input_files(str(photo))
    page.get_by_label("Jenis bukti").select_option("photo")
    staff.press("Unggah bukti")
    staff.expect_text("Berkas foto-forum-pesawaran.png dilampirkan pada laporan.")
    evidence = page.locator("#bukti")
    expect(evidence.get_by_role("link", name="foto-forum-pesawaran.png")).to_be_visible()
    staff.shot("report-evidence")
    page.locator("#form-submit").get_by_role("button").click()
    staff.expect_text("Status laporan sekarang: Persetujuan Kepala OPD")
    report_url = page.url.split("#")[0]
    staff.logout()

    head = Person(browser, demo_url, "dpppa.kepala")
    head.login()
    head.page.get_by_role("link", name="Laporan", exact=True).click()
    row = head.page.locator("tbody tr").first  # what waits for the Kepala comes first
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Perlu tindakan")
    row.get_by_role("link", name=TITLE).click()
    with head.page.expect_download() as download:
        head.page.locator("#bukti").get_by_role("link", name="foto-forum-pesawaran.png").click()
    assert Path(download.value.path()).read_bytes() == png()  # the very bytes uploaded
    head.page.get_by_label("Catatan").first.fill("Sesuai kegiatan di lapangan.")
    head.press("Setujui")
    head.expect_text("Status laporan sekarang: Verifikasi Sekretariat Pokja")
    head.logout()

    pokja = Person(browser, demo_url, "pokja.lampung")
    pokja.login()
    pokja.page.get_by_role("link", name=re.compile(r"^Notifikasi")).click()
    pokja.page.get_by_role("button", name="Buka laporan").first.click()
    assert pokja.page.url.split("#")[0] == report_url  # the inbox opens the report itself
    pokja.press("Verifikasi")
    pokja.expect_text("Status laporan sekarang: Diterima")
    expect(pokja.page.locator(".meta .badge").first).to_have_text("Diterima")
    history = pokja.page.locator(".timeline")
    for said in ("Dibuat", "Lampiran ditambahkan", "Ajukan", "Setujui", "Verifikasi"):
        expect(history).to_contain_text(said)
    expect(history).to_contain_text(re.compile(r"pukul \d\d\.\d\d WIB"))  # Lampung's clock
    pokja.shot("report-accepted")
    pokja.logout()

    # The governor's dashboard and the consolidated report (the Pokja's to the governor) show
    # the realisation, per pillar, with the accepted report in it.
    governor = Person(browser, demo_url, "gubernur")
    governor.login()
    expect(governor.page.locator("#h-monitoring")).to_be_visible()  # the dashboard's card
    governor.page.goto(demo_url + "/pemantauan/?year=2022&period=S1")
    main = governor.page.locator("main")
    expect(main).to_contain_text(TITLE)
    expect(main).to_contain_text("Rp45.000.000")
    governor.shot("monitoring")
    with governor.page.expect_download() as download:
        governor.page.get_by_role("link", name="Unduh laporan konsolidasi (PDF)").click()
    pdf = PdfReader(download.value.path())
    said = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert "Pemberdayaan dan Partisipasi" in said and "45.000.000" in said, said[:2000]
    governor.logout()


def test_the_report_pages_pass_axe(browser: Any, demo_url: str, axe_source: str) -> None:
    """After the journey above (on the same demo server): the list, a filed report, the new
    report form and the form answered with its errors."""
    person = Visitor(browser, demo_url, axe_source)
    person.login("dpppa.staf")
    page = person.page
    page.goto(demo_url + "/laporan/")
    person.check("list")
    # The journey's report (the demo's own reports are listed beside it).
    page.locator("main tbody").get_by_role("link", name=TITLE).first.click()
    person.check("report")
    page.get_by_role("link", name=TITLE).first.click()
    page.locator("#laporan").get_by_role("link", name=re.compile("^Buat laporan")).first.click()
    person.check("new report")
    page.get_by_label("Capaian keluaran").fill("banyak")
    page.get_by_role("button", name="Simpan draf laporan").click()
    person.check("form errors")
    person.context.close()
    assert person.problems == [], "\n".join(person.problems)


def test_the_report_pages_fit_360_px(browser: Any, demo_url: str) -> None:
    """The list, a report and its form on a small phone: nothing sticks out sideways."""
    person = Person(browser, demo_url, "dpppa.staf", width=360)
    person.login()
    page = person.page
    page.goto(demo_url + "/laporan/")
    report = page.locator("main tbody a").first.get_attribute("href")
    page.goto(demo_url + "/kegiatan/")
    page.get_by_role("link", name=TITLE).first.click()
    new = page.locator("#laporan").get_by_role("link", name=re.compile("^Buat laporan")).first
    form = new.get_attribute("href")
    for path in ("/laporan/", report, form):
        page.goto(demo_url + str(path))
        page.wait_for_load_state()
        problems = page.evaluate(OVERFLOWING)
        assert problems == [], f"{page.url}: {problems}"
    person.shot("report-360")
    person.logout()
