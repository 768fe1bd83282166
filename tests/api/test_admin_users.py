"""``/api/v1/admin/users``: the province admin creates, edits, deactivates and reactivates
accounts and their roles; a non-admin is refused (403), another province's admin does not even
see them (404); every change is in the admin audit log; ``POST /me/password``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from core.models import AdminAuditEntry, PasswordReset, User
from tests import accounts
from tests.accounts import GOOD_PASSWORD, PREFIX, cleaned_users, user_id
from tests.api.conftest import Api
from tests.seeded_rows import seeded_opds_and_pagu

USERS = "/api/v1/admin/users"


@pytest.fixture
def admin(api: Api) -> Iterator[Api]:
    with cleaned_users(api.harness):
        yield api.as_("admin.lampung")


def new_user(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "username": PREFIX + "rina",
        "full_name": "Rina Wulandari",
        "email": "rina.uji@lampungprov.test",
        "nip": "19860926 201505 2 001",
        "roles": [{"role": "opd_staff", "opd": "dpppa"}],
        "send_reset": False,
    }
    body.update(overrides)
    return body


def create(admin: Api, **overrides: Any) -> dict[str, Any]:
    response = admin.post(USERS, json=new_user(**overrides))
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[return-value]


def set_password(api: Api, username: str, password: str = GOOD_PASSWORD) -> None:
    accounts.set_password(api.harness, username, password)


def audit(api: Api, action: str) -> list[AdminAuditEntry]:
    with api.harness.session() as s:
        return list(
            s.execute(
                select(AdminAuditEntry)
                .where(AdminAuditEntry.action == action)
                .order_by(AdminAuditEntry.id)
            ).scalars()
        )


def test_create_shows_the_nip_formatted_and_is_audited(admin: Api) -> None:
    user = create(admin)
    assert user["username"] == "uji.rina"
    assert user["nip"] == "198609262015052001"
    assert user["nip_display"] == "19860926 201505 2 001"
    assert user["warnings"] == [] and user["nip_warnings"] == []
    assert user["roles"] == [{"id": user["roles"][0]["id"], "role": "opd_staff", "opd": "dpppa"}]
    assert user["email_sent"] is None  # not asked for
    (entry,) = audit(admin, "user.create")
    assert entry.target_id == str(user["id"]) and entry.actor == "admin.lampung"
    assert entry.after is not None and entry.after["nip"] == "198609262015052001"
    assert "password" not in str(entry.after) and "hash" not in str(entry.after)
    listed = admin.get(USERS, query_string={"q": "Wulandari"}).json["items"]  # type: ignore[index]
    assert [u["username"] for u in listed] == ["uji.rina"]
    by_opd = admin.get(USERS, query_string={"opd": "dpppa", "role": "opd_staff"}).json
    assert "uji.rina" in [u["username"] for u in by_opd["items"]]  # type: ignore[index]
    by_nip = admin.get(USERS, query_string={"q": "19860926 2015"}).json
    assert [u["username"] for u in by_nip["items"]] == ["uji.rina"]  # type: ignore[index]


def test_a_new_account_has_no_usable_password(admin: Api) -> None:
    create(admin)
    with admin.harness.session() as s:
        stored = s.execute(select(User.password_hash).where(User.username == "uji.rina")).scalar()
    assert stored is not None and stored.startswith("!")
    assert admin.login("uji.rina", "").status_code in (401, 422)
    assert admin.login("uji.rina", stored).status_code == 401


def test_a_pppk_number_is_kept_with_a_warning(admin: Api) -> None:
    user = create(admin, nip="198607102023212014")
    assert user["nip"] == "198607102023212014"
    assert [w["code"] for w in user["warnings"]] == ["nip_pppk"]
    assert [w["code"] for w in user["nip_warnings"]] == ["nip_pppk"]


BAD = [
    ("username", {"username": "Rina Wulandari!"}),
    ("username", {"username": "admin.lampung"}),
    ("email", {"email": "bukan-alamat"}),
    ("full_name", {"full_name": ""}),
    ("nip", {"nip": "1986-09-26"}),
    ("nip", {"nip": "1986092620150520"}),
    ("roles.0.role", {"roles": [{"role": "raja"}]}),
    ("roles.0.opd", {"roles": [{"role": "opd_staff"}]}),
    ("roles.0.opd", {"roles": [{"role": "opd_staff", "opd": "dp3a"}]}),  # Sulawesi Tengah's
    ("roles.0.opd", {"roles": [{"role": "bappeda", "opd": "dpppa"}]}),
    ("warna", {"warna": "merah"}),
]


@pytest.mark.parametrize(("field", "change"), BAD, ids=[f"{f}-{i}" for i, (f, _) in enumerate(BAD)])
def test_bad_input_names_the_field_and_creates_nothing(
    admin: Api, field: str, change: dict[str, Any]
) -> None:
    response = admin.post(USERS, json=new_user(**change))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json  # type: ignore[index]
    with admin.harness.session() as s:
        assert s.execute(select(User).where(User.username.like("uji.%"))).first() is None
    assert audit(admin, "user.create") == []


def test_every_failing_field_at_once(admin: Api) -> None:
    response = admin.post(
        USERS, json=new_user(username="x", email="nope", nip="12", roles=[{"role": "raja"}])
    )
    assert response.status_code == 422
    assert {"username", "email", "nip"} <= set(response.json["errors"])  # type: ignore[index]
    # The roles are the province's rule, checked once the payload is well-formed; again all
    # of them at once.
    response = admin.post(
        USERS,
        json=new_user(
            roles=[{"role": "raja"}, {"role": "opd_head"}, {"role": "viewer", "opd": "dpppa"}]
        ),
    )
    assert response.status_code == 422
    assert {"roles.0.role", "roles.1.opd", "roles.2.opd"} <= set(response.json["errors"])  # type: ignore[index]


def test_edit_and_its_audit(admin: Api) -> None:
    user = create(admin)
    path = f"{USERS}/{user['id']}"
    response = admin.patch(path, json={"full_name": "Rina W.", "nip": "19860931 201505 2 001"})
    assert response.status_code == 200, response.json
    assert response.json["full_name"] == "Rina W."  # type: ignore[index]
    assert [w["code"] for w in response.json["warnings"]] == ["nip_birth_date"]  # type: ignore[index]
    (entry,) = audit(admin, "user.update")
    assert entry.before["full_name"] == "Rina Wulandari"  # type: ignore[index]
    assert entry.after["full_name"] == "Rina W."  # type: ignore[index]
    cleared = admin.patch(path, json={"nip": None}).json
    assert cleared["nip"] is None and cleared["nip_display"] == ""  # type: ignore[index]
    bad = admin.patch(path, json={"email": "x", "nip": "abc"})
    assert bad.status_code == 422 and {"email", "nip"} <= set(bad.json["errors"])  # type: ignore[index]


def test_roles_granted_and_revoked(admin: Api) -> None:
    user = create(admin)
    roles = f"{USERS}/{user['id']}/roles"
    granted = admin.post(roles, json={"role": "opd_head", "opd": "dinsos"})
    assert granted.status_code == 201, granted.json
    held = {(r["role"], r["opd"]) for r in granted.json["roles"]}  # type: ignore[index]
    assert held == {("opd_staff", "dpppa"), ("opd_head", "dinsos")}
    assert admin.post(roles, json={"role": "opd_head", "opd": "dinsos"}).status_code == 409
    assert admin.post(roles, json={"role": "governor", "opd": "dinsos"}).status_code == 422
    assert admin.post(roles, json={"role": "kepala_suku"}).status_code == 422
    rid = next(r["id"] for r in granted.json["roles"] if r["role"] == "opd_head")  # type: ignore[index]
    revoked = admin.open("DELETE", f"{roles}/{rid}")
    assert revoked.status_code == 200
    assert [r["role"] for r in revoked.json["roles"]] == ["opd_staff"]  # type: ignore[index]
    assert admin.open("DELETE", f"{roles}/{rid}").status_code == 404
    assert len(audit(admin, "user.role_grant")) == 1
    (entry,) = audit(admin, "user.role_revoke")
    assert {"role": "opd_head", "opd": "dinsos"} in entry.before["roles"]  # type: ignore[index]
    # The new role takes effect: the user's own actor sees it after a fresh login.
    set_password(admin, "uji.rina")
    token = admin.login("uji.rina", GOOD_PASSWORD).json["access_token"]  # type: ignore[index]
    me = admin.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["grants"] == [{"role": "opd_staff", "opd": "dpppa"}]  # type: ignore[index]


def test_no_new_role_in_an_opd_the_admin_deactivated(admin: Api) -> None:
    user = create(admin)
    with seeded_opds_and_pagu(admin.harness.factory):
        off = admin.patch("/api/v1/admin/opds/dinsos", json={"active": False})
        assert off.status_code == 200, off.json
        refused = admin.post(
            f"{USERS}/{user['id']}/roles", json={"role": "opd_head", "opd": "dinsos"}
        )
        assert refused.status_code == 422
        assert "tidak aktif" in refused.json["errors"]["opd"][0]  # type: ignore[index]
        assert not audit(admin, "user.role_grant")


def test_deactivated_user_cannot_log_in_and_their_token_ends(admin: Api) -> None:
    user = create(admin)
    set_password(admin, "uji.rina")
    token = admin.login("uji.rina", GOOD_PASSWORD).json["access_token"]  # type: ignore[index]
    bearer = {"Authorization": f"Bearer {token}"}
    assert admin.client.get("/api/v1/me", headers=bearer).status_code == 200
    off = admin.post(f"{USERS}/{user['id']}/deactivate", json={"reason": "pindah tugas"})
    assert off.status_code == 200 and off.json["active"] is False  # type: ignore[index]
    assert admin.client.get("/api/v1/me", headers=bearer).status_code == 401
    assert admin.login("uji.rina", GOOD_PASSWORD).status_code == 401
    (entry,) = audit(admin, "user.deactivate")
    assert entry.reason == "pindah tugas" and entry.after["active"] is False  # type: ignore[index]
    listed = admin.get(USERS, query_string={"active": 0}).json["items"]  # type: ignore[index]
    assert [u["username"] for u in listed] == ["uji.rina"]
    on = admin.post(f"{USERS}/{user['id']}/reactivate", json={})
    assert on.status_code == 200 and on.json["active"] is True  # type: ignore[index]
    assert admin.login("uji.rina", GOOD_PASSWORD).status_code == 200
    assert len(audit(admin, "user.reactivate")) == 1


def test_the_admin_cannot_lock_themselves_out(admin: Api) -> None:
    me = user_id(admin.harness, "admin.lampung")
    refused = admin.post(f"{USERS}/{me}/deactivate", json={})
    assert refused.status_code == 422 and "active" in refused.json["errors"]  # type: ignore[index]
    mine = admin.get(f"{USERS}/{me}").json
    (admin_role,) = [r for r in mine["roles"] if r["role"] == "admin"]  # type: ignore[index]
    refused = admin.open("DELETE", f"{USERS}/{me}/roles/{admin_role['id']}")
    assert refused.status_code == 422 and "role" in refused.json["errors"]  # type: ignore[index]
    assert admin.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("who", ["dpppa.staf", "bappeda.verifikator", "auditor", "gubernur"])
def test_non_admins_are_refused(admin: Api, who: str) -> None:
    target = create(admin)["id"]
    other = admin.as_(who)
    assert other.get(USERS).status_code == 403
    assert other.post(USERS, json=new_user(username="uji.lain")).status_code == 403
    assert other.get(f"{USERS}/{target}").status_code == 403
    assert other.patch(f"{USERS}/{target}", json={"full_name": "X Y"}).status_code == 403
    assert other.post(f"{USERS}/{target}/deactivate", json={}).status_code == 403
    assert other.post(f"{USERS}/{target}/roles", json={"role": "admin"}).status_code == 403
    assert other.post(f"{USERS}/{target}/password-reset").status_code == 403
    assert other.get(f"{USERS}/template.xlsx").status_code == 403
    assert other.post(f"{USERS}/import", data={"file": (b"x", "a.csv")}).status_code == 403


def test_another_provinces_admin_sees_nothing(admin: Api) -> None:
    target = create(admin)["id"]
    other = admin.as_("sulteng.admin")
    assert other.get(f"{USERS}/{target}").status_code == 404
    assert other.patch(f"{USERS}/{target}", json={"full_name": "X Y"}).status_code == 404
    assert other.post(f"{USERS}/{target}/deactivate", json={}).status_code == 404
    assert other.post(f"{USERS}/{target}/reactivate", json={}).status_code == 404
    assert other.post(f"{USERS}/{target}/roles", json={"role": "admin"}).status_code == 404
    assert other.post(f"{USERS}/{target}/password-reset").status_code == 404
    listed = other.get(USERS).json["items"]  # type: ignore[index]
    assert all(u["username"].startswith("sulteng.") for u in listed)
    with admin.harness.session() as s:
        assert s.execute(select(User.active).where(User.id == target)).scalar() is True
        assert s.execute(select(PasswordReset)).first() is None


def test_reset_without_smtp_says_the_mail_was_not_sent(admin: Api) -> None:
    target = create(admin)["id"]
    response = admin.post(f"{USERS}/{target}/password-reset")
    assert response.status_code == 202, response.json
    assert response.json["email_sent"] is False  # type: ignore[index]
    assert "SMTP_URL" in response.json["email_error"]  # type: ignore[index]
    (entry,) = audit(admin, "user.password_reset")
    assert entry.after is not None and "token" not in entry.after


def test_change_own_password(admin: Api) -> None:
    create(admin)
    set_password(admin, "uji.rina")
    token = admin.login("uji.rina", GOOD_PASSWORD).json["access_token"]  # type: ignore[index]
    bearer = {"Authorization": f"Bearer {token}"}
    path = "/api/v1/me/password"
    wrong = admin.client.post(
        path, headers=bearer, json={"current_password": "salah", "new_password": "pendek"}
    )
    assert wrong.status_code == 422
    assert {"current_password", "new_password"} <= set(wrong.json["errors"])  # type: ignore[index]
    weak = admin.client.post(
        path,
        headers=bearer,
        json={"current_password": GOOD_PASSWORD, "new_password": "uji.rina-sandi-baru"},
    )
    assert weak.status_code == 422, weak.json
    assert any("nama pengguna" in m for m in weak.json["errors"]["new_password"])  # type: ignore[index]
    new = "teh-manis-sore-hari-9"
    changed = admin.client.post(
        path, headers=bearer, json={"current_password": GOOD_PASSWORD, "new_password": new}
    )
    assert changed.status_code == 200, changed.json
    assert admin.client.get("/api/v1/me", headers=bearer).status_code == 401  # the old token
    fresh = {"Authorization": f"Bearer {changed.json['access_token']}"}  # type: ignore[index]
    assert admin.client.get("/api/v1/me", headers=fresh).status_code == 200
    assert admin.login("uji.rina", GOOD_PASSWORD).status_code == 401
    assert admin.login("uji.rina", new).status_code == 200
