"""Clarification threads over HTTP: ask (201), answer (200, 409 twice), 403 for the wrong
side, 404 for another province; the activity does not move and the history shows both."""

from __future__ import annotations

from tests.api.conftest import Api


def test_question_and_answer_over_http(api: Api) -> None:
    activity_id = api.as_("dpppa.staf").create()["id"]
    assert api.as_("dpppa.staf").act(activity_id, "submit").status_code == 200
    base = f"/api/v1/activities/{activity_id}/clarifications"
    asked = api.as_("bappeda.verifikator").post(base, json={"question": "Dasar biaya?"})
    assert asked.status_code == 201, asked.json
    qid = asked.json["id"]  # type: ignore[index]
    assert asked.json["answer"] is None  # type: ignore[index]
    assert api.as_("dpppa.staf").post(base, json={"question": "?"}).status_code == 403
    assert api.as_("sulteng.bappeda").post(base, json={"question": "?"}).status_code == 404
    assert api.as_("bappeda.verifikator").post(base, json={}).status_code == 422
    answer = f"{base}/{qid}/answer"
    assert api.as_("gubernur").post(answer, json={"answer": "x"}).status_code == 403
    done = api.as_("dpppa.kepala").post(answer, json={"answer": "Standar biaya 2023."})
    assert done.status_code == 200, done.json
    assert done.json["answered_by"] == "Dra. Fitrianita Damhuri, M.Si."  # type: ignore[index]
    assert api.as_("dpppa.staf").post(answer, json={"answer": "lagi"}).status_code == 409
    listed = api.as_("auditor").get(base).json["items"]  # type: ignore[index]
    assert [(i["question"], i["answer"]) for i in listed] == [
        ("Dasar biaya?", "Standar biaya 2023.")
    ]
    body = api.as_("dpppa.staf").get(f"/api/v1/activities/{activity_id}").json
    assert body["state"] == "opd_review" and body["revision_round"] == 0  # type: ignore[index]
    history = api.as_("dpppa.staf").get(f"/api/v1/activities/{activity_id}/history").json
    actions = [e["action"] for e in history["items"]]  # type: ignore[index]
    assert actions[-2:] == ["tanya_klarifikasi", "jawab_klarifikasi"]
