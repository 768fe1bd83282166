"""The administration API on PostgreSQL: ``/admin/opds`` (the province admin only; another
province's admin gets 404), pagu history (``/opds/{code}/ceilings/history``, admin and
auditor), the admin audit log with keyset pages and filters (``/admin/audit``), the audit
chain's health (``/admin/audit/chain``), and the SIPD-keyed export (``/plans/{id}/sipd.csv``
and ``.xlsx``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import openpyxl
import pytest
from sqlalchemy import select, update

from core.models import AdminAuditEntry, AuditEntry, Opd
from tests.api.conftest import Api
from tests.helpers import lampung_details
from tests.seeded_rows import seeded_opds_and_pagu

NON_ADMINS = ("dpppa.staf", "dpppa.kepala", "bappeda.verifikator", "gubernur", "auditor")
DPPPA_SIPD, DINSOS_SIPD = "2.08.2.14.0.00.01.0000", "1.06.0.00.0.00.01.0000"


@pytest.fixture(autouse=True)
def restore(api: Api) -> Iterator[None]:
    with seeded_opds_and_pagu(api.harness.factory):
        yield


def opd_row(api: Api, code: str) -> tuple[str, str | None, bool] | None:
    with api.harness.session() as s:
        o = s.scalar(select(Opd).where(Opd.code == code, Opd.province_id == province(api)))
        return None if o is None else (o.name, o.sipd_code, o.active)


def province(api: Api) -> int:
    return api.harness.actor("admin.lampung").province_id


# -- OPDs ------------------------------------------------------------------------------------


def test_the_admin_creates_renames_codes_deactivates_and_reactivates(api: Api) -> None:
    admin = api.as_("admin.lampung")
    listed = admin.get("/api/v1/admin/opds").json
    dpppa = next(o for o in listed if o["code"] == "dpppa")
    assert dpppa["sipd_code"] == DPPPA_SIPD and dpppa["active"] is True
    body = {"code": "dlh", "name": "Dinas Lingkungan Hidup", "sipd_code": "2.11.0.00.0.00.01.0000"}
    created = admin.post("/api/v1/admin/opds", json=body)
    assert created.status_code == 201, created.json
    assert created.json["code"] == "dlh" and created.json["active"] is True
    assert admin.post("/api/v1/admin/opds", json=body).status_code == 422  # code taken
    renamed = admin.patch(
        "/api/v1/admin/opds/dlh", json={"name": "Dinas LH dan Kehutanan", "reason": "Perda 5/2024"}
    )
    assert renamed.status_code == 200 and renamed.json["name"] == "Dinas LH dan Kehutanan"
    assert (
        admin.patch(
            "/api/v1/admin/opds/dlh", json={"sipd_code": "2.11.2.17.0.00.01.0000"}
        ).status_code
        == 200
    )
    off = admin.patch("/api/v1/admin/opds/dlh", json={"active": False})
    assert off.json["active"] is False
    assert admin.get("/api/v1/admin/opds/dlh").json["active"] is False  # still readable
    assert admin.patch("/api/v1/admin/opds/dlh", json={"active": True}).json["active"] is True
    assert opd_row(api, "dlh") == ("Dinas LH dan Kehutanan", "2.11.2.17.0.00.01.0000", True)
    log = admin.get("/api/v1/admin/audit?target_type=opd&target_id=dlh").json["items"]
    assert [e["action"] for e in log] == [
        "opd.reactivate",
        "opd.deactivate",
        "opd.sipd_code",
        "opd.rename",
        "opd.create",
    ]
    assert log[3]["reason"] == "Perda 5/2024" and log[3]["actor"] == "admin.lampung"
    assert log[3]["before"]["name"] == "Dinas Lingkungan Hidup"


def test_bad_input_is_a_422_naming_every_field(api: Api) -> None:
    admin = api.as_("admin.lampung")
    response = admin.post(
        "/api/v1/admin/opds", json={"code": "Bukan Kode", "name": "", "sipd_code": "2.08.x"}
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"code", "name", "sipd_code"}
    response = admin.patch("/api/v1/admin/opds/dinsos", json={"sipd_code": DPPPA_SIPD})
    assert response.status_code == 422 and response.json["rules"][0]["field"] == "sipd_code"
    assert "dpppa" in response.json["rules"][0]["message"]
    response = admin.patch("/api/v1/admin/opds/dinsos", json={"active": "mungkin"})
    assert response.status_code == 422
    assert opd_row(api, "dinsos") == ("Dinas Sosial", DINSOS_SIPD, True)


def test_refused_for_non_admins_and_another_provinces_admin(api: Api) -> None:
    for username in NON_ADMINS:
        user = api.as_(username)
        assert user.get("/api/v1/admin/opds").status_code == 403
        assert (
            user.post("/api/v1/admin/opds", json={"code": "x1", "name": "OPD X"}).status_code == 403
        )
        assert user.patch("/api/v1/admin/opds/dpppa", json={"active": False}).status_code == 403
    other = api.as_("sulteng.admin")
    assert other.get("/api/v1/admin/opds/dpppa").status_code == 404
    assert other.patch("/api/v1/admin/opds/dpppa", json={"active": False}).status_code == 404
    assert "dpppa" not in {o["code"] for o in other.get("/api/v1/admin/opds").json}
    assert api.as_(None).get("/api/v1/admin/opds").status_code == 401
    assert opd_row(api, "dpppa")[2] is True  # type: ignore[index]


def test_the_public_opd_endpoints_keep_working_for_an_inactive_opd(api: Api) -> None:
    admin = api.as_("admin.lampung")
    assert admin.patch("/api/v1/admin/opds/bpbd", json={"active": False}).status_code == 200
    ceilings = api.as_("bappeda.verifikator").get("/api/v1/opds/bpbd/ceilings")
    assert ceilings.status_code == 200 and ceilings.json
    admin.patch("/api/v1/admin/opds/dinkes", json={"name": "Dinas Kesehatan Provinsi"})
    staff = api.as_("dpppa.staf")
    reference = staff.get("/api/v1/provinces/lampung/reference").json
    opds = {o["code"]: o["label"] for o in reference["opds"]}
    assert "bpbd" not in opds and opds["dinkes"] == "Dinas Kesehatan Provinsi"
    assert set(reference) >= {"opds", "pillars", "locations", "sipd_units"}
    form = staff.get("/api/v1/provinces/lampung/form").json
    partners = form["properties"]["details"]["properties"]["partner_opds"]["items"]["enum"]
    assert "bpbd" not in partners and "dpppa" in partners


# -- pagu history ----------------------------------------------------------------------------


def test_pagu_history_after_three_changes(api: Api) -> None:
    admin = api.as_("admin.lampung")
    path = "/api/v1/opds/dpppa/ceilings/{}"
    for year, amount, reason in (
        (2023, 3_000_000_000, "APBD perubahan"),
        (2023, 2_800_000_000, None),
        (2024, 2_000_000_000, "Refocusing"),
    ):
        body = {"amount": amount, **({"reason": reason} if reason else {})}
        response = admin.open("PUT", path.format(year), json=body)
        assert response.status_code == 200, response.json
        assert set(response.json) == {"year", "ceiling", "confirmed", "remaining"}
    for reader in ("admin.lampung", "auditor"):
        history = api.as_(reader).get("/api/v1/opds/dpppa/ceilings/history").json
        assert [(h["year"], h["before"], h["after"], h["reason"]) for h in history] == [
            (2024, 2_500_000_000, 2_000_000_000, "Refocusing"),
            (2023, 3_000_000_000, 2_800_000_000, None),
            (2023, 2_500_000_000, 3_000_000_000, "APBD perubahan"),
        ]
        assert all(h["actor"] == "admin.lampung" and h["at"].endswith("Z") for h in history)
    one = admin.get("/api/v1/opds/dpppa/ceilings/history?year=2024").json
    assert [h["after"] for h in one] == [2_000_000_000]
    assert len(admin.get("/api/v1/admin/audit?action=pagu.set").json["items"]) == 3
    for username in ("dpppa.staf", "dpppa.kepala", "bappeda.verifikator", "gubernur"):
        assert api.as_(username).get("/api/v1/opds/dpppa/ceilings/history").status_code == 403
    assert api.as_("sulteng.auditor").get("/api/v1/opds/dpppa/ceilings/history").status_code == 404


def test_lowering_below_confirmed_shows_the_numbers_and_records_nothing(api: Api) -> None:
    activity = api.as_("dpppa.staf").create()  # Rp150.000.000 in 2023
    api.harness.walk(activity["id"], "submit", "approve", "confirm_budget")
    response = api.as_("admin.lampung").open(
        "PUT", "/api/v1/opds/dpppa/ceilings/2023", json={"amount": 1_000, "reason": "uji"}
    )
    assert response.status_code == 422
    assert "Rp150.000.000" in response.json["rules"][0]["message"]
    assert api.as_("auditor").get("/api/v1/opds/dpppa/ceilings/history").json == []


# -- the admin audit log and the chain's health ----------------------------------------------


def test_audit_log_pages_by_keyset_and_filters(api: Api) -> None:
    admin = api.as_("admin.lampung")
    for amount in range(1, 6):
        admin.open("PUT", "/api/v1/opds/dinsos/ceilings/2023", json={"amount": amount})
    admin.patch("/api/v1/admin/opds/dinsos", json={"name": "Dinas Sosial Provinsi"})
    auditor = api.as_("auditor")
    first = auditor.get("/api/v1/admin/audit?limit=4").json
    assert len(first["items"]) == 4 and first["next_before_id"] == first["items"][-1]["id"]
    assert first["items"][0]["action"] == "opd.rename"
    rest = auditor.get(f"/api/v1/admin/audit?limit=4&before_id={first['next_before_id']}").json
    assert len(rest["items"]) == 2 and rest["next_before_id"] is None
    ids = [e["id"] for e in first["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 6
    only = auditor.get("/api/v1/admin/audit?target_type=ceiling&target_id=dinsos/2023").json
    assert [e["after"]["amount"] for e in only["items"]] == [5, 4, 3, 2, 1]
    assert api.as_("sulteng.auditor").get("/api/v1/admin/audit").json["items"] == []
    for username in ("dpppa.staf", "bappeda.verifikator", "gubernur"):
        assert api.as_(username).get("/api/v1/admin/audit").status_code == 403
        assert api.as_(username).get("/api/v1/admin/audit/chain").status_code == 403
    assert auditor.get("/api/v1/admin/audit?limit=0").status_code == 422
    assert auditor.get("/api/v1/admin/audit?before_id=abc").status_code == 422


def test_the_chain_health_finds_a_tampered_entry(api: Api) -> None:
    activity = api.as_("dpppa.staf").create()
    api.harness.walk(activity["id"], "submit", "approve")
    health = api.as_("auditor").get("/api/v1/admin/audit/chain").json
    assert health["intact"] is True and health["breaks"] == []
    assert health["entries"] == 3 and health["activities"] == 1
    with api.harness.session() as s:
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.activity_id == activity["id"], AuditEntry.seq == 2)
            .values(actor="orang.lain")
        )
        s.commit()
    health = api.as_("admin.lampung").get("/api/v1/admin/audit/chain").json
    assert health["intact"] is False
    assert [(b["activity_id"], b["seq"]) for b in health["breaks"]] == [(activity["id"], 2)]
    assert api.as_("sulteng.auditor").get("/api/v1/admin/audit/chain").json["intact"] is True


def test_the_admin_audit_rows_only_grow(api: Api) -> None:
    api.as_("admin.lampung").open("PUT", "/api/v1/opds/dinsos/ceilings/2023", json={"amount": 7})
    with api.harness.session() as s:
        assert s.scalar(select(AdminAuditEntry.id).where(AdminAuditEntry.action == "pagu.set"))


# -- the SIPD-keyed export -------------------------------------------------------------------


def confirmed_over_opds_and_years(api: Api) -> None:
    staff, social = api.as_("dpppa.staf"), api.as_("dinsos.staf")
    two_years = staff.create(
        years=[
            {"year": 2022, "target": "30 orang", "proposed_budget": 100_000_000},
            {"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000},
        ]
    )
    same_code = staff.create(
        title="Pendampingan anak korban",
        years=[{"year": 2023, "target": "20 anak", "proposed_budget": 50_000_000}],
    )
    other_code = social.create(
        title="Rumah aman korban konflik",
        details=lampung_details(sub_activity_code="2.08.03.1.01.0002"),
        years=[{"year": 2024, "target": "1 rumah", "proposed_budget": 75_000_000}],
    )
    staff.create(title="Masih draf")  # not confirmed: not exported
    h = api.harness
    h.walk(two_years["id"], "submit", "approve")
    response = api.as_("bappeda.verifikator").act(
        two_years["id"],
        "confirm_budget",
        confirmed_years=[
            {"year": 2022, "confirmed_budget": 100_000_000},
            {"year": 2023, "confirmed_budget": 120_000_000},
        ],
    )
    assert response.status_code == 200, response.json
    h.walk(same_code["id"], "submit", "approve", "confirm_budget")
    h.walk(other_code["id"], "submit", "approve", "confirm_budget")


def test_sipd_csv_and_xlsx_hold_the_confirmed_sums(api: Api) -> None:
    confirmed_over_opds_and_years(api)
    bappeda = api.as_("bappeda.verifikator")
    response = bappeda.get(f"/api/v1/plans/{api.plan_id()}/sipd.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows == [
        [
            "kode_sub_kegiatan",
            "kode_unit_sipd",
            "kode_opd",
            "nama_opd",
            "tahun",
            "anggaran_terkonfirmasi",
            "jumlah_kegiatan",
        ],
        ["2.08.03.1.01.0001", DPPPA_SIPD, "dpppa", DPPPA_NAME, "2022", "100000000", "1"],
        ["2.08.03.1.01.0001", DPPPA_SIPD, "dpppa", DPPPA_NAME, "2023", "170000000", "2"],
        ["2.08.03.1.01.0002", DINSOS_SIPD, "dinsos", "Dinas Sosial", "2024", "75000000", "1"],
    ]
    response = bappeda.get(f"/api/v1/plans/{api.plan_id()}/sipd.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:2] == ["Kode sub-kegiatan", "Kode unit SIPD"]
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in values[1:]] == [
        ("2.08.03.1.01.0001", DPPPA_SIPD, 2022, 100_000_000, 1),
        ("2.08.03.1.01.0001", DPPPA_SIPD, 2023, 170_000_000, 2),
        ("2.08.03.1.01.0002", DINSOS_SIPD, 2024, 75_000_000, 1),
    ]
    assert sheet.freeze_panes == "A2"
    # The caller's scope: an OPD's staff exports their own OPD's rows only; filters apply.
    own = api.as_("dpppa.staf").get(f"/api/v1/plans/{api.plan_id()}/sipd.csv").get_data()
    assert b"dinsos" not in own and own.count(b"\n") == 3
    by_opd = bappeda.get(f"/api/v1/plans/{api.plan_id()}/sipd.csv?opd=dinsos").get_data()
    assert by_opd.count(b"\n") == 2 and b"75000000" in by_opd
    # The year filter keeps that year's rows (it once failed: its EXISTS correlated away the
    # joined activity years, a 500).
    by_year = bappeda.get(f"/api/v1/plans/{api.plan_id()}/sipd.csv?year=2023")
    assert by_year.status_code == 200
    lines = by_year.get_data().decode("utf-8-sig").splitlines()[1:]
    assert [line.split(",")[4:6] for line in lines] == [["2023", "170000000"]]


def test_sipd_export_follows_an_admins_new_code_and_refuses_another_province(api: Api) -> None:
    confirmed_over_opds_and_years(api)
    api.as_("admin.lampung").patch("/api/v1/admin/opds/dinsos", json={"sipd_code": None})
    rows = api.as_("gubernur").get(f"/api/v1/plans/{api.plan_id()}/sipd.csv").get_data()
    assert b"2.08.03.1.01.0002,,dinsos" in rows  # no SIPD code: the gap stays visible
    for suffix in ("csv", "xlsx"):
        path = f"/api/v1/plans/{api.plan_id()}/sipd.{suffix}"
        assert api.as_("sulteng.gubernur").get(path).status_code == 404
        assert api.as_(None).get(path).status_code == 401
        assert api.as_("gubernur").get(f"{path}?year=1").status_code == 422


DPPPA_NAME = "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"
