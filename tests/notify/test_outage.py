"""Failures of the machinery itself, each on a redis-server of its own (so stopping it cannot
disturb other tests): Redis down during transitions, and a worker killed mid-delivery."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.testing import Harness
from tests.notify.conftest import AppFactory
from tests.notify.queries import act_in, inbox, outbox, settled, submit_in
from tests.notify.services import (
    MailCatcher,
    Process,
    free_port,
    start_redis,
    start_worker,
    wait_for,
    worker_env,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

HEAD = "dpppa.kepala@lampungprov.test"
STAFF = "dpppa.staf@lampungprov.test"
BAPPEDA = "bappeda.verifikator@lampungprov.test"


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Processes a test starts; all stopped at the end, whatever happened."""
    started: list[Process] = []
    yield started
    for process in reversed(started):
        process.stop()


def test_transitions_succeed_while_redis_is_down_and_arrive_once_after(
    pg: Harness,
    mail: MailCatcher,
    pg_ready: str,
    smtp_url: str,
    app_factory: AppFactory,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port, tmp_path / "redis.log")
    processes.append(redis)
    worker = start_worker(worker_env(pg_ready, url, smtp_url), tmp_path, "outage")
    processes.append(worker)
    app = app_factory(url, smtp_url)

    redis.stop()
    activities = []
    for i in range(3):
        before = time.monotonic()
        # The commit's hand-over fails: it must neither raise nor hang.
        result = submit_in(app, pg, title=f"Pelatihan mediasi konflik angkatan {i + 1}")
        assert time.monotonic() - before < 3
        activities.append(result.activity_id)
    act_in(app, pg, "dpppa.kepala", activities[0], "approve")  # tells Bappeda and the submitter
    assert [pg.state(a) for a in activities] == ["budget_review", "opd_review", "opd_review"]
    rows = outbox(pg)
    assert len(rows) == 5 and all(r.sent_at is None for r in rows)
    assert inbox(pg) == []

    processes.append(start_redis(port, tmp_path / "redis-again.log"))
    wait_for(lambda: settled(pg, 5), 60, "the relay to deliver the backlog", worker)
    time.sleep(3)  # a few more relay rounds: nothing may arrive twice
    delivered = inbox(pg)
    assert sorted(n.key for n in delivered) == sorted(r.key for r in rows)
    assert all(n.email_status == "sent" and n.email_attempts == 1 for n in delivered)
    assert len(mail.to(HEAD)) == 3 and len(mail.to(BAPPEDA)) == 1 and len(mail.to(STAFF)) == 1
    assert len({m["Message-ID"] for m in mail.messages}) == len(mail.messages) == 5
    assert all(r.sent_at is not None for r in outbox(pg))


def test_a_worker_killed_mid_delivery_is_redelivered_and_arrives_once(
    pg: Harness,
    mail: MailCatcher,
    pg_ready: str,
    smtp_url: str,
    app_factory: AppFactory,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    processes.append(start_redis(port, tmp_path / "redis.log"))
    env = worker_env(pg_ready, url, smtp_url)
    doomed = start_worker(env, tmp_path, "doomed")
    processes.append(doomed)
    app = app_factory(url, smtp_url)

    mail.hold_next.set()  # the SMTP server keeps the first message waiting for its reply
    submit_in(app, pg)
    wait_for(mail.holding.is_set, 30, "the worker to be sending the e-mail", doomed)
    [row] = inbox(pg)  # the inbox row is committed before the e-mail is attempted
    assert row.email_status == "pending"

    doomed.kill()  # SIGKILL to the worker and its beat: no ack, no cleanup
    assert doomed.popen.returncode is not None
    mail.release.set()  # the server answers a dead client; it never accepted the message
    successor = start_worker(env, tmp_path, "successor")
    processes.append(successor)
    [row] = wait_for(lambda: settled(pg, 1), 60, "the redelivery", successor)
    assert row.email_status == "sent"
    # The killed attempt was rolled back with its transaction, so this is the first.
    assert row.email_attempts == 1
    assert len(mail.to(HEAD)) == 1
    assert "sepakat.deliver" in successor.output()
