"""Every error a page path answers is a page in the layout, in the reader's language, with a way
back (issue 16, item 4); API paths keep their JSON. Werkzeug's English pages never show."""

from __future__ import annotations

import pytest
from flask import Flask, request
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import InternalServerError

from core.testing import Harness
from sepakat.app import create_app
from tests.helpers import SECRET_KEY
from tests.ui.conftest import Ui, database_url, text

WERKZEUG = ("The requested URL was not found", "Method Not Allowed", "Not Found</h1>")
LAYOUT = ('<a class="skip" href="#isi">', '<main id="isi"')


def assert_page(body: str, *expected: str) -> None:
    for bare in WERKZEUG:
        assert bare not in body, body
    for part in (*LAYOUT, *expected):
        assert part in body, part


@pytest.mark.parametrize("path", ["/tidak-ada", "/kegiatan/abc", "/kegiatan/999999", "/x/y/z"])
def test_unknown_pages_are_indonesian_pages_with_a_way_back(ui: Ui, path: str) -> None:
    anonymous = ui.get(path)
    if anonymous.status_code == 302:  # a page of ours behind the login: ask to log in first
        assert "/masuk" in anonymous.headers["Location"]
    else:
        assert anonymous.status_code == 404
        assert_page(text(anonymous), "Tidak ditemukan", 'lang="id"', 'href="/masuk"')
    ui.login("dpppa.staf")
    response = ui.get(path, headers={"Referer": "http://localhost/kegiatan/"})
    assert response.status_code == 404
    assert_page(
        text(response),
        "Tidak ditemukan",
        "Kembali ke Beranda",
        '<a href="/kegiatan/">Kembali ke halaman sebelumnya</a>',
        'action="/keluar"',  # the layout's header: signed in, with the logout button
    )


def test_error_pages_follow_the_chosen_language(ui: Ui) -> None:
    ui.post("/bahasa", {"lang": "en", "next": "/"})
    body = text(ui.get("/tidak-ada"))
    assert_page(body, 'lang="en"', "Not found", "Log in to Sepakat")
    assert "Tidak ditemukan" not in body


def test_wrong_method_on_a_page_is_a_page(ui: Ui) -> None:
    ui.login("dpppa.staf")
    response = ui.post("/kegiatan/", {})
    assert response.status_code == 405
    assert "Allow" in response.headers
    assert_page(text(response), "hanya menerima kiriman formulir")


def test_login_leads_to_the_login_page(ui: Ui) -> None:
    response = ui.get("/login?next=/kegiatan/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/masuk?next=/kegiatan/"
    assert ui.get("/login").headers["Location"] == "/masuk"


def test_action_addresses_opened_directly_lead_back(ui: Ui) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    cases = {
        f"/kegiatan/{activity_id}/aksi": f"/kegiatan/{activity_id}",
        f"/kegiatan/{activity_id}/klarifikasi": f"/kegiatan/{activity_id}#klarifikasi",
        f"/kegiatan/{activity_id}/klarifikasi/1/jawab": f"/kegiatan/{activity_id}#klarifikasi",
        "/notifikasi/1/buka": "/notifikasi/",
        "/notifikasi/baca-semua": "/notifikasi/",
        "/pagu/dpppa": "/pagu/#opd-dpppa",  # the OPD's own card on the pagu page
        "/bahasa?next=/kegiatan/": "/kegiatan/",
    }
    for path, target in cases.items():
        response = ui.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == target, path


def test_a_refused_action_shows_the_activity_address(ui: Ui) -> None:
    """The page answering a refused action tells the browser the activity's own address (the
    script puts it in the address bar), so a reload is a GET of the activity."""
    activity_id = ui.create()
    ui.login("dpppa.kepala")
    response = ui.act(activity_id, "approve")  # not yet submitted: refused, shown in place
    assert response.status_code in (403, 409, 422)
    assert f'data-page-url="/kegiatan/{activity_id}"' in text(response)


def test_api_paths_keep_their_json_errors(ui: Ui) -> None:
    for path in ("/api/v1/tidak-ada", "/healthz/x"):
        response = ui.get(path)
        assert response.status_code == 404
        assert response.json is not None and response.json["code"] == 404


@pytest.fixture
def failing_app(harness: Harness) -> Flask:
    """An app whose page raises, as a real server runs it (exceptions not propagated)."""
    app = create_app(
        {"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url(harness)},
        registry=harness.registry,
    )
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/rusak")
    def broken() -> str:
        raise InternalServerError()

    @app.route("/rusak-sekali")
    def very_broken() -> str:
        raise RuntimeError("boom")

    @app.context_processor
    def _database_down_for_the_layout() -> dict[str, object]:
        if request.path == "/tanpa-basis-data":
            raise sa_exc.OperationalError("SELECT 1", {}, ConnectionError("down"))
        return {}

    return app


def test_a_server_error_is_a_page_too(failing_app: Flask) -> None:
    client = failing_app.test_client()
    for path in ("/rusak", "/rusak-sekali"):
        response = client.get(path)
        assert response.status_code == 500
        body = text(response)
        assert "Internal Server Error" not in body and "boom" not in body
        assert_page(body, "Terjadi kesalahan", "tidak ada yang tersimpan setengah jalan")


def test_an_error_page_whose_layout_fails_is_the_bare_page(failing_app: Flask) -> None:
    """The layout reads the database; when that is what fails, the same words, unlaid."""
    response = failing_app.test_client().get("/tanpa-basis-data")
    assert response.status_code == 404
    body = text(response)
    assert "Tidak ditemukan" in body and "Periksa alamatnya" in body
    assert "Not Found" not in body and "Traceback" not in body
