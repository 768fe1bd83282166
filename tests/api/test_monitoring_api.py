"""``/monitoring`` (JSON, PDF, XLSX) over HTTP: the consolidation of the hand-computed scenario
of ``tests/test_monitoring.py``, the caller's scope, and bad filters named (issue 14)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.api.conftest import Api
from tests.test_monitoring import M, scenario, sheet_sums

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S1 = "year=2023&period=S1"


def get(api: Api, path: str, query: str = S1, status: int = 200) -> Any:
    response = api.get(f"/api/v1/{path}?plan_id={api.plan_id()}&{query}")
    assert response.status_code == status, response.data[:500]
    return response


def test_the_consolidation_as_json(api: Api) -> None:
    ids = scenario(api.harness).ids
    body = get(api.as_("pokja.lampung"), "monitoring").json
    assert (body["year"], body["period"]["code"], body["period"]["due_on"]) == (
        2023,
        "S1",
        "2023-07-10",
    )
    assert body["province_wide"] and body["overdue"]  # today is long after 10 July 2023
    assert (body["total"]["confirmed"], body["total"]["realised"]) == (1000 * M, 190 * M)
    assert body["total"]["budget_percent"] == pytest.approx(19.0)
    pillars = {p["code"]: (p["confirmed"], p["realised"]) for p in body["pillars"]}
    assert pillars["pencegahan"] == (400 * M, 190 * M) and pillars["penanganan"] == (600 * M, 0)
    assert {o["code"]: o["realised"] for o in body["opds"]} == {"dpppa": 40 * M, "dinsos": 150 * M}
    assert [m["activity_id"] for m in body["missing"]] == [ids["a4"]]
    assert {s["label"]: s["count"] for s in body["statuses"]}["Diterima"] == 2
    assert body["unreported"] == 1 and len(body["activities"]) == 4
    # Every period of 2022-2024 has started by now.
    assert [(s["year"], s["period"]) for s in body["series"]][-1] == (2024, "S2")


def test_each_role_sees_its_scope_and_nobody_another_province(api: Api) -> None:
    scenario(api.harness)
    for user in ("gubernur", "bappeda.verifikator", "auditor", "admin.lampung"):
        body = get(api.as_(user), "monitoring").json
        assert body["province_wide"] and body["total"]["confirmed"] == 1000 * M, user
    own = get(api.as_("dpppa.kepala"), "monitoring").json
    assert not own["province_wide"] and [o["code"] for o in own["opds"]] == ["dpppa"]
    assert own["total"]["confirmed"] == 300 * M
    other = get(api.as_("sulteng.gubernur"), "monitoring", status=422).json
    assert "plan_id" in other["errors"]
    assert get(api.as_(None), "monitoring", status=401).status_code == 401
    for path in ("monitoring.pdf", "monitoring.xlsx"):
        assert get(api.as_(None), path, status=401).status_code == 401
        assert "plan_id" in get(api.as_("sulteng.gubernur"), path, status=422).json["errors"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("year=abc&period=S1", {"year"}),
        ("year=1999", {"year"}),
        ("year=2023&period=TW9", {"period"}),
        ("year=2023&period=" + "x" * 30, {"period"}),
        ("year=99999&period=" + "x" * 30, {"year", "period"}),
    ],
)
def test_bad_filters_are_named(api: Api, query: str, fields: set[str]) -> None:
    for path in ("monitoring", "monitoring.pdf", "monitoring.xlsx"):
        body = get(api.as_("pokja.lampung"), path, query, status=422).json
        assert set(body["errors"]) == fields, (path, body)


def test_the_pdf_and_the_workbook_over_http(api: Api) -> None:
    scenario(api.harness)
    pdf = get(api.as_("gubernur"), "monitoring.pdf")
    assert pdf.mimetype == "application/pdf" and "pemantauan-" in pdf.headers["Content-Disposition"]
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    assert "Rp190.000.000" in text and "Rp1.000.000.000" in text
    xlsx = get(api.as_("gubernur"), "monitoring.xlsx")
    assert xlsx.mimetype == XLSX
    wb = load_workbook(io.BytesIO(xlsx.data))
    for ws in wb.worksheets[:3]:
        assert sheet_sums(ws) == ((1000 * M, 190 * M), (1000 * M, 190 * M)), ws.title


def test_without_filters_the_latest_period_that_has_ended(api: Api) -> None:
    body = api.as_("gubernur").get("/api/v1/monitoring").json
    assert (body["year"], body["period"]["code"], body["plan_id"]) == (2024, "S2", api.plan_id())
    assert body["total"]["activities"] == 0 and body["missing"] == []
