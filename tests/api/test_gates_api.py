"""A gate over HTTP: the activity shows its parties, each decision with who and when, and the
caller's decision; decisions go through ``POST /activities/{id}/transitions`` with the gate's
action names and the existing status codes (the demo's "done when": two partner heads)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.helpers import lampung_details


def _gate(api: Api, user: str, activity_id: int) -> dict[str, Any]:
    response = api.as_(user).get(f"/api/v1/activities/{activity_id}")
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[return-value]


def test_two_partner_heads_concur_over_http(api: Api) -> None:
    details = lampung_details(partner_opds=["dinsos", "dinkes"])
    activity_id = api.as_("dpppa.staf").create(details=details)["id"]
    assert api.as_("dpppa.staf").act(activity_id, "submit").status_code == 200
    assert api.as_("dpppa.kepala").act(activity_id, "approve").status_code == 200

    body = _gate(api, "dinsos.kepala", activity_id)
    assert body["state"] == "partner_review"
    assert body["state_label"] == "Persetujuan OPD mitra"
    gate = body["gate"]
    assert (gate["rule"], gate["needed"], gate["on_objection"]) == ("all", 2, "send_back")
    assert [(p["opd"], p["status"]) for p in gate["parties"]] == [
        ("dinsos", "pending"),
        ("dinkes", "pending"),
    ]
    assert gate["available_decisions"] == ["setujui_mitra", "keberatan_mitra"]
    assert body["available_actions"] == ["setujui_mitra", "keberatan_mitra"]

    # Not a party: 403; another OPD's head (not a partner): 404; an objection without a note:
    # 422; the engine's move by hand: 403.
    assert api.as_("bappeda.verifikator").act(activity_id, "setujui_mitra").status_code == 403
    assert api.as_("dinsos.staf").act(activity_id, "setujui_mitra").status_code == 403
    assert api.as_("kesbangpol.kepala").act(activity_id, "setujui_mitra").status_code == 404
    refused = api.as_("dinsos.kepala").act(activity_id, "keberatan_mitra")
    assert refused.status_code == 422
    assert [r["code"] for r in refused.json["rules"]] == ["comment_required"]  # type: ignore[index]
    assert api.as_("dinsos.kepala").act(activity_id, "lanjut_dari_mitra").status_code == 403

    first = api.as_("dinsos.kepala").act(activity_id, "setujui_mitra", comment="Siap.")
    assert first.status_code == 200
    assert first.json["state"] == "partner_review"  # type: ignore[index]
    assert api.as_("dinsos.kepala").act(activity_id, "setujui_mitra").status_code == 409
    parties = _gate(api, "dpppa.staf", activity_id)["gate"]["parties"]
    assert parties[0]["status"] == "concur"
    assert parties[0]["decided_by"] == "Drs. Aswarodi, M.Si."
    assert parties[0]["decided_at"].endswith("Z") and parties[0]["note"] == "Siap."
    assert _gate(api, "dpppa.staf", activity_id)["gate"]["available_decisions"] == []

    second = api.as_("dinkes.kepala").act(activity_id, "setujui_mitra")
    assert second.status_code == 200
    assert second.json["state"] == "budget_review"  # type: ignore[index]
    assert second.json["gate"] is None  # type: ignore[index]
    history = api.as_("dinkes.kepala").get(f"/api/v1/activities/{activity_id}/history")
    actions = [e["action"] for e in history.json["items"]]  # type: ignore[index]
    assert actions[-3:] == ["setujui_mitra", "setujui_mitra", "lanjut_dari_mitra"]
    assert api.as_("dinkes.kepala").act(activity_id, "setujui_mitra").status_code == 409


def test_the_workflow_shows_its_gates(api: Api) -> None:
    response = api.as_("dpppa.staf").get("/api/v1/provinces/lampung/workflow")
    states = {s["code"]: s for s in response.json["states"]}  # type: ignore[index]
    assert states["partner_review"]["gate"]["parties"] == "partner_opd_heads"
    assert states["partner_review"]["gate"]["passes"] == "lanjut_dari_mitra"
    assert states["opd_review"]["gate"] is None
