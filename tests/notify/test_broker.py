"""Delivery through the machine's Redis and a real Celery worker (a subprocess, solo pool,
embedded beat running the relay): duplicates collapse, and failing e-mail ends visibly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from core.models import Notification
from core.testing import Harness
from tests.notify.conftest import AppFactory
from tests.notify.queries import inbox, outbox, settled, submit, submit_in
from tests.notify.services import MailCatcher, Process, start_worker, wait_for, worker_env
from workers.publish import publish, publish_committed

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

HEAD = "dpppa.kepala@lampungprov.test"


@pytest.fixture(scope="module")
def worker(
    pg_ready: str, redis_url: str, smtp_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    tmp: Path = tmp_path_factory.mktemp("broker")
    process = start_worker(worker_env(pg_ready, redis_url, smtp_url), tmp, "shared")
    yield process
    process.stop()


def drained(redis_url: str) -> bool:
    """Nothing queued and nothing taken but unacknowledged (kombu's ``unacked`` hash)."""
    client = redis.Redis.from_url(redis_url)
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def test_the_same_message_delivered_three_times_arrives_once(
    pg: Harness,
    mail: MailCatcher,
    worker: Process,
    redis_url: str,
    smtp_url: str,
    app_factory: AppFactory,
) -> None:
    app = app_factory(redis_url, smtp_url)
    [outbox_id] = submit(pg).outbox_ids
    with app.app_context():
        publish([outbox_id, outbox_id])  # a relay re-publish racing the first publish
        publish_committed([outbox_id])
    wait_for(lambda: settled(pg, 1), 30, "the delivery", worker)
    wait_for(lambda: drained(redis_url), 30, "all three tasks to finish", worker)
    [row] = inbox(pg)
    assert (row.email_status, row.email_attempts) == ("sent", 1)
    assert len(mail.to(HEAD)) == 1
    assert worker.output().count("sepakat.deliver") >= 3
    assert outbox(pg)[0].attempts == 1  # marked published once, by publish_committed


def test_failing_email_retries_with_backoff_and_ends_failed(
    pg: Harness,
    mail: MailCatcher,
    worker: Process,
    redis_url: str,
    smtp_url: str,
    app_factory: AppFactory,
) -> None:
    """The test worker allows 3 attempts with a 1 s backoff base (production: 5, 30 s)."""
    mail.refuse[HEAD] = 451
    app = app_factory(redis_url, smtp_url)
    submit_in(app, pg)  # its commit publishes
    [row] = wait_for(lambda: settled(pg, 1), 30, "the e-mail to give up", worker)
    assert row.email_status == "failed"
    assert row.email_attempts == 3
    assert row.email_error is not None and "451" in row.email_error
    assert "Retry in" in worker.output()
    assert mail.messages == []


def test_a_transitions_recipients_go_in_one_batch_and_each_arrives_once(
    pg: Harness,
    mail: MailCatcher,
    worker: Process,
    redis_url: str,
    smtp_url: str,
    app_factory: AppFactory,
) -> None:
    app = app_factory(redis_url, smtp_url)
    activity_id = submit(pg).activity_id
    approved = pg.act("dpppa.kepala", activity_id, "approve")  # Bappeda, and the submitter
    assert len(approved.outbox_ids) >= 2, approved.outbox_ids
    with app.app_context():
        publish_committed(approved.outbox_ids)
    keys = {o.key for o in outbox(pg) if o.id in approved.outbox_ids}

    def arrived() -> list[Notification] | None:
        rows = [n for n in inbox(pg) if n.key in keys]
        done = len(rows) == len(keys) and all(n.email_status != "pending" for n in rows)
        return rows if done else None

    rows = wait_for(arrived, 30, "the batch's deliveries", worker)
    wait_for(lambda: drained(redis_url), 30, "the batch task to finish", worker)
    sent = [n for n in rows if n.email_status == "sent"]
    assert sent and all(n.email_attempts == 1 for n in sent)
    assert len(mail.messages) == len(sent)  # one e-mail per delivered row, none twice
    assert "sepakat.deliver_batch" in worker.output()
