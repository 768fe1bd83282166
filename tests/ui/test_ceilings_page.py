"""The province admin's pagu page: every OPD per plan year, saved per OPD, errors by the input
with what was typed kept; nobody else gets the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core.models import Ceiling, Opd
from core.testing import Harness
from tests.ui.conftest import Ui, text

PAGU = {2022: 2_500_000_000, 2023: 2_500_000_000, 2024: 2_500_000_000}


def dpppa(harness: Harness) -> dict[int, tuple[int, int]]:
    with harness.session() as s:
        rows = s.execute(
            select(Ceiling.year, Ceiling.amount, Ceiling.confirmed)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == "dpppa")
        )
        return {r.year: (r.amount, r.confirmed) for r in rows}


@pytest.fixture(autouse=True)
def restore(harness: Harness) -> Iterator[None]:
    """Ceilings are seeded once per session: put dpppa's back afterwards."""
    yield
    with harness.session() as s:
        dpppa_id = s.execute(select(Opd.id).where(Opd.code == "dpppa")).scalar_one()
        for c in s.execute(select(Ceiling).where(Ceiling.opd_id == dpppa_id)).scalars():
            c.amount = PAGU[c.year]
        s.commit()


def test_the_admin_sees_every_opd_and_saves_one(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    html = text(ui.get("/"))
    assert 'href="/pagu/"' in html  # in the navigation
    html = text(ui.get("/pagu/"))
    assert 'id="opd-dpppa"' in html and 'id="opd-bpbd"' in html
    assert 'id="dpppa-2023"' in html and 'value="2.500.000.000"' in html
    response = ui.post(
        "/pagu/dpppa",
        {"pagu.2022": "2.500.000.000", "pagu.2023": "Rp3.000.000.000", "pagu.2024": ""},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pagu/#opd-dpppa")
    assert dpppa(harness)[2023] == (3_000_000_000, 0)
    assert dpppa(harness)[2022] == (2_500_000_000, 0)
    html = text(ui.get("/pagu/"))
    assert "Pagu Dinas Pemberdayaan Perempuan dan Perlindungan Anak tersimpan." in html
    assert 'value="3.000.000.000"' in html


def test_errors_stand_by_their_input_and_nothing_is_saved(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()  # Rp150.000.000 in 2023
    harness.walk(activity_id, "submit", "approve", "confirm_budget")
    before = dpppa(harness)
    ui.login("admin.lampung")
    response = ui.post(
        "/pagu/dpppa", {"pagu.2022": "1.000", "pagu.2023": "100", "pagu.2024": "banyak"}
    )
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-years-2023"' in html and "Rp150.000.000" in html  # below confirmed
    assert 'id="err-years-2024"' in html and "Tulis jumlah rupiah dengan angka" in html
    assert 'value="banyak"' in html and 'value="1.000"' in html  # kept as typed
    assert dpppa(harness) == before  # 2022 was fine, but nothing or all


def test_nobody_but_the_admin_gets_the_page(ui: Ui, harness: Harness) -> None:
    for username in ("dpppa.staf", "bappeda.verifikator", "gubernur", "auditor"):
        ui.login(username)
        assert 'href="/pagu/"' not in text(ui.get("/"))
        assert ui.get("/pagu/").status_code == 403
        assert ui.post("/pagu/dpppa", {"pagu.2023": "1"}).status_code == 403
        ui.post("/keluar", {})
    assert dpppa(harness)[2023][0] == PAGU[2023]
    ui.login("admin.lampung")
    assert ui.post("/pagu/dp3a", {"pagu.2025": "1"}).status_code == 404  # Sulawesi Tengah's


def test_the_page_in_english(ui: Ui) -> None:
    ui.post("/bahasa", {"lang": "en", "next": "/masuk"})
    ui.login("admin.lampung")
    html = text(ui.post("/pagu/dpppa", {"pagu.2023": "-1"}))
    assert "Agency ceilings" in html and "A budget cannot be negative" in html
