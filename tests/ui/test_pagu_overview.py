"""Beranda's pagu for the province-wide roles (issue 16, item 12): a table of OPD × year with
pagu, confirmed and remaining, each OPD's sum and the province's totals, and a chart of one bar
per OPD, not one per OPD and year."""

from __future__ import annotations

import re

import pytest

from core.testing import Harness
from tests.ui.conftest import Ui, text

TO_SIGNOFF = (
    ("dpppa.staf", "submit"),
    ("dpppa.kepala", "approve"),
    ("bappeda.verifikator", "confirm_budget"),
)


def cells(row: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
    ]


def pagu_section(html: str) -> str:
    return html.split('id="h-pagu"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    "username", ["bappeda.verifikator", "gubernur", "kesbangpol.reviu", "admin.lampung", "auditor"]
)
def test_province_wide_dashboards_have_the_pagu_table_with_totals(
    ui: Ui, harness: Harness, username: str
) -> None:
    confirmed = ui.create()  # Rp150.000.000 in 2023
    harness.move(confirmed, *TO_SIGNOFF)
    ui.login(username)
    section = pagu_section(text(ui.get("/")))
    table = section.split("<table", 1)[1].split("</table>", 1)[0]
    groups = re.findall(r"<tbody[^>]*>(.*?)</tbody>", table, re.S)
    by_opd = {}
    for group in groups:
        rows = [cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", group, re.S)]
        by_opd[rows[0][0]] = rows
    assert len(by_opd) > 2 and "Total provinsi" in by_opd  # every OPD, and the province
    dpppa = by_opd["Dinas Pemberdayaan Perempuan dan Perlindungan Anak"]
    assert dpppa[0] == [
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        "2022",
        "Rp2.500.000.000",
        "Rp0",
        "Rp2.500.000.000",
    ]
    assert dpppa[1] == ["2023", "Rp2.500.000.000", "Rp150.000.000", "Rp2.350.000.000"]
    assert dpppa[-1] == ["Jumlah 2022–2024", "Rp7.500.000.000", "Rp150.000.000", "Rp7.350.000.000"]

    def amount(value: str) -> int:
        return int(value.removeprefix("Rp").replace(".", ""))

    province = by_opd.pop("Total provinsi")
    sums = [  # the province's year rows add up the OPDs' rows of that year
        [sum(amount(rows[i][-k]) for rows in by_opd.values()) for k in (3, 2, 1)] for i in range(3)
    ]
    assert [[amount(c) for c in row[-3:]] for row in province[:3]] == sums
    assert province[1][0].endswith("2023") and amount(province[1][-2]) == 150_000_000
    assert province[-1][0] == "Semua tahun"
    assert amount(province[-1][-3]) == sum(row[0] for row in sums)
    # the chart: one bar per OPD and one for the province, none per OPD and year
    chart = section.split("</table>", 1)[1]
    assert chart.count('<svg class="bar"') == len(by_opd) + 1
    assert " · 2023" not in chart


def test_an_opd_sees_its_own_pagu_with_its_total(ui: Ui) -> None:
    ui.login("dinsos.staf")
    section = pagu_section(text(ui.get("/")))
    assert "Dinas Sosial" in section and "Dinas Pemberdayaan" not in section
    assert "Total provinsi" not in section and ">Total<" in section
