"""The outbox relay's claims on PostgreSQL: several relays split the backlog (SKIP LOCKED),
fresh rows are left to the after-commit publish, and a row handed over long ago whose delivery
never finished is published again, a bounded number of times."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text, update

from core.models import OutboxMessage, utcnow
from core.notifications import MailSettings, RelayPolicy, claim, deliver, mark_published
from core.testing import Harness
from tests.notify.conftest import PUBLIC_URL
from tests.notify.queries import outbox, submit

pytestmark = pytest.mark.postgres

LATER = dt.timedelta(minutes=1)  # past the default grace of 10 s


def test_two_relays_split_the_unsent_rows(pg: Harness) -> None:
    ids = [submit(pg).outbox_ids[0] for _ in range(3)]
    policy = RelayPolicy(batch=2)
    now = utcnow() + LATER
    with pg.session() as first, pg.session() as second:
        mine = claim(first, now, policy)
        second.execute(text("SET LOCAL lock_timeout = '5s'"))  # fail, not hang, if it waited
        theirs = claim(second, now, policy)  # does not wait for the first relay's locks
        assert mine == ids[:2] and theirs == ids[2:]
        mark_published(first, mine, now)
        mark_published(second, theirs, now)
        first.commit()
        second.commit()
    with pg.session() as s:
        assert claim(s, now, policy) == []
    assert [m.attempts for m in outbox(pg)] == [1, 1, 1]


def test_rows_younger_than_the_grace_are_left_to_the_publish_after_commit(pg: Harness) -> None:
    [outbox_id] = submit(pg).outbox_ids
    with pg.session() as s:
        assert claim(s, utcnow(), RelayPolicy()) == []
        assert claim(s, utcnow() + LATER, RelayPolicy()) == [outbox_id]


def test_a_handed_over_but_undelivered_row_is_published_again_until_the_limit(
    pg: Harness,
) -> None:
    [lost, delivered] = [submit(pg).outbox_ids[0] for _ in range(2)]
    long_ago = utcnow() - dt.timedelta(hours=2)
    with pg.session() as s:
        s.execute(update(OutboxMessage).values(sent_at=long_ago, attempts=1))
        s.commit()
        deliver(s, delivered, MailSettings(None, "noreply@sepakat.local", PUBLIC_URL))
    policy = RelayPolicy(max_publishes=2)
    with pg.session() as s:
        assert claim(s, utcnow(), policy) == [lost]  # the broker lost it (e.g. a Redis restart)
        s.execute(update(OutboxMessage).values(sent_at=long_ago, attempts=2))
        s.commit()
        assert claim(s, utcnow(), policy) == []  # given up: attempts are visible on the row


def _handed_over(pg: Harness, outbox_id: int, ago: dt.timedelta, attempts: int) -> None:
    with pg.session() as s:
        s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(sent_at=utcnow() - ago, attempts=attempts)
        )
        s.commit()


def test_an_undelivered_row_is_published_again_within_minutes(pg: Harness) -> None:
    """Issue 15, finding 11: a message in flight when Redis stopped waited 30 minutes. Now a
    row handed over with no inbox row is re-published after 3 minutes, then 6, 9, 12 (the wait
    grows with each publish), and never more than ``max_publishes`` times."""
    [lost] = submit(pg).outbox_ids
    policy = RelayPolicy()
    minutes = dt.timedelta(minutes=1)
    for attempts, waited, expected in [
        (1, 2 * minutes, []),  # the queue may still be working on it
        (1, 4 * minutes, [lost]),
        (2, 4 * minutes, []),  # the second wait is twice as long
        (2, 7 * minutes, [lost]),
        (4, 13 * minutes, [lost]),
        (5, 10 * 60 * minutes, []),  # given up: attempts are visible on the row
    ]:
        _handed_over(pg, lost, waited, attempts)
        with pg.session() as s:
            assert claim(s, utcnow(), policy) == expected, (attempts, waited)


def test_a_delivered_row_waiting_for_its_email_keeps_the_long_wait(pg: Harness) -> None:
    """Its inbox row exists; the e-mail is the worker's own retries' business for 30 minutes."""
    [outbox_id] = submit(pg).outbox_ids
    with pg.session() as s:
        deliver(s, outbox_id, MailSettings("smtp://127.0.0.1:1", "noreply@x.test", PUBLIC_URL))
    _handed_over(pg, outbox_id, dt.timedelta(minutes=10), 1)
    with pg.session() as s:
        assert claim(s, utcnow(), RelayPolicy()) == []
    _handed_over(pg, outbox_id, dt.timedelta(minutes=31), 1)
    with pg.session() as s:
        assert claim(s, utcnow(), RelayPolicy()) == [outbox_id]
