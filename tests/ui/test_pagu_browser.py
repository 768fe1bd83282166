"""The pagu page in a real browser (Chromium via Playwright, against ``sepakat demo``): saving
one OPD keeps what was typed, unsaved, for another OPD; the result is shown inside the saved
OPD's card, scrolled into view; Enter in an OPD's input saves that OPD; an error keeps every
OPD's input; the history lists the changes with their reason. The OPD page and the admin log
are walked through too."""

from __future__ import annotations

import re

from tests.ui.test_browser import Person, browser, demo_url, expect  # noqa: F401 - fixtures

pytest_plugins: list[str] = []


def test_saving_one_opd_keeps_anothers_unsaved_edit(browser: object, demo_url: str) -> None:  # noqa: F811
    admin = Person(browser, demo_url, "admin.lampung")
    admin.login()
    page = admin.page
    page.get_by_role("link", name="Pagu OPD").click()
    dpppa, dinsos = page.locator("#opd-dpppa"), page.locator("#opd-dinsos")
    dpppa.get_by_label(re.compile("tahun 2023")).fill("3.000.000.000")  # typed, not saved
    dinsos.get_by_label(re.compile("tahun 2023")).fill("1.900.000.000")
    dinsos.get_by_label("Alasan perubahan (opsional)").fill("APBD perubahan 2023")
    dinsos.get_by_role("button", name="Simpan pagu DINSOS").click()

    page.wait_for_url(re.compile(r"/pagu/#opd-dinsos$"))
    notice = dinsos.get_by_role("status")
    expect(notice).to_have_text("Pagu Dinas Sosial tersimpan.")
    expect(notice).to_be_in_viewport()  # where the user is, not at the top of a long page
    expect(dinsos.get_by_label(re.compile("tahun 2023"))).to_have_value("1.900.000.000")
    # DPPPA's edit survived the other OPD's save, marked as not saved yet.
    expect(dpppa.get_by_label(re.compile("tahun 2023"))).to_have_value("3.000.000.000")
    expect(dpppa.get_by_text("Isian OPD ini belum disimpan.")).to_be_visible()
    admin.shot("pagu-kept")

    # An error on DPPPA (Enter in its input saves DPPPA) keeps every OPD's input as typed.
    dinsos.get_by_label(re.compile("tahun 2024")).fill("2.000.000.000")  # typed, not saved
    year_2024 = dpppa.get_by_label(re.compile("tahun 2024"))
    year_2024.fill("banyak")
    year_2024.press("Enter")
    expect(dpppa.get_by_role("alert")).to_contain_text("Pagu belum tersimpan")
    expect(dpppa.get_by_text("Tulis jumlah rupiah dengan angka")).to_be_visible()
    expect(year_2024).to_have_value("banyak")
    expect(dpppa.get_by_label(re.compile("tahun 2023"))).to_have_value("3.000.000.000")
    expect(dinsos.get_by_label(re.compile("tahun 2024"))).to_have_value("2.000.000.000")

    year_2024.fill("2.600.000.000")
    dpppa.get_by_role("button", name="Simpan pagu DPPPA").click()
    page.wait_for_url(re.compile(r"/pagu/#opd-dpppa$"))
    expect(dpppa.get_by_role("status")).to_be_in_viewport()
    expect(dinsos.get_by_label(re.compile("tahun 2024"))).to_have_value("2.000.000.000")
    expect(dinsos.get_by_text("Isian OPD ini belum disimpan.")).to_be_visible()

    page.goto(demo_url + "/pagu/riwayat")
    rows = page.locator("#pagu-history tbody tr")
    expect(rows).to_have_count(3)  # DPPPA 2023 and 2024, then Dinsos 2023
    expect(rows.nth(2)).to_contain_text("APBD perubahan 2023")
    expect(rows.nth(2)).to_contain_text("Rp1.800.000.000")
    expect(rows.nth(2)).to_contain_text("Rp1.900.000.000")
    admin.shot("pagu-history")
    admin.logout()


def test_the_opd_page_and_the_log_in_the_browser(browser: object, demo_url: str) -> None:  # noqa: F811
    admin = Person(browser, demo_url, "admin.lampung")
    admin.login()
    page = admin.page
    page.get_by_role("link", name="OPD", exact=True).click()
    new = page.locator("#opd-new")
    new.get_by_label(re.compile(r"^Kode \(huruf")).fill("dlh")
    new.get_by_label("Nama OPD").fill("Dinas Lingkungan Hidup")
    new.get_by_label(re.compile("^Kode unit SIPD")).fill("2.11.0.00.x")
    new.get_by_role("button", name="Buat OPD").click()
    expect(new.get_by_role("alert")).to_be_visible()
    expect(new.get_by_label("Nama OPD")).to_have_value("Dinas Lingkungan Hidup")  # kept
    new.get_by_label(re.compile("^Kode unit SIPD")).fill("2.11.0.00.0.00.01.0000")
    new.get_by_role("button", name="Buat OPD").click()
    admin.expect_text("OPD Dinas Lingkungan Hidup dibuat.")
    page.get_by_role("button", name="Nonaktifkan DLH").click()
    expect(page.locator("#opd-dlh")).to_contain_text("Nonaktif")
    admin.logout()

    auditor = Person(browser, demo_url, "auditor")
    auditor.login()
    auditor.page.get_by_role("link", name="Log administrasi").click()
    log = auditor.page.locator("#admin-log")
    expect(log).to_contain_text("opd.deactivate")
    expect(log).to_contain_text("opd.create")
    auditor.page.get_by_role("link", name="Kesehatan rantai jejak audit kegiatan").click()
    expect(auditor.page.locator("#chain-status")).to_contain_text("Jejak audit utuh")
    auditor.shot("audit-chain")
    auditor.logout()
