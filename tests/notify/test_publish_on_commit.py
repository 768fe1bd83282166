"""Publish on commit, end to end: a use case that no front end knows (written here) notes the
outbox row it wrote and commits; the subscriber the composition root installed hands it on, to
a real Celery worker through Redis or in process. No web code takes part, and a rollback
publishes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from core.models import Notification, OutboxMessage, utcnow
from core.notifications.pending import note_written, written
from core.testing import Harness
from sepakat.database import db
from tests.notify.conftest import AppFactory
from tests.notify.queries import inbox, submit
from tests.notify.services import MailCatcher, Process, start_worker, wait_for, worker_env

pytestmark = [pytest.mark.postgres]

HEAD = "dpppa.kepala@lampungprov.test"


def forward(session: Session, source_id: int, key: str, *, commit: bool = True) -> int:
    """A use case the engine does not have: send an existing message's recipient the same
    message again under a new key. It writes its outbox row the way core's use cases do, notes
    it, and commits; publishing is not its business."""
    source = session.get_one(OutboxMessage, source_id)
    row_id = session.execute(
        insert(OutboxMessage)
        .values(
            key=key,
            kind=source.kind,
            activity_id=source.activity_id,
            recipient_id=source.recipient_id,
            payload=source.payload,
            created_at=utcnow(),
            attempts=0,
        )
        .returning(OutboxMessage.id)
    ).scalar_one()
    note_written(session, [row_id])
    if commit:
        session.commit()
    return row_id


def outbox_row(h: Harness, row_id: int) -> OutboxMessage | None:
    with h.session() as s:
        return s.get(OutboxMessage, row_id)


def test_in_process_the_commit_delivers_with_a_session_of_its_own(
    pg: Harness,
    mail: MailCatcher,
    smtp_url: str,
    app_factory: AppFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = app_factory(None, smtp_url)
    [source] = submit(pg).outbox_ids  # the harness's session publishes nothing
    assert inbox(pg) == []
    with app.app_context():
        session = db.session()
        row_id = forward(session, source, "uji:teruskan:1")
        # Delivered inside the commit, by a delivery that did not use this session (it could
        # emit no SQL there): this one is still the context's, and usable.
        assert db.session() is session
        assert written(session) == []
        [seen] = session.execute(select(Notification.key)).scalars()
    assert seen == "uji:teruskan:1"
    [row] = inbox(pg)
    assert (row.key, row.email_status) == ("uji:teruskan:1", "sent")
    assert len(mail.to(HEAD)) == 1
    published = outbox_row(pg, row_id)
    assert published is not None and published.sent_at is not None
    assert "after commit failed" not in caplog.text


def test_a_rollback_publishes_nothing(
    pg: Harness, mail: MailCatcher, smtp_url: str, app_factory: AppFactory
) -> None:
    app = app_factory(None, smtp_url)
    [source] = submit(pg).outbox_ids
    with app.app_context():
        session = db.session()
        undone = forward(session, source, "uji:batal", commit=False)
        assert written(session) == [undone]
        session.rollback()
        assert written(session) == []
        # The next commit of the same session hands over only what it wrote itself.
        kept = forward(session, source, "uji:jadi")
    assert outbox_row(pg, undone) is None
    assert [n.key for n in inbox(pg)] == ["uji:jadi"]
    assert len(mail.to(HEAD)) == 1
    assert outbox_row(pg, kept) is not None


@pytest.fixture(scope="module")
def worker(
    pg_ready: str, redis_url: str, smtp_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Process]:
    tmp: Path = tmp_path_factory.mktemp("on-commit")
    process = start_worker(worker_env(pg_ready, redis_url, smtp_url), tmp, "on-commit")
    yield process
    process.stop()


@pytest.mark.redis
@pytest.mark.slow
def test_through_redis_the_commit_hands_the_row_to_a_real_worker(
    pg: Harness,
    mail: MailCatcher,
    worker: Process,
    redis_url: str,
    smtp_url: str,
    app_factory: AppFactory,
) -> None:
    app = app_factory(redis_url, smtp_url)
    [source] = submit(pg).outbox_ids
    with app.app_context():
        row_id = forward(db.session(), source, "uji:teruskan:redis")
    # Marked published by the commit's hand-over itself, before the relay (whose grace is a
    # second in the test worker) could have taken it.
    handed = outbox_row(pg, row_id)
    assert handed is not None and handed.sent_at is not None and handed.attempts == 1

    def arrived() -> Notification | None:
        rows = [n for n in inbox(pg) if n.key == "uji:teruskan:redis"]
        return rows[0] if rows and rows[0].email_status != "pending" else None

    row = wait_for(arrived, 30, "the worker to deliver the forwarded message", worker)
    assert row.email_status == "sent"
    assert "sepakat.deliver" in worker.output()
