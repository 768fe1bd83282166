"""The gate on the pages: each party's queue (/persetujuan) lists only its own pending
decisions, the activity shows each party's status (Menunggu / Setuju / Keberatan, with notes),
the decision forms work, and the diagram draws the gate and its rule."""

from __future__ import annotations

from flask import Flask

from tests.helpers import lampung_details
from tests.ui.conftest import Ui, text


def _at_gate(ui: Ui) -> int:
    activity_id = ui.create(details=lampung_details(partner_opds=["dinsos", "dinkes"]))
    ui.harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    return activity_id


def _as(app: Flask, ui: Ui, username: str) -> Ui:
    other = Ui(app.test_client(), ui.harness)
    other.login(username)
    return other


def test_each_party_sees_its_own_queue_and_decides_on_the_page(app: Flask, ui: Ui) -> None:
    activity_id = _at_gate(ui)
    ui.login("dinsos.kepala")
    queue = text(ui.get("/persetujuan/"))
    assert f"/kegiatan/{activity_id}#persetujuan" in queue
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Persetujuan OPD mitra" in page
    assert page.count("Menunggu") >= 2
    assert 'value="setujui_mitra"' in page and 'value="keberatan_mitra"' in page
    response = ui.act(activity_id, "setujui_mitra", comment="Dinas Sosial siap mendukung.")
    assert response.status_code in (302, 303), text(response)
    # Decided: gone from its queue, shown as agreed with the note.
    assert f"/kegiatan/{activity_id}#persetujuan" not in text(ui.get("/persetujuan/"))
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Setuju" in page and "Dinas Sosial siap mendukung." in page
    assert "Drs. Aswarodi, M.Si." in page

    # Not a party: not in the queue. The other partner: still pending, and objects.
    bappeda = _as(app, ui, "bappeda.verifikator")
    assert f"/kegiatan/{activity_id}#persetujuan" not in text(bappeda.get("/persetujuan/"))
    dinkes = _as(app, ui, "dinkes.kepala")
    assert f"/kegiatan/{activity_id}#persetujuan" in text(dinkes.get("/persetujuan/"))
    dinkes.act(activity_id, "keberatan_mitra", comment="Tenaga kesehatan belum tersedia.")
    assert ui.harness.state(activity_id) == "returned"
    staff = _as(app, ui, "dpppa.staf")
    page = text(staff.get(f"/kegiatan/{activity_id}"))
    assert "Tenaga kesehatan belum tersedia." in page  # the return note, and the history


def test_the_diagram_draws_the_gate_and_its_rule(app: Flask, ui: Ui) -> None:
    ui.login("dpppa.staf")
    svg = text(ui.get("/alur/lampung.svg"))
    assert "Persetujuan OPD mitra" in svg
    assert "semua pihak setuju" in svg and 'class="gate"' in svg
    svg = text(_as(app, ui, "sulteng.dp3a.staf").get("/alur/sulteng.svg"))
    assert "minimal 2 pihak setuju" in svg
