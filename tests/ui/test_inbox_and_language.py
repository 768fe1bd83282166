"""Issue 16 on the pages: the language a user chooses is kept on their account (notifications
and e-mails follow it; the API's /me says it), and the inbox badge goes down once the reader
has acted, without their opening the inbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.models import User
from core.testing import Harness
from tests.ui.conftest import Ui, text

BADGE = re.compile(r'<span class="count" aria-label="[^"]*">(\d+)</span>')


def badge(ui: Ui) -> int:
    found = BADGE.search(text(ui.get("/")))
    return int(found[1]) if found else 0


def language_of(h: Harness, username: str) -> str | None:
    with h.session() as s:
        return s.execute(select(User.language).where(User.username == username)).scalar_one()


def test_the_chosen_language_is_kept_on_the_account_and_comes_back_at_login(
    ui: Ui, harness: Harness
) -> None:
    ui.login("dpppa.staf")
    assert language_of(harness, "dpppa.staf") is None
    ui.post("/bahasa", {"lang": "en", "next": "/"})
    assert language_of(harness, "dpppa.staf") == "en"
    ui.post("/keluar", {})
    fresh = Ui(ui.client.application.test_client(), harness)  # another browser: no cookie
    fresh.login("dpppa.staf")
    assert 'lang="en"' in text(fresh.get("/"))
    token = fresh.client.post(
        "/api/v1/auth/token", json={"username": "dpppa.staf", "password": "sepakat"}
    ).get_json()["access_token"]
    me = fresh.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert me["language"] == "en"
    # Chosen before logging in (on the login page): that choice becomes the account's.
    other = Ui(ui.client.application.test_client(), harness)
    other.post("/bahasa", {"lang": "id", "next": "/masuk"})
    other.login("dpppa.staf")
    assert language_of(harness, "dpppa.staf") == "id"


def test_the_badge_goes_down_when_the_head_acts_without_opening_the_inbox(
    ui: Ui, harness: Harness
) -> None:
    first, second = ui.create(), ui.create()
    ui.login("dpppa.staf")
    for activity_id in (first, second):
        assert ui.act(activity_id, "submit").status_code == 302  # delivered in process
    ui.post("/keluar", {})
    ui.login("dpppa.kepala")
    assert badge(ui) == 2
    assert "Perlu tindakan" in text(ui.get("/notifikasi/"))
    assert ui.act(first, "approve").status_code == 302
    assert badge(ui) == 1  # the first item is done, though never opened
    inbox = text(ui.get("/notifikasi/"))
    assert inbox.count("Selesai") == 1 and inbox.count("Perlu tindakan") == 1
    assert ui.act(second, "return", comment="Lengkapi lokasi.").status_code == 302
    assert badge(ui) == 0


def test_the_api_says_whether_an_item_still_needs_the_reader(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    ui.act(activity_id, "submit")
    token = ui.client.post(
        "/api/v1/auth/token", json={"username": "dpppa.kepala", "password": "sepakat"}
    ).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    [item] = ui.client.get("/api/v1/notifications", headers=auth).get_json()["items"]
    assert (item["needs_action"], item["done"], item["done_at"]) == (True, False, None)
    harness.act("dpppa.kepala", activity_id, "approve")
    [item] = ui.client.get("/api/v1/notifications", headers=auth).get_json()["items"]
    assert (item["needs_action"], item["done"]) == (False, True)
    assert item["read_at"] is None and item["done_at"]  # done, not read: the old fields stay
