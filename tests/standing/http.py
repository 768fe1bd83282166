"""A small HTTP client for the standing suite's real servers (``sepakat serve``)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Http:
    port: int
    tokens: dict[str, str] = field(default_factory=dict)

    def call(
        self, method: str, path: str, body: Any = None, user: str | None = None
    ) -> tuple[int, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        if user:
            request.add_header("Authorization", f"Bearer {self.token(user)}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"null")

    def token(self, user: str) -> str:
        if user not in self.tokens:
            status, body = self.call(
                "POST", "/api/v1/auth/token", {"username": user, "password": "sepakat"}
            )
            assert status == 200, body
            self.tokens[user] = body["access_token"]
        return self.tokens[user]

    def version(self, activity_id: int, user: str) -> int:
        status, body = self.call("GET", f"/api/v1/activities/{activity_id}", user=user)
        assert status == 200, body
        return int(body["version"])


def at_once(calls: list[Callable[[], tuple[int, Any]]]) -> list[tuple[int, Any]]:
    """Run every call in its own thread, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], tuple[int, Any]]) -> tuple[int, Any]:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
