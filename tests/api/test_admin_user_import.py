"""``POST /api/v1/admin/users/import``: accounts from CSV or XLSX, all or nothing, every problem
as ``{row, column, message}``; the template round-trips."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from core.models import AdminAuditEntry, User
from tests.accounts import cleaned_users
from tests.api.conftest import Api

IMPORT = "/api/v1/admin/users/import"
HEADER = "username,full_name,email,nip,role,opd\n"
ROWS = (
    "uji.satu,Satu Pertama,satu@uji.test,19860926 201505 1 001,opd_staff,dpppa\n"
    "uji.dua,Dua Kedua,dua@uji.test,,Kepala OPD,dinsos\n"
    "uji.tiga,Tiga Ketiga,tiga@uji.test,198607102023212014,bappeda,\n"
)


@pytest.fixture
def admin(api: Api) -> Iterator[Api]:
    with cleaned_users(api.harness):
        yield api.as_("admin.lampung")


def upload(admin: Api, data: bytes, name: str = "pengguna.csv", **query: int) -> TestResponse:
    return admin.post(
        IMPORT,
        query_string={"send_reset": 0, **query},
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def made(admin: Api) -> list[str]:
    with admin.harness.session() as s:
        return list(
            s.execute(
                select(User.username).where(User.username.like("uji.%")).order_by(User.username)
            ).scalars()
        )


def test_a_csv_creates_every_account_with_its_role(admin: Api) -> None:
    response = upload(admin, (HEADER + ROWS).encode())
    assert response.status_code == 201, response.json
    body = response.json
    assert body["count"] == 3 and [i["row"] for i in body["items"]] == [2, 3, 4]
    assert made(admin) == ["uji.dua", "uji.satu", "uji.tiga"]
    dua = admin.get(f"/api/v1/admin/users/{body['items'][1]['id']}").json
    assert [(r["role"], r["opd"]) for r in dua["roles"]] == [("opd_head", "dinsos")]  # type: ignore[index]
    with admin.harness.session() as s:
        logged = s.execute(
            select(func.count()).where(
                AdminAuditEntry.action == "user.create", AdminAuditEntry.reason == "impor massal"
            )
        ).scalar_one()
    assert logged == 3


def test_one_bad_row_creates_nobody_and_every_problem_is_named(admin: Api) -> None:
    bad = (
        HEADER
        + ROWS
        + "uji.empat,Empat,bukan-email,1986,opd_staff,dp3a\n"
        + "uji.satu,Lagi Satu,satu@uji.test,,raja,\n"
    )
    response = upload(admin, bad.encode())
    assert response.status_code == 422
    problems = response.json["problems"]
    found = {(p["row"], p["column"]) for p in problems}
    assert {
        (5, "email"),
        (5, "nip"),
        (5, "opd"),
        (6, "username"),
        (6, "email"),
        (6, "role"),
    } <= found
    assert all(p["message"] for p in problems)
    assert made(admin) == []


def test_a_dry_run_checks_and_creates_nothing(admin: Api) -> None:
    response = upload(admin, (HEADER + ROWS).encode(), dry_run=1)
    assert response.status_code == 200
    assert response.json["dry_run"] is True and response.json["count"] == 3
    assert all(i["id"] is None for i in response.json["items"])
    assert made(admin) == []


def test_an_xlsx_with_semicolon_roles_and_indonesian_headers(admin: Api) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Nama Pengguna", "Nama Lengkap", "E-mail", "NIP", "Peran", "Kode OPD"])
    ws.append(
        [
            "uji.lima",
            "Lima Kelima",
            "lima@uji.test",
            "19860926 201505 1 001",
            "opd_staff; opd_head",
            "dpppa",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    response = upload(admin, out.getvalue(), "pengguna.xlsx")
    assert response.status_code == 201, response.json
    assert made(admin) == ["uji.lima"]


def test_a_nip_typed_as_an_excel_number_is_refused(admin: Api) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["username", "full_name", "email", "nip", "role", "opd"])
    ws.append(["uji.enam", "Enam Keenam", "enam@uji.test", 198609262015051001, "bappeda", None])
    out = io.BytesIO()
    wb.save(out)
    response = upload(admin, out.getvalue(), "pengguna.xlsx")
    assert response.status_code == 422
    assert [(p["row"], p["column"]) for p in response.json["problems"]] == [(2, "nip")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "file_empty"),
        (b"\x00\x01\x02\xff\xfe", "file_not_csv"),
        (b"PK\x03\x04garbage", "file_corrupt"),
        (b"nama,alamat\nx,y\n", "column_missing"),
        (HEADER.encode(), "file_no_rows"),
    ],
)
def test_unusable_files_are_refused(admin: Api, data: bytes, code: str) -> None:
    response = upload(admin, data)
    assert response.status_code == 422, response.json
    assert code in {p["code"] for p in response.json["problems"]}


def test_the_template_lists_roles_and_opds_and_imports_back(admin: Api) -> None:
    response = admin.get("/api/v1/admin/users/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    header = [c.value for c in wb["Pengguna"][1]]
    assert header == ["username", "full_name", "email", "nip", "role", "opd"]
    reference = [r[0] for r in wb["Petunjuk"].iter_rows(values_only=True)]
    assert "opd_staff" in reference and "dpppa" in reference
    # The example row, renamed, imports as it stands.
    ws = wb["Pengguna"]
    ws["A2"], ws["C2"] = "uji.contoh", "contoh@uji.test"
    out = io.BytesIO()
    wb.save(out)
    assert upload(admin, out.getvalue(), "t.xlsx").status_code == 201
    assert made(admin) == ["uji.contoh"]
