"""The governor's batch sign-off page: a bad decree number is one error on its field with the
ticks kept, a summary (count, total, decree number and date) comes before the signature, and
the result repeats the decree (issue 16, item 7)."""

from __future__ import annotations

import re

from core.testing import Harness
from tests.ui.conftest import Ui, text

TO_SIGNOFF = (
    ("dpppa.staf", "submit"),
    ("dpppa.kepala", "approve"),
    ("bappeda.verifikator", "confirm_budget"),
)
DECREE = "G/77/V.09/HK/2023"


def _three(ui: Ui, harness: Harness) -> list[int]:
    ids = [ui.create(title=f"Kegiatan {n}") for n in "ABC"]
    for activity_id in ids:
        harness.move(activity_id, *TO_SIGNOFF)
    ui.login("gubernur")
    return ids


def _ticked(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'name="activity_ids" value="(\d+)" checked', html)}


def test_a_malformed_decree_is_one_error_on_its_field_and_the_ticks_stay(
    ui: Ui, harness: Harness
) -> None:
    a, b, c = _three(ui, harness)
    response = ui.post("/penetapan/", {"activity_ids": [str(a), str(b)], "decree_number": "123"})
    assert response.status_code == 422
    html = text(response)
    assert html.count("Nomor keputusan harus berformat") == 1
    assert 'id="err-decree_number"' in html and 'aria-invalid="true"' in html
    assert _ticked(html) == {a, b}
    assert "Hasil penetapan" not in html
    assert {harness.state(i) for i in (a, b, c)} == {"governor_signoff"}


def test_a_summary_comes_before_the_signature(ui: Ui, harness: Harness) -> None:
    a, b, c = _three(ui, harness)
    form = {"activity_ids": [str(a), str(b)], "decree_number": DECREE, "decree_date": "2023-05-02"}
    html = text(ui.post("/penetapan/", form))
    assert "Periksa sebelum menetapkan" in html
    assert "Kegiatan yang akan ditetapkan: 2" in html
    assert DECREE in html and "2 Mei 2023" in html
    assert "Rp300.000.000" in html  # 2 × Rp150.000.000 confirmed
    assert "Kegiatan A" in html and "Kegiatan B" in html and "Kegiatan C" not in html
    assert {harness.state(i) for i in (a, b, c)} == {"governor_signoff"}  # nothing signed yet
    back = text(ui.post("/penetapan/", form | {"step": "back"}))
    assert _ticked(back) == {a, b} and f'value="{DECREE}"' in back
    done = text(ui.post("/penetapan/", form | {"step": "final"}))
    assert f"Keputusan Nomor {DECREE} tanggal 2 Mei 2023" in done
    assert "ditetapkan: 2 dari 2 kegiatan" in done
    assert (harness.state(a), harness.state(b), harness.state(c)) == (
        "signed",
        "signed",
        "governor_signoff",
    )
