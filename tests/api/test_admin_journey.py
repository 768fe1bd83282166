"""Issue 12's "done when", over the API only: a province admin, without touching the database,
creates a new OPD with its users and pagu, appoints a Plt. Kepala who approves an activity that
then reads "Plt." in its history and in the notification, and opens the submission window for
the next plan year. (The one step outside the API is the new accounts' first password, which
their holders set from the reset link: ``tests/notify/test_password_reset.py`` walks that.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from core.models import Notification, User
from core.testing import reset
from core.timezones import local_date
from tests.accounts import GOOD_PASSWORD, cleaned_users, set_password
from tests.api.conftest import Api
from tests.seeded_rows import seeded_opds_and_pagu

OPD = {
    "code": "dpmd",
    "name": "Dinas Pemberdayaan Masyarakat dan Desa",
    "sipd_code": "2.13.0.00.0.00.01.0000",
}


@pytest.fixture
def admin(api: Api) -> Iterator[Api]:
    # Inside out at the end: the activity and appointment, the accounts, then the OPD.
    with seeded_opds_and_pagu(api.harness.factory), cleaned_users(api.harness):
        try:
            yield api.as_("admin.lampung")
        finally:  # the activity first: it refers to the new OPD and accounts
            reset(api.harness.factory)


def _signed_in(api: Api, username: str) -> Api:
    """The new account as its holder, once they have set their password."""
    set_password(api.harness, username)
    answer = api.login(username, GOOD_PASSWORD)
    assert answer.status_code == 200, answer.json
    tokens = {**api.tokens, username: answer.json["access_token"]}  # type: ignore[index]
    return Api(api.client, api.harness, tokens, username)


def test_a_new_opd_its_people_a_plt_kepala_and_next_years_window(admin: Api) -> None:
    made = admin.post("/api/v1/admin/opds", json=OPD)
    assert made.status_code == 201, made.json
    pagu = admin.open(
        "PUT", f"/api/v1/opds/{OPD['code']}/ceilings/2023",
        json={"amount": 900_000_000, "reason": "Pagu indikatif OPD baru"},
    )  # fmt: skip
    assert pagu.status_code == 200, pagu.json
    for username, name, role in (
        ("uji.dpmd.staf", "Sari Dewi", "opd_staff"),
        ("uji.dpmd.plt", "Hendra Saputra, S.E.", "opd_staff"),
    ):
        user = admin.post(
            "/api/v1/admin/users",
            json={"username": username, "full_name": name, "email": f"{username}@lampung.test",
                  "roles": [{"role": role, "opd": OPD["code"]}]},
        )  # fmt: skip
        assert user.status_code == 201, user.json
    today = local_date(dt.datetime.now(dt.UTC), "Asia/Jakarta")
    appointed = admin.post(
        "/api/v1/admin/acting",
        json={"username": "uji.dpmd.plt", "role": "opd_head", "opd": OPD["code"], "kind": "plt",
              "start_date": today.isoformat(),
              "end_date": (today + dt.timedelta(days=30)).isoformat(),
              "decree_number": "800/12/BKD/2026"},
    )  # fmt: skip
    assert appointed.status_code == 201, appointed.json

    staff, plt = _signed_in(admin, "uji.dpmd.staf"), _signed_in(admin, "uji.dpmd.plt")
    activity = staff.create()
    assert staff.act(activity["id"], "submit").status_code == 200
    approved = plt.act(activity["id"], "approve")
    assert approved.status_code == 200, approved.json

    history = plt.get(f"/api/v1/activities/{activity['id']}/history").json["items"]  # type: ignore[index]
    assert history[-1]["actor_title"].startswith(
        "Plt. Kepala Dinas Pemberdayaan Masyarakat dan Desa — Hendra Saputra"
    )
    with admin.harness.session() as s:
        messages = list(
            s.execute(
                select(Notification.message)
                .join(User, User.id == Notification.user_id)
                .where(Notification.activity_id == activity["id"], User.username != "uji.dpmd.plt")
            ).scalars()
        )
    assert any("Plt. Kepala Dinas Pemberdayaan Masyarakat dan Desa" in m for m in messages), (
        messages
    )

    next_year = max(y["year"] for y in admin.get("/api/v1/admin/calendar").json)  # type: ignore[union-attr]
    window = admin.open(
        "PUT", f"/api/v1/admin/calendar/{next_year}/submission",
        json={"starts_on": f"{next_year}-01-02", "ends_on": f"{next_year}-03-15"},
    )  # fmt: skip
    assert window.status_code == 200, window.json
    calendar: dict[str, Any] = admin.get(f"/api/v1/admin/calendar/{next_year}").json  # type: ignore[assignment]
    assert any(w["kind"] == "submission" for w in calendar["windows"]), calendar
    logged = {e["action"] for e in admin.get("/api/v1/admin/audit").json["items"]}  # type: ignore[index]
    assert {"opd.create", "pagu.set", "user.create", "acting.create", "calendar.set"} <= logged
