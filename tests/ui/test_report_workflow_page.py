"""The progress reports' route on the pages (/alur/laporan): the second workflow type drawn by
the same diagram as the activities', with its own versions; a province's added stage shows."""

from __future__ import annotations

import re

from flask import Flask

from tests.ui.conftest import Ui, text


def test_the_report_route_is_drawn_with_its_own_versions(app: Flask, ui: Ui) -> None:
    ui.login("dpppa.staf")
    page = text(ui.get("/alur/laporan"))
    assert "Alur laporan realisasi" in page and "Verifikasi Sekretariat Pokja" in page
    assert "Sekretariat Pokja P3AKS" in page  # who verifies
    # Numbered among the reports' own versions (no activity ever used this one).
    assert re.search(r"Versi \d+ · (belum dipakai laporan mana pun|\d+ \w+ \d{4})", page), page
    assert "Reviu Kepala OPD" not in page  # the activity's stages are not the report's
    svg = text(ui.get("/alur/laporan/lampung.svg"))
    assert svg.startswith("<svg") and "Diterima" in svg
    assert "Alur kerja kegiatan" in page  # and back to the activities' route
    assert "Verifikasi Sekretariat Pokja" not in text(ui.get("/alur/"))


def test_a_provinces_added_report_stage_is_drawn_and_another_province_is_404(
    app: Flask, ui: Ui
) -> None:
    ui.login("sulteng.dp3a.staf")
    assert "Evaluasi Bappeda" in text(ui.get("/alur/laporan/sulteng.svg"))
    assert ui.get("/alur/laporan/lampung.svg").status_code == 404
    assert ui.get("/alur/laporan?provinsi=lampung").status_code == 404
