"""``?next=`` on /masuk and /bahasa: never a 500, and only safe local paths are followed
(finding 7's ``/%0D%0Ax``)."""

from __future__ import annotations

import pytest

from tests.ui.conftest import Ui
from web.ui.security import safe_next

HOSTILE = [
    "/%0D%0Ax",
    "/%0Ax",
    "/%0D%0ASet-Cookie:%20a=b",
    "/%00",
    "/%E2%80%A8x",  # U+2028 line separator
    "//evil.example/",
    "/\\\\evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "/" + "a" * 5000,
    "http://[::1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_login_never_fails_on_next_and_stays_local(ui: Ui, value: str) -> None:
    page = ui.get(f"/masuk?next={value}")
    assert page.status_code == 200
    response = ui.post(f"/masuk?next={value}", {"username": "dpppa.staf", "password": "sepakat"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # Logged in already: the login page redirects at once, to a safe place too.
    again = ui.get(f"/masuk?next={value}")
    assert again.status_code == 302 and again.headers["Location"] == "/"


@pytest.mark.parametrize("value", HOSTILE)
def test_language_switch_never_fails_on_next(ui: Ui, value: str) -> None:
    response = ui.post(f"/bahasa?next={value}", {"lang": "en"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    from urllib.parse import unquote

    response = ui.post("/bahasa", {"lang": "id", "next": unquote(value)})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_local_path_is_followed(ui: Ui) -> None:
    response = ui.post(
        "/masuk?next=/kegiatan/?year=2024", {"username": "dpppa.staf", "password": "sepakat"}
    )
    assert response.headers["Location"] == "/kegiatan/?year=2024"
    assert safe_next("/alur/", "/") == "/alur/"
