"""*Ganti kata sandi* (``/akun/sandi``): every logged-in user changes their own password under
the policy; this session stays, the user's other sessions end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.services.users import create_user
from core.testing import Harness
from tests.accounts import GOOD_PASSWORD, cleaned_users, set_password
from tests.ui.conftest import Ui, text

PATH = "/akun/sandi"
NEW = "nasi-uduk-pagi-hari-5"


@pytest.fixture
def dewi(ui: Ui, harness: Harness) -> Iterator[Ui]:
    with cleaned_users(harness), harness.session() as s:
        create_user(
            s,
            harness.registry,
            harness.actor("admin.lampung"),
            {
                "username": "uji.dewi",
                "full_name": "Dewi",
                "email": "dewi@uji.test",
                "send_reset": False,
            },
        )
        set_password(harness, "uji.dewi")
        ui.login("uji.dewi", GOOD_PASSWORD)
        yield ui


def form(current: str, new: str, confirm: str | None = None) -> dict[str, str]:
    return {
        "current_password": current,
        "new_password": new,
        "confirm_password": new if confirm is None else confirm,
    }


def test_every_user_has_the_link(ui: Ui) -> None:
    ui.login("dpppa.staf")
    assert PATH in text(ui.get("/"))
    assert ui.get(PATH).status_code == 200


def test_anonymous_is_sent_to_login(ui: Ui) -> None:
    assert ui.get(PATH).status_code == 302


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        (form("salah-sekali-123", NEW), "Kata sandi saat ini salah."),
        (form(GOOD_PASSWORD, "pendek"), "minimal 12 karakter"),
        (form(GOOD_PASSWORD, "uji.dewi.rahasia"), "nama pengguna"),
        (form(GOOD_PASSWORD, "dewi-punya-sandi"), "alamat e-mail"),
        (form(GOOD_PASSWORD, "password1234"), "paling sering ditebak"),
        (form(GOOD_PASSWORD, GOOD_PASSWORD), "harus berbeda"),
        (form(GOOD_PASSWORD, NEW, "lain"), "tidak sama"),
    ],
)
def test_the_policy_is_shown_beside_the_input(
    dewi: Ui, fields: dict[str, str], needle: str
) -> None:
    response = dewi.post(PATH, fields)
    assert response.status_code == 422
    assert needle in text(response)


def test_a_change_keeps_this_session_and_ends_the_others(dewi: Ui, harness: Harness) -> None:
    other = Ui(dewi.client.application.test_client(), harness)
    other.login("uji.dewi", GOOD_PASSWORD)
    response = dewi.post(PATH, form(GOOD_PASSWORD, NEW))
    assert response.status_code == 302
    assert dewi.get("/").status_code == 200
    assert other.get("/").status_code == 302
    fresh = Ui(dewi.client.application.test_client(), harness)
    assert (
        fresh.post("/masuk", {"username": "uji.dewi", "password": GOOD_PASSWORD}).status_code == 401
    )
    fresh.login("uji.dewi", NEW)
