"""The whole path, as a person sees it: the OPD staff submits through the REST API, ``sepakat
worker`` (the production command, its default settings) takes the message from the machine's
Redis, and the head of the OPD finds it in the inbox (``GET /api/v1/notifications``) and in
the mail (a real SMTP server)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from core.testing import Harness
from tests.helpers import lampung_payload
from tests.notify.conftest import PUBLIC_URL, AppFactory
from tests.notify.queries import settled
from tests.notify.services import MailCatcher, Process, wait_for, worker_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def sepakat_worker(
    pg_ready: str, redis_url: str, smtp_url: str, tmp_path: Path
) -> Iterator[Process]:
    worker = Process(
        [sys.executable, "-c", "from sepakat.cli import main; main()", "worker", "--no-beat",
         "--concurrency=1", "--loglevel=INFO"],
        worker_env(pg_ready, redis_url, smtp_url),
        tmp_path / "sepakat-worker.log",
    )  # fmt: skip
    try:
        wait_for(lambda: " ready." in worker.output(), 60, "sepakat worker to start", worker)
        yield worker
    finally:
        worker.stop()


def login(client: FlaskClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": "sepakat"})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}  # type: ignore[index]


def test_a_submission_reaches_the_heads_inbox_and_mailbox_through_the_broker(
    pg: Harness,
    mail: MailCatcher,
    sepakat_worker: Process,
    redis_url: str,
    smtp_url: str,
    app_factory: AppFactory,
) -> None:
    app = app_factory(redis_url, smtp_url)
    assert not app.extensions["celery"].conf.task_always_eager  # really through Redis
    client = app.test_client()
    staff = login(client, "dpppa.staf")
    created = client.post("/api/v1/activities", json=lampung_payload(pg.plan_id()), headers=staff)
    assert created.status_code == 201, created.json
    activity: dict[str, Any] = created.json  # type: ignore[assignment]
    submitted = client.post(
        f"/api/v1/activities/{activity['id']}/transitions",
        json={"action": "submit", "version": activity["version"]},
        headers=staff,
    )
    assert submitted.status_code == 200, submitted.json

    wait_for(lambda: settled(pg, 1), 30, "the worker's delivery", sepakat_worker)
    head = login(client, "dpppa.kepala")
    [item] = client.get("/api/v1/notifications", headers=head).json["items"]  # type: ignore[index]
    assert item["activity_id"] == activity["id"]
    assert item["kind"] == "transition"
    assert "telah diajukan oleh Rina Marlina" in item["message"]
    assert item["needs_action"] is True and item["done"] is False
    assert client.get("/api/v1/notifications", headers=staff).json["items"] == []  # type: ignore[index]

    [email] = mail.to("dpppa.kepala@lampungprov.test")
    assert email["Subject"] == f"[Sepakat] Reviu Kepala OPD: {activity['title']}"
    assert f"{PUBLIC_URL}/kegiatan/{activity['id']}" in email.get_content()
    assert mail.messages == [email]
    assert "Task sepakat.deliver[" in sepakat_worker.output()
