"""Documents in a real browser (issue 13; Debian's chromium through Playwright, against
``sepakat demo``). Printing: with print media the navigation, the forms and the buttons are
gone and the content stays; the PDF Chromium prints (opened with pypdf) holds the activity's
text or the matrix's, none of the menu, and the matrix prints landscape. Attachments: a file
chosen in the page's form is uploaded, listed and downloaded; a file of the wrong type is
refused on the same page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.ui.test_browser import ARTIFACTS, Person, browser, demo_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

MENU = ("Antrean Bappeda", "Alur kerja", "Keluar", "Bahasa:")
# What may still show in print: every element of these kinds must be hidden.
HIDDEN_IN_PRINT = """() => {
  const shown = [];
  const kinds = 'header.top nav, form, button, input, select, textarea, footer';
  for (const el of document.querySelectorAll(kinds)) {
    if (el.getClientRects().length > 0) shown.push(el.tagName + '.' + el.className);
  }
  return shown.slice(0, 5);
}"""
LINK_ADDRESSES = """() => [...document.querySelectorAll('main a[href]')]
  .map(a => getComputedStyle(a, '::after').content)
  .filter(c => c && c !== 'none' && c !== 'normal')"""


def _pdf_text(pdf: bytes, name: str) -> tuple[str, PdfReader]:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"print-{name}.pdf").write_bytes(pdf)  # to look at (not committed)
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages), reader


def test_the_activity_page_prints_its_content_without_menu_or_forms(
    browser: object,  # noqa: F811 - the fixture
    demo_url: str,  # noqa: F811
) -> None:
    person = Person(browser, demo_url, "bappeda.verifikator")
    person.login()
    page = person.page
    page.goto(demo_url + "/antrean/")
    page.locator("main table tbody a").first.click()  # not a sortable header
    page.wait_for_load_state()
    title = page.locator("h1").inner_text()
    assert page.locator("main form").count() > 0  # the page has its action forms on screen
    page.emulate_media(media="print")
    assert page.evaluate(HIDDEN_IN_PRINT) == []
    assert page.evaluate(LINK_ADDRESSES) == []
    assert page.locator("h1").is_visible() and page.locator("#h-years").is_visible()
    person.shot("print-activity")
    text, reader = _pdf_text(page.pdf(format="A4", print_background=True), "activity")
    flat = " ".join(text.split())
    assert " ".join(title.split())[:40] in flat
    assert "Anggaran per tahun" in flat and "Riwayat" in flat
    for word in (*MENU, "Tindakan"):  # the action forms' section goes with its forms
        assert word not in flat, word
    box = reader.pages[0].mediabox
    assert box.height > box.width  # portrait
    page.emulate_media(media="screen")
    person.logout()


def test_the_matrix_page_prints_the_matrix_landscape(
    browser: object,  # noqa: F811
    demo_url: str,  # noqa: F811
) -> None:
    person = Person(browser, demo_url, "gubernur")
    person.login()
    page = person.page
    page.goto(demo_url + "/rencana/")
    page.wait_for_load_state()
    assert page.locator("table.matrix-table").is_visible()
    cells = page.locator('table.matrix-table tr.line-activity td[data-label="Nama kegiatan"]')
    first_title = cells.first.inner_text()
    page.emulate_media(media="print")
    assert page.evaluate(HIDDEN_IN_PRINT) == []
    assert page.locator("#h-download").is_hidden()  # only the matrix goes on paper
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    person.shot("print-matrix")
    text, reader = _pdf_text(page.pdf(print_background=True, prefer_css_page_size=True), "matrix")
    flat = " ".join(text.split())
    assert "Jumlah seluruhnya" in flat and "PILAR" in flat
    assert first_title.split()[0] in flat and "90.000.000" in flat  # rupiah with dots
    for word in (*MENU, "Unduh matriks", "Impor matriks", "Templat dan impor"):
        assert word not in flat, word
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    page.emulate_media(media="screen")
    person.logout()


def test_the_matrix_page_fits_360_px(
    browser: object,  # noqa: F811
    demo_url: str,  # noqa: F811
) -> None:
    from tests.ui.test_browser import OVERFLOWING

    person = Person(browser, demo_url, "bappeda.verifikator", width=360)
    person.login()
    person.page.goto(demo_url + "/rencana/")
    person.page.wait_for_load_state()
    assert person.page.evaluate(OVERFLOWING) == []
    person.logout()


def test_an_attachment_uploaded_and_downloaded_in_the_browser(
    browser: object,  # noqa: F811
    demo_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    person = Person(browser, demo_url, "dpppa.staf")
    person.login()
    page = person.page
    page.goto(demo_url + "/kegiatan/?state=draft")
    page.locator("main table tbody a").first.click()  # not a sortable header
    page.wait_for_load_state()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    page.set_input_files(
        "#file", files=[{"name": "kak-uji.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    page.select_option("#kind", "tor")
    person.press("Unggah berkas")
    person.expect_text("Berkas kak-uji.pdf dilampirkan.")
    with page.expect_download() as caught:
        page.get_by_role("link", name="kak-uji.pdf").click()
    saved = tmp_path / "unduhan.pdf"
    caught.value.save_as(saved)
    assert saved.read_bytes() == pdf and caught.value.suggested_filename == "kak-uji.pdf"
    html = b"<html><body>bukan PDF</body></html>"
    page.set_input_files(
        "#file", files=[{"name": "rab.pdf", "mimeType": "application/pdf", "buffer": html}]
    )
    person.press("Unggah berkas")
    person.expect_text("Jenis berkas tidak diterima")
    assert page.get_by_role("link", name="rab.pdf").count() == 0
    person.shot("attachment-refused")
    person.logout()
