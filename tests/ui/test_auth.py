"""Logging in and out, CSRF refusal, cookie flags, the language switch."""

from __future__ import annotations

from flask import Flask

from core.testing import Harness
from sepakat.app import create_app
from tests.helpers import SECRET_KEY
from tests.ui.conftest import Ui, database_url, text


def test_pages_need_a_login_and_come_back_after_it(ui: Ui) -> None:
    for path in ("/", "/kegiatan/", "/antrean/", "/penetapan/", "/notifikasi/", "/alur/"):
        response = ui.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/masuk?next="), path
    response = ui.post("/masuk?next=/kegiatan/", {"username": "dpppa.staf", "password": "sepakat"})
    assert response.headers["Location"] == "/kegiatan/"


def test_login_page_is_in_bahasa_indonesia_with_labelled_inputs(ui: Ui) -> None:
    html = text(ui.get("/masuk"))
    assert '<html lang="id">' in html
    assert '<label for="username">Nama pengguna</label>' in html
    assert '<label for="password">Kata sandi</label>' in html


def test_wrong_password_is_refused_with_a_message(ui: Ui) -> None:
    response = ui.post("/masuk", {"username": "dpppa.staf", "password": "salah"})
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in text(response)
    assert ui.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(ui: Ui) -> None:
    ui.get("/masuk")
    response = ui.post("/masuk", {"username": "dpppa.staf", "password": "sepakat"}, csrf=False)
    assert response.status_code == 400
    assert "token CSRF" in text(response)
    assert ui.get("/").status_code == 302


def test_next_cannot_leave_the_site(ui: Ui) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = ui.post(
            "/masuk", {"username": "dpppa.staf", "password": "sepakat", "next": target}
        )
        assert response.headers["Location"] == "/", target
        ui.post("/keluar", {})


def test_logout_is_a_post_and_ends_the_session(ui: Ui) -> None:
    ui.login("dpppa.staf")
    page = ui.get("/keluar")  # typed or bookmarked: a page with the button, still logged in
    assert page.status_code == 200 and "Keluar dari Sepakat?" in text(page)
    assert ui.get("/").status_code == 200
    response = ui.post("/keluar", {})
    assert response.status_code == 302
    assert ui.get("/").status_code == 302


def test_logout_without_csrf_token_is_refused(ui: Ui) -> None:
    ui.login("dpppa.staf")
    assert ui.post("/keluar", {}, csrf=False).status_code == 400
    assert ui.get("/").status_code == 200


def test_session_cookie_is_httponly_and_samesite_lax(ui: Ui) -> None:
    response = ui.login("dpppa.staf")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test app is served over plain HTTP


def test_cookie_is_secure_when_served_over_https(harness: Harness) -> None:
    app = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url(harness),
            "PUBLIC_URL": "https://sepakat.lampungprov.go.id",
        },
        registry=harness.registry,
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_cookie_is_not_secure_over_plain_http(app: Flask, harness: Harness) -> None:
    plain = create_app(
        {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url(harness),
            "PUBLIC_URL": "http://127.0.0.1:5000",
        },
        registry=harness.registry,
    )
    assert plain.config["SESSION_COOKIE_SECURE"] is False


def test_a_deactivated_user_is_logged_out(ui: Ui, harness: Harness) -> None:
    from sqlalchemy import update

    from core.models import User

    ui.login("dpppa.staf")
    with harness.session() as s:
        s.execute(update(User).where(User.username == "dpppa.staf").values(active=False))
        s.commit()
    try:
        assert ui.get("/").status_code == 302
    finally:
        with harness.session() as s:
            s.execute(update(User).where(User.username == "dpppa.staf").values(active=True))
            s.commit()


def test_language_switch_to_english_and_back(ui: Ui) -> None:
    response = ui.post("/bahasa", {"lang": "en", "next": "/masuk"})
    assert response.headers["Location"] == "/masuk"
    html = text(ui.get("/masuk"))
    assert '<html lang="en">' in html
    assert "Username" in html and "Password" in html
    ui.login("dpppa.staf")  # the choice survives the new session of a login
    html = text(ui.get("/"))
    assert "Home" in html and "Needs my action" in html
    ui.post("/bahasa", {"lang": "id", "next": "/"})
    assert "Perlu tindakan saya" in text(ui.get("/"))


def test_unknown_language_falls_back_to_indonesian(ui: Ui) -> None:
    ui.post("/bahasa", {"lang": "xx", "next": "/masuk"})
    assert '<html lang="id">' in text(ui.get("/masuk"))


def test_pages_send_security_headers(ui: Ui) -> None:
    response = ui.get("/masuk")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
