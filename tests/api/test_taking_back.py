"""``DELETE /activities/{id}`` (Hapus draf) and the withdrawal through the transitions
endpoint (Tarik kembali), over HTTP (issue 16, item 10)."""

from __future__ import annotations

from tests.api.conftest import Api


def test_delete_a_draft_with_if_match(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    draft = staff.create()
    path = f"/api/v1/activities/{draft['id']}"
    assert staff.open("DELETE", path).status_code == 428
    stale = staff.open("DELETE", path, headers=staff.headers({"If-Match": '"99"'}))
    assert stale.status_code == 412
    head = api.as_("dpppa.kepala")
    etag = {"If-Match": f'"{draft["version"]}"'}
    assert head.open("DELETE", path, headers=head.headers(etag)).status_code == 403
    done = staff.open("DELETE", path, headers=staff.headers(etag))
    assert done.status_code == 204
    assert staff.get(path).status_code == 404
    assert draft["id"] not in [a["id"] for a in staff.get("/api/v1/activities").json["items"]]
    assert api.harness.audit_breaks() == []  # the chain is kept, closed by the discard entry


def test_a_submitted_activity_is_withdrawn_not_deleted(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    draft = staff.create()
    path = f"/api/v1/activities/{draft['id']}"
    assert staff.act(draft["id"], "submit").status_code == 200
    body = staff.get(path).json
    assert "withdraw" in body["available_actions"]
    workflow = staff.get("/api/v1/provinces/lampung/workflow").json
    assert any(t["withdraws"] for t in workflow["transitions"])
    done = staff.act(draft["id"], "withdraw")
    assert done.status_code == 200 and done.json["state"] == "draft"
    etag = {"If-Match": f'"{done.json["version"]}"'}
    refused = staff.open("DELETE", path, headers=staff.headers(etag))
    assert refused.status_code == 409  # submitted once: it stays, as a draft
