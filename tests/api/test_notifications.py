"""The inbox: only the caller's rows, newest first, and marking one read (once)."""

from __future__ import annotations

from core.models import Notification
from tests.api.conftest import Api


def _notify(api: Api, username: str, n: int) -> list[int]:
    user_id = api.harness.actor(username).user_id
    with api.harness.session() as s:
        rows = [
            Notification(
                key=f"test:{username}:{i}",
                user_id=user_id,
                kind="transition",
                message=f"Pesan {i}",
            )
            for i in range(n)
        ]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def test_inbox_and_mark_read(api: Api) -> None:
    mine = _notify(api, "dpppa.kepala", 3)
    theirs = _notify(api, "dinsos.kepala", 1)
    head = api.as_("dpppa.kepala")

    inbox = head.get("/api/v1/notifications").json["items"]  # type: ignore[index]
    assert [n["id"] for n in inbox] == mine[::-1]
    assert inbox[0]["read_at"] is None and inbox[0]["message"] == "Pesan 2"
    assert [n["id"] for n in head.get("/api/v1/notifications?limit=1").json["items"]] == [mine[2]]
    older = head.get(f"/api/v1/notifications?before={mine[2]}").json["items"]  # type: ignore[index]
    assert [n["id"] for n in older] == mine[1::-1]

    first = head.post(f"/api/v1/notifications/{mine[0]}/read")
    assert first.status_code == 200 and first.json["read_at"].endswith("Z")  # type: ignore[index]
    again = head.post(f"/api/v1/notifications/{mine[0]}/read").json
    assert again["read_at"] == first.json["read_at"]  # type: ignore[index]

    assert head.post(f"/api/v1/notifications/{theirs[0]}/read").status_code == 404
    assert api.as_("dinsos.kepala").get("/api/v1/notifications").json["items"][0]["read_at"] is None  # type: ignore[index]
