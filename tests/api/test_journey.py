"""The whole route over HTTP, as the demo users would walk it: a plain activity and one tagged
with a land conflict (Kesbangpol's review), with return → edit → resubmit and a batch
sign-off under one decree number."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy import select

from core.models import OutboxMessage
from sepakat.app import create_app
from tests.api.conftest import Api
from tests.conftest import PG_URL

DECREE = "G/301/V.09/HK/2023"


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.json
    return response.json  # type: ignore[no-any-return]


def _get(api: Api, user: str, activity_id: int) -> dict[str, Any]:
    return _ok(api.as_(user).get(f"/api/v1/activities/{activity_id}"))


def _step(api: Api, user: str, activity_id: int, action: str, **body: Any) -> dict[str, Any]:
    current = _get(api, user, activity_id)
    assert action in current["available_actions"], (user, action, current["available_actions"])
    return _ok(
        api.as_(user).post(
            f"/api/v1/activities/{activity_id}/transitions",
            json={"action": action, "version": current["version"], **body},
        )
    )


def _return_edit_resubmit(api: Api, activity_id: int) -> None:
    returned = _step(api, "dpppa.kepala", activity_id, "return", comment="Lengkapi indikator.")
    assert (returned["state"], returned["state_label"]) == ("returned", "Dikembalikan untuk Revisi")
    assert returned["revision_round"] == 1

    staff = api.as_("dpppa.staf")
    current = staff.get(f"/api/v1/activities/{activity_id}")
    etag = current.headers["ETag"]
    assert etag == f'"{current.json["version"]}"'  # type: ignore[index]
    edited = _ok(
        staff.patch(
            f"/api/v1/activities/{activity_id}",
            json={"details": {"indicator": "Jumlah perempuan terlatih mediasi konflik"}},
            headers={"If-Match": etag},
        )
    )
    assert edited["details"]["indicator"] == "Jumlah perempuan terlatih mediasi konflik"
    assert edited["version"] == current.json["version"] + 1  # type: ignore[index]
    assert _step(api, "dpppa.staf", activity_id, "submit")["state"] == "opd_review"


def test_plain_and_conflict_journeys_with_batch_signoff(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    plain = staff.create()
    land = staff.create(
        title="Pendampingan perempuan korban konflik lahan Register 45",
        details={**api.payload()["details"], "conflict_types": ["lahan"]},  # type: ignore[dict-item]
        years=[
            {"year": 2023, "target": "40 orang", "proposed_budget": 90_000_000},
            {"year": 2024, "target": "40 orang", "proposed_budget": 95_000_000},
        ],
    )
    assert plain["state"] == land["state"] == "draft"
    assert plain["available_actions"] == ["submit"]

    for activity in (plain, land):
        assert _step(api, "dpppa.staf", activity["id"], "submit")["state"] == "opd_review"
        _return_edit_resubmit(api, activity["id"])

    # The plain one goes straight to Bappeda; the land conflict first to Kesbangpol.
    assert _step(api, "dpppa.kepala", plain["id"], "approve")["state"] == "budget_review"
    assert _step(api, "dpppa.kepala", land["id"], "approve")["state"] == "kesbangpol_review"
    assert _get(api, "bappeda.verifikator", land["id"])["available_actions"] == []
    assert _step(api, "kesbangpol.reviu", land["id"], "endorse")["state"] == "budget_review"

    confirmed = _step(
        api,
        "bappeda.verifikator",
        plain["id"],
        "confirm_budget",
        confirmed_years=[{"year": 2023, "confirmed_budget": 120_000_000}],
    )
    assert confirmed["state"] == "governor_signoff"
    assert confirmed["years"][0]["confirmed_budget"] == 120_000_000
    assert _step(api, "bappeda.verifikator", land["id"], "confirm_budget")["state"] == (
        "governor_signoff"
    )

    ceilings = _ok(api.as_("dpppa.staf").get("/api/v1/opds/dpppa/ceilings"))
    by_year = {c["year"]: c for c in ceilings}
    assert by_year[2023]["confirmed"] == 120_000_000 + 90_000_000
    assert by_year[2023]["remaining"] == by_year[2023]["ceiling"] - by_year[2023]["confirmed"]

    # Batch sign-off: both pass, a draft in the same batch fails alone.
    draft = staff.create(title="Kegiatan yang masih draf")
    result = _ok(
        api.as_("gubernur").post(
            f"/api/v1/plans/{api.plan_id()}/signoff",
            json={"activity_ids": [plain["id"], land["id"], draft["id"]], "decree_number": DECREE},
        )
    )
    assert (result["signed"], result["failed"]) == (2, 1)
    items = {i["activity_id"]: i for i in result["items"]}
    assert items[plain["id"]]["ok"] and items[land["id"]]["state"] == "signed"
    assert items[draft["id"]]["status"] == 409 and not items[draft["id"]]["ok"]
    assert _get(api, "auditor", plain["id"])["decree_number"] == DECREE
    assert _get(api, "dpppa.staf", draft["id"])["state"] == "draft"

    history = _ok(api.as_("auditor").get(f"/api/v1/activities/{land['id']}/history"))["items"]
    assert [h["action"] for h in history] == [
        "create",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
        "endorse",
        "confirm_budget",
        "sign",
    ]
    assert [h["seq"] for h in history] == list(range(1, 10))
    assert history[2]["comment"] == "Lengkapi indikator."
    assert history[-1]["actor"] == "gubernur"


def test_transition_answers_with_warnings_near_the_ceiling(api: Api) -> None:
    """Lampung warns at 90 % of the pagu: the transition succeeds and says so."""
    ceiling = {c["year"]: c for c in api.as_("auditor").get("/api/v1/opds/dpppa/ceilings").json}
    amount = ceiling[2023]["ceiling"] * 95 // 100  # type: ignore[index]
    activity = api.as_("dpppa.staf").create(
        years=[{"year": 2023, "target": "1 paket", "proposed_budget": amount}]
    )
    _step(api, "dpppa.staf", activity["id"], "submit")
    _step(api, "dpppa.kepala", activity["id"], "approve")
    body = _step(api, "bappeda.verifikator", activity["id"], "confirm_budget")
    assert body["state"] == "governor_signoff"
    assert [w["code"] for w in body["warnings"]] == ["ceiling_near"]


def test_a_failing_hand_over_does_not_undo_the_transition(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """The broker hand-over runs after the commit; with the broker away the client still hears
    200, and the message waits, unsent, for the relay."""
    with socket.socket() as s:  # a port nobody listens on: the broker is down
        s.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": PG_URL,
            "TESTING": True,
            "SECRET_KEY": "test",
            "REDIS_URL": dead,
        },
        registry=api.harness.registry,
    )
    down = Api(app.test_client(), api.harness, {})
    activity = down.as_("dpppa.staf").create()
    body = _step(down, "dpppa.staf", activity["id"], "submit")
    assert body["state"] == api.harness.state(activity["id"]) == "opd_review"
    with api.harness.session() as s:
        rows = s.execute(select(OutboxMessage).where(OutboxMessage.activity_id == activity["id"]))
        assert [row.sent_at for row in rows.scalars()] == [None]
    assert "broker unavailable; the relay will publish" in caplog.text  # it was tried


def test_if_none_match_answers_304_until_the_activity_changes(api: Api) -> None:
    activity = api.as_("dpppa.staf").create()
    path = f"/api/v1/activities/{activity['id']}"
    reader = api.as_("auditor")
    etag = reader.get(path).headers["ETag"]
    unchanged = reader.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    api.harness.act("dpppa.staf", activity["id"], "submit")
    changed = reader.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json["state"] == "opd_review"  # type: ignore[index]
