"""A decree signs several OPDs' activities at once (one batch, one seal). Each OPD still opens
its own signed activity; the seal (whose lampiran lists the other OPDs' activities too) is read
only by whoever sees all of them. The demo's batch spans OPDs, which made every OPD's signed
activity page a 404 before."""

from __future__ import annotations

from core.services.transitions import batch_signoff
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.ui.conftest import Ui, text

DECREE = "G/288/V.09/HK/2022"


def _to_signoff(h: Harness, username: str) -> int:
    activity_id = h.create(username, lampung_payload(h.plan_id())).id
    h.walk(activity_id, "submit", "approve", "confirm_budget")
    return activity_id


def test_each_opd_opens_its_activity_signed_in_a_batch_with_another_opd(
    ui: Ui, harness: Harness
) -> None:
    ours, theirs = _to_signoff(harness, "dpppa.staf"), _to_signoff(harness, "dinsos.staf")
    with harness.session() as s:
        done = batch_signoff(
            s,
            harness.registry,
            harness.actor("gubernur"),
            harness.plan_id(),
            [ours, theirs],
            DECREE,
        )
    assert all(item.error is None for item in done), done
    for username, mine in (("dpppa.staf", ours), ("dinsos.staf", theirs)):
        ui.client.delete_cookie("session")
        ui.login(username)
        response = ui.get(f"/kegiatan/{mine}")
        assert response.status_code == 200, username
        assert "Ditetapkan" in text(response) and "Kode verifikasi" not in text(response)
    ui.client.delete_cookie("session")
    ui.login("gubernur")
    assert "Kode verifikasi" in text(ui.get(f"/kegiatan/{ours}"))
