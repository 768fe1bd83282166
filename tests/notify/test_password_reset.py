"""Password-reset links by e-mail, against a real SMTP server (aiosmtpd) and PostgreSQL: the
admin's trigger and the login page's request send the link; it works once, never after its
expiry, and ends the user's other sessions; the login page answers the same for an unknown
account."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from flask import Flask
from sqlalchemy import select

from core.models import PasswordReset, Province, User
from core.services.password_reset import ResetLinkRefused, check_link, request_link, use_link
from core.testing import Harness
from tests.accounts import GOOD_PASSWORD, cleaned_users, set_password
from tests.notify.conftest import PUBLIC_URL, AppFactory
from tests.notify.services import MailCatcher, wait_for
from tests.ui.conftest import Ui, text

LINK = re.compile(re.escape(PUBLIC_URL) + r"/sandi/atur-ulang/([A-Za-z0-9_\-]+)")
NEW_PASSWORD = "rendang-padang-siang-3"
ADDRESS = "sari.uji@lampungprov.test"


@pytest.fixture
def users(pg: Harness) -> Iterator[Harness]:
    with cleaned_users(pg):
        yield pg


@pytest.fixture
def app(app_factory: AppFactory, smtp_url: str, pg_ready: str) -> Flask:
    return app_factory(None, smtp_url)


def admin_token(app: Flask) -> dict[str, str]:
    response = app.test_client().post(
        "/api/v1/auth/token", json={"username": "admin.lampung", "password": "sepakat"}
    )
    return {"Authorization": f"Bearer {response.json['access_token']}"}  # type: ignore[index]


def create_sari(app: Flask, send_reset: bool = True) -> int:
    response = app.test_client().post(
        "/api/v1/admin/users",
        headers=admin_token(app),
        json={
            "username": "uji.sari",
            "full_name": "Sari Dewi",
            "email": ADDRESS,
            "roles": [{"role": "opd_staff", "opd": "dpppa"}],
            "send_reset": send_reset,
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["email_sent"] is (True if send_reset else None)  # type: ignore[index]
    return int(response.json["id"])  # type: ignore[index]


def token_in(mail: EmailMessage) -> str:
    body = mail.get_content()
    match = LINK.search(body)
    assert match, body
    return match[1]


def test_a_new_account_gets_its_link_and_uses_it_once(
    app: Flask, users: Harness, mail: MailCatcher
) -> None:
    create_sari(app)
    (sent,) = mail.to(ADDRESS)
    assert sent["Subject"] == "Atur ulang kata sandi Sepakat"
    assert "Sari Dewi" in sent["To"] and "WIB" in sent.get_content()
    token = token_in(sent)
    with users.session() as s:  # only the hash is stored
        stored = s.execute(select(PasswordReset.token_hash)).scalars().all()
        assert token not in stored and len(stored) == 1

    page = Ui(app.test_client(), users)
    path = f"/sandi/atur-ulang/{token}"
    assert "uji.sari" in text(page.get(path))
    weak = page.post(path, {"password": "uji.sari12345", "confirm_password": "uji.sari12345"})
    assert weak.status_code == 422 and "nama pengguna" in text(weak)
    differ = page.post(path, {"password": NEW_PASSWORD, "confirm_password": "lain"})
    assert differ.status_code == 422 and "tidak sama" in text(differ)
    done = page.post(path, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/masuk")
    page.login("uji.sari", NEW_PASSWORD)

    again = Ui(app.test_client(), users)
    twice = again.post(
        path, {"password": "lain-lagi-sandi-99", "confirm_password": "lain-lagi-sandi-99"}
    )
    assert twice.status_code == 410 and "sudah pernah dipakai" in text(twice)
    assert again.get(path).status_code == 410
    assert again.get("/sandi/atur-ulang/bukan-tautan").status_code == 404


def test_the_admins_reset_ends_the_older_link_and_the_users_sessions(
    app: Flask, users: Harness, mail: MailCatcher
) -> None:
    uid = create_sari(app, send_reset=False)
    set_password(users, "uji.sari")
    logged_in = Ui(app.test_client(), users)
    logged_in.login("uji.sari", GOOD_PASSWORD)
    client = app.test_client()
    first = client.post(f"/api/v1/admin/users/{uid}/password-reset", headers=admin_token(app))
    assert first.status_code == 202 and first.json["email_sent"] is True  # type: ignore[index]
    second = client.post(f"/api/v1/admin/users/{uid}/password-reset", headers=admin_token(app))
    assert second.status_code == 202
    old, new = (token_in(m) for m in mail.to(ADDRESS))
    page = Ui(app.test_client(), users)
    assert page.get(f"/sandi/atur-ulang/{old}").status_code == 410  # ended by the new one
    done = page.post(
        f"/sandi/atur-ulang/{new}", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert logged_in.get("/").status_code == 302  # that session has ended


def test_an_expired_link_is_refused(
    app_factory: AppFactory, smtp_url: str, pg_ready: str, users: Harness, mail: MailCatcher
) -> None:
    app = app_factory(None, smtp_url, PASSWORD_RESET_TTL=0)
    create_sari(app)
    token = token_in(mail.to(ADDRESS)[0])
    page = Ui(app.test_client(), users)
    response = page.post(
        f"/sandi/atur-ulang/{token}", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert response.status_code == 410 and "kedaluwarsa" in text(response)
    with users.session() as s:
        assert s.execute(select(PasswordReset.used_at)).scalar() is None


def test_expiry_by_a_frozen_clock(users: Harness) -> None:
    with users.session() as s:
        lampung = s.execute(select(Province.id).where(Province.code == "lampung")).scalar_one()
        s.add(
            User(
                username="uji.jam",
                full_name="Jam Beku",
                email="jam@uji.test",
                password_hash="!",
                province_id=lampung,
            )
        )
        s.commit()
        start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
        issued = request_link(s, "JAM@uji.test", 60, now=start)
        assert issued is not None
        assert check_link(s, issued.token, start + dt.timedelta(minutes=59)).username == "uji.jam"
        with pytest.raises(ResetLinkRefused) as refused:
            use_link(s, issued.token, NEW_PASSWORD, start + dt.timedelta(minutes=60))
        assert refused.value.reason == "expired"
        use_link(s, issued.token, NEW_PASSWORD, start + dt.timedelta(minutes=30))
        with pytest.raises(ResetLinkRefused) as refused:
            use_link(s, issued.token, NEW_PASSWORD, start + dt.timedelta(minutes=31))
        assert refused.value.reason == "used"


def test_the_login_page_answers_the_same_for_an_unknown_account(
    app: Flask, users: Harness, mail: MailCatcher
) -> None:
    create_sari(app, send_reset=False)
    page = Ui(app.test_client(), users)
    assert "/sandi/lupa" in text(page.get("/masuk"))
    known = page.post("/sandi/lupa", {"login": "uji.sari"})
    unknown = page.post("/sandi/lupa", {"login": "tidak.ada"})
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'name="csrf_token" value="[^"]+"')
    assert strip.sub("", text(known)) == strip.sub("", text(unknown))
    (sent,) = wait_for(lambda: mail.to(ADDRESS), 10, "the reset mail")
    path = f"/sandi/atur-ulang/{token_in(sent)}"
    assert "uji.sari" in text(page.get(path))
    # Asked again at once (by address this time): the same answer, no second mail.
    again = page.post("/sandi/lupa", {"login": ADDRESS.upper()})
    assert strip.sub("", text(again)) == strip.sub("", text(known))
    time.sleep(0.5)
    assert len(mail.messages) == 1


def test_asking_again_after_a_minute_sends_a_new_link(users: Harness) -> None:
    with users.session() as s:
        lampung = s.execute(select(Province.id).where(Province.code == "lampung")).scalar_one()
        s.add(
            User(
                username="uji.lagi",
                full_name="Lagi",
                email="lagi@uji.test",
                password_hash="!",
                province_id=lampung,
            )
        )
        s.commit()
        start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
        first = request_link(s, "uji.lagi", 60, now=start)
        assert first is not None
        assert request_link(s, "uji.lagi", 60, now=start + dt.timedelta(seconds=59)) is None
        second = request_link(s, "uji.lagi", 60, now=start + dt.timedelta(seconds=61))
        assert second is not None
        with pytest.raises(ResetLinkRefused):  # the newer link ended the first
            check_link(s, first.token, start + dt.timedelta(seconds=62))


def test_a_deactivated_account_gets_no_link(app: Flask, users: Harness, mail: MailCatcher) -> None:
    uid = create_sari(app)
    token = token_in(mail.to(ADDRESS)[0])
    client = app.test_client()
    off = client.post(f"/api/v1/admin/users/{uid}/deactivate", headers=admin_token(app), json={})
    assert off.status_code == 200
    page = Ui(app.test_client(), users)
    assert page.get(f"/sandi/atur-ulang/{token}").status_code == 404
    page.post("/sandi/lupa", {"login": "uji.sari"})
    time.sleep(0.5)
    refused = client.post(f"/api/v1/admin/users/{uid}/password-reset", headers=admin_token(app))
    assert refused.status_code == 422
    assert len(mail.to(ADDRESS)) == 1
