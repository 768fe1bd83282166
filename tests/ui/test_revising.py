"""Revising a returned activity with its note in view, and a refusal's reason where the OPD
sees it first (issue 16, item 9)."""

from __future__ import annotations

from core.testing import Harness
from tests.ui.conftest import Ui, text


def test_the_edit_form_of_a_returned_activity_opens_with_its_latest_note(
    ui: Ui, harness: Harness
) -> None:
    activity_id = ui.create()
    harness.act("dpppa.staf", activity_id, "submit")
    harness.act("dpppa.kepala", activity_id, "return", comment="Catatan pertama.")
    harness.act("dpppa.staf", activity_id, "submit")
    harness.act("dpppa.kepala", activity_id, "return", comment="Tambahkan Way Kanan.")
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}/ubah"))
    note = html.index("Catatan pengembalian")
    assert note < html.index('class="card activity-form"')
    assert "Tambahkan Way Kanan." in html and "Catatan pertama." not in html
    assert ">Simpan perbaikan</button>" in html and ">Simpan draf</button>" not in html


def test_a_draft_form_has_no_note_and_says_what_it_saves(ui: Ui) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}/ubah"))
    assert "Catatan pengembalian" not in html
    assert ">Simpan perubahan</button>" in html
    assert ">Simpan draf</button>" in text(ui.get("/kegiatan/baru"))


def test_a_rejection_reason_stands_at_the_top_of_the_activity(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    harness.act("bappeda.verifikator", activity_id, "reject", comment="Di luar kewenangan OPD.")
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    reason = html.index("Alasan penolakan")
    assert reason < html.index('id="h-fields"') and reason < html.index('id="h-history"')
    assert "Di luar kewenangan OPD." in html[reason : html.index('id="h-fields"')]
