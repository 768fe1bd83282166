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
