"""``/api/v1/admin/acting`` over HTTP: the province admin records, lists, reads and ends
acting appointments; other roles get 403, another province's admin 404; bad input is a 422
naming every field; an acting governor is refused outside the window (403) and signs inside
it, and the history reads "Plt."."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core import acting
from core.timezones import local_date
from tests.api.conftest import Api, db_state

BASE = "/api/v1/admin/acting"
ORDER = "800/77/BKD/2026"


def _today() -> dt.date:
    return local_date(dt.datetime.now(dt.UTC), "Asia/Jakarta")


def _body(**overrides: Any) -> dict[str, Any]:
    day = _today()
    return {
        "username": "dpppa.kepala",
        "role": "opd_head",
        "opd": "dinsos",
        "kind": "plt",
        "start_date": day.isoformat(),
        "end_date": (day + dt.timedelta(days=2)).isoformat(),
        "decree_number": ORDER,
        **overrides,
    }


def test_the_admin_records_lists_reads_and_ends_an_appointment(api: Api) -> None:
    admin = api.as_("admin.lampung")
    made = admin.post(BASE, json=_body(reason="Kepala dinas cuti"))
    assert made.status_code == 201, made.json
    item = made.json
    assert item["title"] == "Plt. Kepala Dinas Sosial" and item["status"] == "current"
    assert (item["username"], item["opd"], item["created_by"]) == (
        "dpppa.kepala",
        "dinsos",
        "admin.lampung",
    )
    listed = admin.get(BASE, query_string={"status": "current"}).json["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    assert admin.get(BASE, query_string={"status": "past"}).json["items"] == []
    assert admin.get(f"{BASE}/{item['id']}").json["decree_number"] == ORDER
    roles = {r["code"] for r in admin.get(f"{BASE}/roles").json}
    assert {"opd_head", "bappeda", "governor", "kesbangpol"} <= roles
    assert not roles & {"opd_staff", "admin", "viewer"}
    ended = admin.post(f"{BASE}/{item['id']}/end", json={"reason": "Kembali"})
    assert ended.status_code == 200 and ended.json["status"] == "past"
    assert ended.json["revoked_at"].endswith("Z")
    assert admin.post(f"{BASE}/{item['id']}/end", json={}).status_code == 409


@pytest.mark.parametrize("user", ["dinsos.kepala", "gubernur", "auditor", "dpppa.staf"])
def test_other_roles_are_refused(api: Api, user: str) -> None:
    made = api.as_("admin.lampung").post(BASE, json=_body()).json
    before = db_state(api.harness)
    caller = api.as_(user)
    assert caller.get(BASE).status_code == 403
    assert caller.get(f"{BASE}/roles").status_code == 403
    assert caller.post(BASE, json=_body(opd="dpppa", username="dinsos.kepala")).status_code == 403
    assert caller.get(f"{BASE}/{made['id']}").status_code == 403
    assert caller.post(f"{BASE}/{made['id']}/end", json={}).status_code == 403
    assert db_state(api.harness) == before
    assert api.as_("admin.lampung").get(f"{BASE}/{made['id']}").json["status"] == "current"
    assert api.as_(None).get(BASE).status_code == 401


def test_another_provinces_admin_sees_nothing(api: Api) -> None:
    made = api.as_("admin.lampung").post(BASE, json=_body()).json
    other = api.as_("sulteng.admin")
    assert other.get(f"{BASE}/{made['id']}").status_code == 404
    assert other.post(f"{BASE}/{made['id']}/end", json={}).status_code == 404
    assert other.get(BASE).json["items"] == []
    refused = other.post(BASE, json=_body())  # a Lampung user and OPD are none of theirs
    assert refused.status_code == 422
    assert {r["field"] for r in refused.json["rules"]} == {"username"}


def test_bad_input_names_every_field(api: Api) -> None:
    admin = api.as_("admin.lampung")
    response = admin.post(BASE, json={"kind": "wakil", "start_date": "kemarin", "extra": 1})
    assert response.status_code == 422
    fields = set(response.json["errors"])
    assert fields == {
        "username",
        "role",
        "kind",
        "start_date",
        "end_date",
        "decree_number",
        "extra",
    }
    response = admin.post(
        BASE,
        json=_body(username="tidak.ada", role="admin", opd=None, end_date="2020-01-01"),
    )
    assert response.status_code == 422
    assert {r["field"] for r in response.json["rules"]} == {"username", "role", "end_date"}
    assert admin.get(BASE).json["items"] == []
    assert admin.get(BASE, query_string={"status": "kemarin"}).status_code == 422


def _at_signoff(api: Api) -> int:
    activity = api.as_("dpppa.staf").create()
    for user, action in (
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
    ):
        assert api.as_(user).act(activity["id"], action).status_code == 200
    return int(activity["id"])


def test_an_acting_governor_outside_the_window_is_refused_and_inside_signs(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = _today()
    start, end = day + dt.timedelta(days=1), day + dt.timedelta(days=2)
    made = api.as_("admin.lampung").post(
        BASE,
        json=_body(
            username="kesbangpol.reviu",
            role="governor",
            opd=None,
            start_date=start.isoformat(),
            end_date=end.isoformat(),
        ),
    )
    assert made.status_code == 201 and made.json["title"] == "Plt. Gubernur Lampung"
    activity_id = _at_signoff(api)
    acting_governor = api.as_("kesbangpol.reviu")
    decree = {"decree_number": "G/288/V.09/HK/2022"}
    assert acting_governor.act(activity_id, "sign", **decree).status_code == 403
    # Noon of the first day in Lampung (WIB): inside the window.
    noon = dt.datetime.combine(start, dt.time(5), dt.UTC)
    monkeypatch.setattr(acting, "now", lambda: noon)
    signed = acting_governor.act(activity_id, "sign", **decree)
    assert signed.status_code == 200, signed.json
    history = acting_governor.get(f"/api/v1/activities/{activity_id}/history").json["items"]
    last = history[-1]
    assert last["actor_title"] == "Plt. Gubernur Lampung — Hendra Gunawan, S.Sos."
    assert last["acting"]["title"] == "Plt. Gubernur Lampung"
    assert last["acting"]["on_behalf_of"] == ["Gubernur Lampung"]
    assert last["acting"]["appointment_id"] == made.json["id"]
    assert history[0]["acting"] is None and history[0]["actor_title"] == "Rina Marlina"
    seal = acting_governor.get(f"/api/v1/signoffs/{signed.json['signoff_id']}").json
    assert seal["signer_title"] == "Plt. Gubernur Lampung" and seal["valid"] is True
