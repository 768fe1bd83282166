"""Two people acting on the same version at the same moment: exactly one wins, the other is
told the data changed (409 for a transition, 412 for an edit), and nothing is half-written."""

from __future__ import annotations

import threading
from typing import Any

from tests.api.conftest import Api


def _race(api: Api, calls: list[tuple[str, str, str, dict[str, Any], dict[str, str]]]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)
    # Sign in first, on this thread: the shared test client keeps its contexts to one thread.
    headers = [api.as_(user).headers(extra) for user, _, _, _, extra in calls]
    app = api.client.application

    def run(i: int) -> None:
        _, method, path, body, _ = calls[i]
        client = app.test_client()
        barrier.wait(timeout=20)
        statuses[i] = client.open(path, method=method, json=body, headers=headers[i]).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return statuses


def test_concurrent_transitions_one_wins(api: Api) -> None:
    activity = api.as_("dpppa.staf").create()
    api.harness.move(activity["id"], ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    version = api.harness.version(activity["id"])
    path = f"/api/v1/activities/{activity['id']}/transitions"
    confirm = {"action": "confirm_budget", "version": version}
    back = {"action": "return", "version": version, "comment": "Perbaiki rincian."}
    statuses = _race(
        api,
        [
            ("bappeda.verifikator", "POST", path, confirm, {}),
            ("bappeda.verifikator", "POST", path, back, {}),
        ],
    )
    assert sorted(statuses) == [200, 409]
    assert api.harness.version(activity["id"]) == version + 1
    history = api.as_("auditor").get(f"/api/v1/activities/{activity['id']}/history").json
    assert len(history["items"]) == 4  # type: ignore[index]


def test_concurrent_edits_one_wins(api: Api) -> None:
    activity = api.as_("dpppa.staf").create()
    path = f"/api/v1/activities/{activity['id']}"
    etag = {"If-Match": f'"{activity["version"]}"'}
    statuses = _race(
        api,
        [
            ("dpppa.staf", "PATCH", path, {"title": "Judul versi pertama"}, etag),
            ("dpppa.staf", "PATCH", path, {"title": "Judul versi kedua"}, etag),
        ],
    )
    assert sorted(statuses) == [200, 412]
    assert api.harness.version(activity["id"]) == activity["version"] + 1
