"""The route walked over the REST API with a Flask test client (the app in process): shared by
``bench.profile_http`` and ``bench.ab --part http``. It needs only ``bench.common``'s route, so
``bench.ab`` loads this file into a child that runs an older checkout's app."""

from __future__ import annotations

from typing import Any

from bench.common import DECREE, ROUTE


def tokens(client: Any, password: str = "sepakat") -> dict[str, dict[str, str]]:
    """Each route user's ``Authorization`` header."""
    out = {}
    for user, *_ in ROUTE:
        answer = client.post("/api/v1/auth/token", json={"username": user, "password": password})
        assert answer.status_code == 200, answer.json
        out[user] = {"Authorization": "Bearer " + answer.json["access_token"]}
    return out


def walk(client: Any, headers: dict[str, dict[str, str]], ids: list[int]) -> None:
    """Take each activity along ``ROUTE`` by ``POST /activities/{id}/transitions``."""
    for activity_id in ids:
        version = 1
        for user, action, _, _ in ROUTE:
            body: dict[str, Any] = {"action": action, "version": version}
            if action == "sign":
                body["decree_number"] = DECREE
            answer = client.post(
                f"/api/v1/activities/{activity_id}/transitions", json=body, headers=headers[user]
            )
            assert answer.status_code == 200, answer.json
            version = answer.json["version"]
