"""The plan's matrix in Excel (issue 13 part A): registration numbers, the export, the template
and the import, over HTTP with real files opened by openpyxl."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, func, select

from core.documents.columns import HEADING_MARK, TOTAL_MARK
from core.documents.workbook import HEADER_ROW, RUPIAH
from core.models import Activity, Plan, Province
from core.testing import reset
from tests.api.conftest import Api, db_state
from tests.helpers import lampung_details

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ = ("Pilar", "Kode sub-kegiatan", "Nama kegiatan", "Indikator kinerja", "Lokasi")


def matrix(api: Api, plan_id: int, query: str = "") -> Any:
    response = api.get(f"/api/v1/plans/{plan_id}/matrix.xlsx{query}")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.data))


def table(wb: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and every row below it as {header: value}."""
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
    header = [str(h) for h in rows[0]]
    return header, [dict(zip(header, r, strict=False)) for r in rows[1:]]


def activity_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["No."] not in (HEADING_MARK, TOTAL_MARK)]


def upload(api: Api, plan_id: int, data: bytes, query: str = "", name: str = "m.xlsx") -> Any:
    return api.post(
        f"/api/v1/plans/{plan_id}/import{query}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def saved(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def empty_plan(api: Api) -> Iterator[int]:
    """A second Lampung plan over the same period, with no activities; removed afterwards."""
    with api.harness.session() as s:
        province_id = s.execute(select(Province.id).where(Province.code == "lampung")).scalar_one()
        plan = Plan(
            province_id=province_id,
            code="rad-uji-impor",
            title="RAD uji impor",
            decree_number="Rancangan",
            start_year=2022,
            end_year=2024,
        )
        s.add(plan)
        s.commit()
        plan_id = plan.id
    yield plan_id
    reset(api.harness.factory)
    with api.harness.session() as s:
        s.execute(delete(Plan).where(Plan.id == plan_id))
        s.commit()


def seed_mixed(api: Api) -> list[dict[str, Any]]:
    """Four activities over two pillars and two OPDs, several years."""
    staff, social = api.as_("dpppa.staf"), api.as_("dinsos.staf")
    return [
        staff.create(
            title="Pelatihan mediasi perempuan",
            years=[
                {"year": 2022, "target": "30 orang", "proposed_budget": 100_000_000},
                {"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000},
            ],
        ),
        staff.create(title="Pendampingan anak korban", pillar="penanganan"),
        social.create(
            title="Rumah aman korban konflik",
            pillar="penanganan",
            details=lampung_details(locations=["mesuji", "metro"], funding_source="apbn"),
            years=[{"year": 2024, "target": "1 rumah", "proposed_budget": 75_000_000}],
        ),
        social.create(title="Sekolah damai", details=lampung_details(partner_opds=[])),
    ]


# -- registration numbers --------------------------------------------------------------------


def test_registration_numbers_are_sequential_unique_shown_and_searchable(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    first, second = staff.create(), staff.create(title="Kegiatan kedua")
    a, b = first["registration_number"], second["registration_number"]
    assert a.startswith("LPG-2022-") and b.startswith("LPG-2022-")
    assert int(b.rsplit("-", 1)[1]) == int(a.rsplit("-", 1)[1]) + 1
    assert staff.get(f"/api/v1/activities/{first['id']}").json["registration_number"] == a
    found = staff.get(f"/api/v1/activities?q={b.lower()}").json["items"]
    assert [i["id"] for i in found] == [second["id"]]


# -- export ---------------------------------------------------------------------------------


def test_export_groups_by_pillar_with_subtotals_labels_and_print_setup(api: Api) -> None:
    made = seed_mixed(api)
    wb = matrix(api.as_("bappeda.verifikator"), api.plan_id())
    ws = wb.worksheets[0]
    assert ws.freeze_panes.endswith(str(HEADER_ROW + 1))
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    header, rows = table(wb)
    for column in (*READ, "No. registrasi", "Usulan 2023 (Rp)", "Ditetapkan 2024 (Rp)", "Status"):
        assert column in header
    acts = activity_rows(rows)
    assert {r["No. registrasi"] for r in acts} == {m["registration_number"] for m in made}
    # grouped: every pencegahan row before every penanganan row, OPD by OPD inside
    assert [r["Pilar"] for r in acts] == ["Pencegahan"] * 2 + ["Penanganan"] * 2
    social = next(r for r in acts if r["Nama kegiatan"] == "Rumah aman korban konflik")
    assert social["Lokasi"] == "Kabupaten Mesuji; Kota Metro"
    assert social["Sumber dana"] == "APBN"
    assert social["OPD penanggung jawab"] == "Dinas Sosial"
    assert social["Status"] == "Draf"
    labels = [r["Nama kegiatan"] for r in rows if r["No."] == TOTAL_MARK]
    assert labels[-1] == "Jumlah seluruhnya"
    assert "Jumlah pilar Pencegahan" in labels and "Jumlah Dinas Sosial" in labels
    grand = rows[-1]
    assert grand["Usulan 2023 (Rp)"] == 150_000_000 * 3  # the first, second and fourth
    assert grand["Usulan 2022 (Rp)"] == 100_000_000 and grand["Usulan 2024 (Rp)"] == 75_000_000
    money = next(
        c
        for c in ws[HEADER_ROW + 2]
        if c.column_letter and ws.cell(HEADER_ROW, c.column).value == "Usulan 2023 (Rp)"
    )
    assert money.number_format == RUPIAH


def test_export_takes_the_list_filters_and_the_callers_scope(api: Api) -> None:
    seed_mixed(api)
    plan = api.plan_id()
    _, rows = table(matrix(api.as_("bappeda.verifikator"), plan, "?pillar=penanganan"))
    assert {r["Pilar"] for r in activity_rows(rows)} == {"Penanganan"}
    _, rows = table(matrix(api.as_("dinsos.staf"), plan))
    assert {r["OPD penanggung jawab"] for r in activity_rows(rows)} == {"Dinas Sosial"}
    _, rows = table(matrix(api.as_("bappeda.verifikator"), plan, "?q=rumah aman"))
    assert [r["Nama kegiatan"] for r in activity_rows(rows)] == ["Rumah aman korban konflik"]


def test_another_provinces_plan_is_not_found(api: Api) -> None:
    other = api.harness.plan_id("sulteng")
    staff = api.as_("dpppa.staf")
    assert staff.get(f"/api/v1/plans/{other}/matrix.xlsx").status_code == 404
    assert staff.get(f"/api/v1/plans/{other}/template.xlsx").status_code == 404
    before = db_state(api.harness)
    assert upload(staff, other, b"PK\x03\x04").status_code == 404
    assert db_state(api.harness) == before


# -- template -------------------------------------------------------------------------------


def test_template_has_the_columns_and_lists_from_reference_data(api: Api) -> None:
    response = api.as_("dpppa.staf").get(f"/api/v1/plans/{api.plan_id()}/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    header, rows = table(wb)
    assert rows == [] and "Nama kegiatan" in header
    lists = wb["Daftar"]
    assert lists.sheet_state == "hidden"
    columns = {c[0].value: [v.value for v in c[1:] if v.value] for c in lists.iter_cols()}
    assert "Kabupaten Mesuji" in columns["Lokasi"]
    assert columns["Pilar"] == ["Pencegahan", "Penanganan", "Pemberdayaan dan Partisipasi"]
    assert "APBD Provinsi" in columns["Sumber dana"] and "Dinas Sosial" in columns["OPD mitra"]
    validations = wb.worksheets[0].data_validations.dataValidation
    pillar_letter = next(
        c.column_letter for c in wb.worksheets[0][HEADER_ROW] if c.value == "Pilar"
    )
    assert any(
        dv.type == "list" and str(dv.sqref).startswith(f"{pillar_letter}{HEADER_ROW + 1}")
        for dv in validations
    )
    assert len(validations) >= 5  # pillar, target group, locations, funding, conflicts, OPDs


# -- import ---------------------------------------------------------------------------------


def test_round_trip_export_import_as_another_opd_export(api: Api, empty_plan: int) -> None:
    seed_mixed(api)
    exported = api.as_("bappeda.verifikator").get(f"/api/v1/plans/{api.plan_id()}/matrix.xlsx")
    before = activity_rows(table(load_workbook(io.BytesIO(exported.data)))[1])
    response = upload(api.as_("kesbangpol.reviu"), empty_plan, exported.data)
    assert response.status_code == 403  # a reviewer drafts nothing
    response = upload(api.as_("dinsos.staf"), empty_plan, exported.data)
    assert response.status_code == 201, response.json
    assert response.json["count"] == 4
    after = activity_rows(table(matrix(api.as_("bappeda.verifikator"), empty_plan))[1])
    ignored = ("No.", "No. registrasi", "OPD penanggung jawab")

    def key(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = [{k: v for k, v in r.items() if k not in ignored} for r in rows]
        return sorted(out, key=lambda r: str(r["Nama kegiatan"]))

    assert key(after) == key(before)
    assert {r["OPD penanggung jawab"] for r in after} == {"Dinas Sosial"}
    numbers = {r["No. registrasi"] for r in after}
    assert len(numbers) == 4 and not numbers & {r["No. registrasi"] for r in before}


def fill(api: Api, plan_id: int, rows: list[dict[str, Any]]) -> bytes:
    """The plan's template, filled in with ``rows`` ({header: value}), as openpyxl saves it."""
    data = api.as_("dpppa.staf").get(f"/api/v1/plans/{plan_id}/template.xlsx").data
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header = {c.value: c.column for c in ws[HEADER_ROW]}
    for n, row in enumerate(rows, HEADER_ROW + 1):
        for name, value in row.items():
            if name not in header:
                header[name] = ws.max_column + 1
                ws.cell(HEADER_ROW, header[name], name)
            ws.cell(n, header[name], value)
    return saved(wb)


def good_row(n: int = 1, **overrides: Any) -> dict[str, Any]:
    row = {
        "Pilar": "Pencegahan",
        "Kode sub-kegiatan": "2.08.03.1.01.0001",
        "Nama kegiatan": f"Kegiatan dari lembar nomor {n}",
        "Kelompok sasaran": "Perempuan",
        "Lokasi": "Kabupaten Mesuji; metro",
        "Indikator kinerja": "Jumlah peserta terlatih",
        "Target 2023": "60 orang",
        "Usulan 2023 (Rp)": 1_000_000 * n,
        "Sumber dana": "APBD Provinsi",
        "OPD mitra": "Badan Kesatuan Bangsa dan Politik",
    }
    row.update(overrides)
    return row


def test_an_operator_creates_fifty_drafts_from_one_spreadsheet(api: Api) -> None:
    data = fill(api, api.plan_id(), [good_row(n) for n in range(1, 51)])
    staff = api.as_("dpppa.staf")
    before = db_state(api.harness)
    dry = upload(staff, api.plan_id(), data, "?dry_run=1")
    assert dry.status_code == 200 and dry.json["dry_run"] and dry.json["count"] == 50
    assert db_state(api.harness) == before
    response = upload(staff, api.plan_id(), data)
    assert response.status_code == 201, response.json
    assert response.json["count"] == 50
    with api.harness.session() as s:
        rows = s.execute(select(Activity).order_by(Activity.id)).scalars().all()
        assert len(rows) == 50 and {a.opd.code for a in rows} == {"dpppa"}
        assert rows[0].details["locations"] == ["mesuji", "metro"]
        assert rows[0].details["partner_opds"] == ["kesbangpol"]
        assert [y.proposed_budget for y in rows[49].years] == [50_000_000]
        assert len({a.registration_number for a in rows}) == 50


def test_row_level_errors_refuse_the_whole_file(api: Api) -> None:
    rows = [
        good_row(1),
        good_row(2, **{"Usulan 2023 (Rp)": "banyak sekali"}),  # wrong type
        good_row(3, Lokasi="Atlantis"),  # unknown code
        good_row(4, **{"Nama kegiatan": None}),  # missing required cell
        good_row(5, **{"Usulan 2030 (Rp)": 5_000_000}),  # a year outside the plan
        good_row(6, Pilar="Pilar fiktif"),
    ]
    data = fill(api, api.plan_id(), rows)
    before = db_state(api.harness)
    response = upload(api.as_("dpppa.staf"), api.plan_id(), data)
    assert response.status_code == 422, response.json
    assert db_state(api.harness) == before
    problems = response.json["problems"]
    where = {(p["row"], p["column"]) for p in problems}
    first = HEADER_ROW + 1
    assert (first + 1, "Usulan 2023 (Rp)") in where
    assert (first + 2, "Lokasi") in where
    assert (first + 3, "Nama kegiatan") in where
    assert (first + 4, "Usulan 2030 (Rp)") in where
    assert (first + 5, "Pilar") in where
    assert not any(p["row"] == first for p in problems)
    assert all(p["message"] for p in problems)
    atlantis = next(p for p in problems if p["column"] == "Lokasi")
    assert "Atlantis" in atlantis["message"] and atlantis["cell"].endswith(str(first + 2))


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    return out.getvalue()


def corrupt() -> bytes:
    wb = Workbook()
    wb.active.append(["x"])
    data = saved(wb)
    return data[: len(data) // 2]


HTML = b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>"
ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("junk", b"\x01\x02junk" * 100, 422, "file_not_xlsx"),
        ("html", HTML, 422, "file_html"),
        ("encrypted", ENCRYPTED, 422, "file_encrypted"),
        ("corrupt", corrupt(), 422, "file_corrupt"),
        ("bomb", zip_bomb(), 422, "file_too_large_unpacked"),
        ("empty", b"", 422, "file_empty"),
        ("ten_mb", b"\x00junk" * (2 * 1024 * 1024), 413, None),
    ],
)
def test_bad_files_get_a_clear_4xx_and_nothing_is_created(
    api: Api, name: str, data: bytes, status: int, code: str | None
) -> None:
    before = db_state(api.harness)
    response = upload(api.as_("dpppa.staf"), api.plan_id(), data)
    assert response.status_code == status, (name, response.json)
    assert response.is_json and response.json["message"]
    if code:
        assert [p["code"] for p in response.json["problems"]] == [code]
    assert db_state(api.harness) == before


def test_a_workbook_without_the_header_or_columns_is_refused(api: Api) -> None:
    wb = Workbook()
    wb.active.append(["Judul", "Anggaran"])
    wb.active.append(["Sesuatu", 100])
    response = upload(api.as_("dpppa.staf"), api.plan_id(), saved(wb))
    assert response.status_code == 422
    assert response.json["problems"][0]["code"] == "file_no_header"


def test_a_non_operator_may_not_import(api: Api) -> None:
    data = fill(api, api.plan_id(), [good_row()])
    before = db_state(api.harness)
    for user in ("bappeda.verifikator", "gubernur", "auditor"):
        assert upload(api.as_(user), api.plan_id(), data).status_code == 403
    assert db_state(api.harness) == before
    with api.harness.session() as s:
        assert s.execute(select(func.count()).select_from(Activity)).scalar_one() == 0
