"""Bappeda's budget confirmation on the activity page: no year is confirmed that nobody typed,
amounts are read as officials write them, each message names its year, and the total to be
booked is on the page before the button (issue 16, items 1 and 6)."""

from __future__ import annotations

from sqlalchemy import select

from core.models import ActivityYear, Ceiling, Opd
from core.testing import Harness
from tests.ui.conftest import Ui, text

TO_BUDGET = (("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
TWO_YEARS = [
    {"year": 2023, "target": "60 orang", "proposed_budget": 300_000_000},
    {"year": 2024, "target": "80 orang", "proposed_budget": 200_000_000},
]


def _booked(harness: Harness) -> dict[int, int]:
    with harness.session() as s:
        rows = s.execute(
            select(Ceiling.year, Ceiling.confirmed)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == "dpppa")
        )
        return {r.year: r.confirmed for r in rows}


def _confirmed(harness: Harness, activity_id: int) -> dict[int, int | None]:
    with harness.session() as s:
        rows = s.execute(
            select(ActivityYear.year, ActivityYear.confirmed_budget).where(
                ActivityYear.activity_id == activity_id
            )
        )
        return {r.year: r.confirmed_budget for r in rows}


def _in_budget_review(ui: Ui, harness: Harness) -> int:
    activity_id = ui.create(years=TWO_YEARS)
    harness.move(activity_id, *TO_BUDGET)
    ui.login("bappeda.verifikator")
    return activity_id


def test_an_emptied_year_is_an_error_naming_it_and_nothing_is_booked(
    ui: Ui, harness: Harness
) -> None:
    activity_id = _in_budget_review(ui, harness)
    before = _booked(harness)
    response = ui.act(
        activity_id, "confirm_budget", **{"confirmed.2023": "", "confirmed.2024": "200.000.000"}
    )
    assert response.status_code == 422
    html = text(response)
    assert "Berhasil" not in html
    assert 'id="err-confirmed-2023"' in html
    assert "Isi anggaran yang dikonfirmasi untuk tahun 2023 (usulan Rp300.000.000)" in html
    assert 'id="confirmed-2023" name="confirmed.2023"' in html
    assert harness.state(activity_id) == "budget_review"
    assert _booked(harness) == before
    assert _confirmed(harness, activity_id) == {2023: None, 2024: None}


def test_amounts_as_officials_write_them_and_errors_name_the_year(ui: Ui, harness: Harness) -> None:
    activity_id = _in_budget_review(ui, harness)
    response = ui.act(
        activity_id, "confirm_budget", **{"confirmed.2023": "-5", "confirmed.2024": "banyak"}
    )
    assert response.status_code == 422
    html = text(response)
    assert "Tahun 2023: Anggaran tidak boleh negatif" in html
    assert "Tahun 2024: Tulis jumlah rupiah dengan angka, mis. 150.000.000" in html
    assert 'id="err-confirmed-2023"' in html and 'id="err-confirmed-2024"' in html
    assert "Jumlah yang akan dikonfirmasi" in html and "belum lengkap" in html
    response = ui.act(
        activity_id,
        "confirm_budget",
        **{"confirmed.2023": "Rp 255.000.000,00", "confirmed.2024": "150 juta"},
    )
    assert response.status_code == 302, text(response)
    assert _confirmed(harness, activity_id) == {2023: 255_000_000, 2024: 150_000_000}


def test_the_total_to_be_confirmed_stands_before_the_button(ui: Ui, harness: Harness) -> None:
    activity_id = _in_budget_review(ui, harness)
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    total = html.index("Jumlah yang akan dikonfirmasi")
    assert total < html.index('<button type="submit" class="primary">', total)
    assert "Rp500.000.000</strong>" in html[total:]
    # after a failed try, the total of what was typed
    response = ui.act(
        activity_id,
        "confirm_budget",
        **{"confirmed.2023": "255.000.000", "confirmed.2024": "Rp250.000.000"},
    )
    assert response.status_code == 422  # 2024 raised
    html = text(response)
    assert "Rp505.000.000</strong>" in html[html.index("Jumlah yang akan dikonfirmasi") :]
