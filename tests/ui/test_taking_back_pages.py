"""*Hapus draf* and *Tarik kembali* on the activity page (issue 16, item 10)."""

from __future__ import annotations

from core.testing import Harness
from tests.ui.conftest import Ui, text


def test_hapus_draf_from_the_activity_page(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create(title="Draf yang dibatalkan")
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Hapus draf" in html and f'action="/kegiatan/{activity_id}/hapus"' in html
    stale = ui.post(f"/kegiatan/{activity_id}/hapus", {"version": "0"})
    assert stale.status_code == 409 and "muat ulang" in text(stale)
    done = ui.post(f"/kegiatan/{activity_id}/hapus", {"version": str(harness.version(activity_id))})
    assert done.status_code == 302 and done.headers["Location"].endswith("/kegiatan/")
    listing = text(ui.get(done.headers["Location"]))
    assert "Draf kegiatan dihapus." in listing and "Draf yang dibatalkan" not in listing
    assert ui.get(f"/kegiatan/{activity_id}").status_code == 404


def test_tarik_kembali_then_no_hapus_draf(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.act("dpppa.staf", activity_id, "submit")
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Tarik kembali" in html and "Hapus draf" not in html
    response = ui.act(activity_id, "withdraw")
    assert response.status_code == 302
    html = text(ui.get(response.headers["Location"]))
    assert "Status kegiatan sekarang: Draf" in html
    assert "Tarik kembali" in html  # in the history
    assert "Hapus draf" not in html  # it was submitted once
    ui.post("/keluar", {})
    ui.login("dpppa.kepala")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Tarik kembali" in html and 'value="withdraw"' not in html  # history only
