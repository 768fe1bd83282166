"""Two provinces on one server: each user sees their own province only, and the pages take
their form and workflow from that province's plugin."""

from __future__ import annotations

from dataclasses import replace

from core.testing import Harness
from tests.plugins.conftest import sulteng_payload
from tests.ui.conftest import Ui, text


def test_another_provinces_activity_is_404(ui: Ui, harness: Harness) -> None:
    sulteng = replace(harness, province="sulteng")
    activity_id = sulteng.create(
        "sulteng.dp3a.staf", sulteng_payload(sulteng.plan_id("sulteng"))
    ).id
    ui.login("gubernur")  # province-wide in Lampung, nothing in Sulawesi Tengah
    assert ui.get(f"/kegiatan/{activity_id}").status_code == 404
    assert f"/kegiatan/{activity_id}" not in text(ui.get("/kegiatan/"))
    ui.post("/keluar", {})
    ui.login("sulteng.gubernur")
    assert ui.get(f"/kegiatan/{activity_id}").status_code == 200


def test_form_and_diagram_follow_the_users_province(ui: Ui) -> None:
    ui.login("sulteng.dp3a.staf")
    form = text(ui.get("/kegiatan/baru"))
    assert 'name="details.locations" value="poso"' in form
    assert 'value="mesuji"' not in form
    diagram = text(ui.get("/alur/"))
    assert "Sulawesi Tengah" in diagram
    assert "Reviu Biro Hukum" in diagram  # the Sulteng plugin's own stage
    assert "Reviu Badan Kesbangpol" not in diagram
