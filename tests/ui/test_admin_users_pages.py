"""The *Pengguna* pages: the province admin lists, creates, edits, deactivates and reactivates
accounts and their roles, and imports them; errors stay beside the inputs with what was typed;
403 for a non-admin, 404 for another province's admin."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from core.models import AdminAuditEntry, RoleAssignment, User
from core.testing import Harness
from tests.accounts import GOOD_PASSWORD, cleaned_users, set_password, user_id
from tests.ui.conftest import Ui, text

FORM = {
    "username": "uji.budi",
    "full_name": "Budi Santoso",
    "email": "budi.uji@lampungprov.test",
    "nip": "19860926 201505 1 001",
    "role": "opd_staff",
    "opd": "dinsos",
}


@pytest.fixture
def admin(ui: Ui, harness: Harness) -> Iterator[Ui]:
    with cleaned_users(harness):
        ui.login("admin.lampung")
        yield ui


def created(ui: Ui, **change: str) -> int:
    response = ui.post("/admin/pengguna/baru", {**FORM, **change})
    assert response.status_code == 302, text(response)
    return user_id(ui.harness, change.get("username", FORM["username"]))


def test_the_admin_has_the_menu_entry_and_others_do_not(admin: Ui, app: object) -> None:
    assert "/admin/pengguna/" in text(admin.get("/"))
    other = Ui(admin.client.application.test_client(), admin.harness)
    other.login("dpppa.staf")
    assert "/admin/pengguna/" not in text(other.get("/"))
    assert other.get("/admin/pengguna/").status_code == 403
    assert other.get("/admin/pengguna/baru").status_code == 403
    assert other.post("/admin/pengguna/baru", FORM).status_code == 403
    with admin.harness.session() as s:
        assert s.execute(select(User).where(User.username == "uji.budi")).first() is None


def test_create_with_errors_keeps_what_was_typed(admin: Ui) -> None:
    response = admin.post(
        "/admin/pengguna/baru", {**FORM, "email": "bukan-email", "nip": "12345", "opd": ""}
    )
    assert response.status_code == 422
    page = text(response)
    assert 'value="uji.budi"' in page and 'value="Budi Santoso"' in page
    assert 'value="bukan-email"' in page and 'value="12345"' in page
    assert "Alamat e-mail tidak sah." in page and "NIP harus 18 angka" in page
    # The schema's problems first; once they are fixed, the role's.
    response = admin.post("/admin/pengguna/baru", {**FORM, "opd": ""})
    assert response.status_code == 422
    assert "harus disertai OPD" in text(response)
    with admin.harness.session() as s:
        assert s.execute(select(User).where(User.username == "uji.budi")).first() is None


def test_create_edit_and_roles_through_the_pages(admin: Ui) -> None:
    uid = created(admin)
    page = text(admin.get(f"/admin/pengguna/{uid}"))
    assert "19860926 201505 1 001" in page and "Budi Santoso" in page
    listing = text(admin.get("/admin/pengguna/", query_string={"q": "santoso"}))
    assert "uji.budi" in listing and "dpppa.staf" not in listing
    listing = text(
        admin.get("/admin/pengguna/", query_string={"opd": "dinsos", "role": "opd_staff"})
    )
    assert "uji.budi" in listing
    assert admin.get("/admin/pengguna/", query_string={"active": "7"}).status_code == 422

    edited = admin.post(
        f"/admin/pengguna/{uid}",
        {"full_name": "Budi S.", "email": FORM["email"], "nip": "19860926 201513 1 001"},
    )
    assert edited.status_code == 302
    page = text(admin.get(f"/admin/pengguna/{uid}"))
    assert "Budi S." in page and "Bulan pengangkatan (13) bukan bulan yang sah." in page
    bad = admin.post(f"/admin/pengguna/{uid}", {"full_name": "Budi", "email": "x", "nip": ""})
    assert bad.status_code == 422 and 'value="x"' in text(bad)

    assert (
        admin.post(f"/admin/pengguna/{uid}/peran", {"role": "opd_head", "opd": "dpppa"}).status_code
        == 302
    )
    refused = admin.post(f"/admin/pengguna/{uid}/peran", {"role": "governor", "opd": "dpppa"})
    assert refused.status_code == 422 and "kosongkan OPD" in text(refused)
    with admin.harness.session() as s:
        rid = s.execute(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == uid, RoleAssignment.role == "opd_head"
            )
        ).scalar_one()
    assert admin.post(f"/admin/pengguna/{uid}/peran/{rid}/cabut", {}).status_code == 302
    with admin.harness.session() as s:
        roles = s.execute(select(RoleAssignment.role).where(RoleAssignment.user_id == uid)).all()
        actions = s.execute(select(AdminAuditEntry.action).order_by(AdminAuditEntry.id)).scalars()
        assert [r[0] for r in roles] == ["opd_staff"]
        assert list(actions) == [
            "user.create",
            "user.update",
            "user.role_grant",
            "user.role_revoke",
        ]


def test_a_deactivated_users_session_ends_and_they_cannot_log_in(admin: Ui) -> None:
    uid = created(admin)
    set_password(admin.harness, "uji.budi")
    budi = Ui(admin.client.application.test_client(), admin.harness)
    budi.login("uji.budi", GOOD_PASSWORD)
    assert budi.get("/").status_code == 200
    assert (
        admin.post(f"/admin/pengguna/{uid}/nonaktifkan", {"reason": "pensiun"}).status_code == 302
    )
    assert budi.get("/").status_code == 302  # to the login page
    refused = budi.post("/masuk", {"username": "uji.budi", "password": GOOD_PASSWORD})
    assert refused.status_code == 401
    assert "Nonaktif" in text(admin.get(f"/admin/pengguna/{uid}"))
    assert admin.post(f"/admin/pengguna/{uid}/aktifkan", {}).status_code == 302
    budi.login("uji.budi", GOOD_PASSWORD)


def test_the_admin_cannot_deactivate_themselves(admin: Ui) -> None:
    me = user_id(admin.harness, "admin.lampung")
    response = admin.post(f"/admin/pengguna/{me}/nonaktifkan", {})
    assert response.status_code == 422
    assert "akun Anda sendiri" in text(response)
    assert admin.get("/").status_code == 200


def test_another_provinces_admin_gets_404(admin: Ui) -> None:
    uid = created(admin)
    other = Ui(admin.client.application.test_client(), admin.harness)
    other.login("sulteng.admin")
    assert other.get(f"/admin/pengguna/{uid}").status_code == 404
    assert other.post(f"/admin/pengguna/{uid}", {"full_name": "X Y"}).status_code == 404
    assert other.post(f"/admin/pengguna/{uid}/nonaktifkan", {}).status_code == 404
    assert other.post(f"/admin/pengguna/{uid}/atur-ulang-sandi", {}).status_code == 404
    assert "uji.budi" not in text(other.get("/admin/pengguna/"))


def test_reset_without_smtp_is_said_on_the_page(admin: Ui) -> None:
    uid = created(admin)
    response = admin.post(f"/admin/pengguna/{uid}/atur-ulang-sandi", {}, follow_redirects=True)
    assert "SMTP_URL" in text(response)


def test_import_with_one_bad_row_creates_nobody(admin: Ui) -> None:
    csv = (
        b"username;full_name;email;nip;role;opd\n"
        b"uji.a;Ani A;ani@uji.test;;opd_staff;dpppa\n"
        b"uji.b;Bambang B;bambang@uji.test;;peran_aneh;\n"
    )
    body = {"file": (io.BytesIO(csv), "p.csv"), "csrf_token": admin.token()}
    response = admin.client.post("/admin/pengguna/impor", data=body)
    assert response.status_code == 422
    assert "peran_aneh" in text(response) and "tidak ada akun yang dibuat" in text(response)
    with admin.harness.session() as s:
        assert s.execute(select(User).where(User.username.like("uji.%"))).first() is None
    good = csv.split(b"\n")[0:2]
    body = {"file": (io.BytesIO(b"\n".join(good) + b"\n"), "p.csv"), "csrf_token": admin.token()}
    response = admin.client.post("/admin/pengguna/impor", data=body)
    assert response.status_code == 200 and "uji.a" in text(response)
    assert admin.get("/admin/pengguna/templat.xlsx").status_code == 200


def test_pages_refuse_a_post_without_csrf(admin: Ui) -> None:
    assert admin.post("/admin/pengguna/baru", FORM, csrf=False).status_code == 400
    uid = user_id(admin.harness, "admin.lampung")
    assert admin.post(f"/admin/pengguna/{uid}/atur-ulang-sandi", {}, csrf=False).status_code == 400
    with admin.harness.session() as s:
        assert s.execute(select(User).where(User.username == "uji.budi")).first() is None
