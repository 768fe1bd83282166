"""The relay's side of the transactional outbox: which rows to (re)publish, and marking them.

``sent_at`` means "handed to the broker" (or delivered in process). Rows are published right
after their transition commits; the relay catches what that missed (broker down, process died
between commit and publish) and re-publishes rows the broker may have lost:

- handed over but never delivered (no inbox row): a message in flight when Redis stopped or
  restarted. Re-published ``undelivered`` after the first hand-over, then after twice that,
  three times... (3, 6, 9, 12 minutes by default): a notification waits minutes, not the half
  hour it once did (issue 15, finding 11), and a broker that is slow rather than lost gets
  only a few duplicates, which delivery folds into one;
- delivered but with its e-mail still pending long after (``stale``): the worker's retry
  of the e-mail was lost.

Re-publishing is safe because delivery is idempotent; ``attempts`` bounds it (``max_publishes``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ARRAY,
    Engine,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    exists,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from core import driver_sql
from core.notifications.delivery import PENDING
from core.notifications.store import notifications_t, outbox_t


@dataclass(frozen=True)
class RelayPolicy:
    batch: int = 200
    # Leave the publish that follows each commit a head start, so rows are not sent twice.
    grace: dt.timedelta = dt.timedelta(seconds=10)
    # Handed over, no inbox row yet: well beyond a queue's normal wait, short for a person.
    undelivered: dt.timedelta = dt.timedelta(minutes=3)
    # Longer than a delivery with all its e-mail retries (backoff capped at 10 minutes).
    stale: dt.timedelta = dt.timedelta(minutes=30)
    max_publishes: int = 5


def _locked(query: Select[Any], session: Session, limit: int) -> list[int]:
    # SKIP LOCKED lets several relays (one per worker with beat) split the backlog instead of
    # queueing behind each other; SQLite has no row locks and SQLAlchemy omits the clause there.
    query = query.order_by(outbox_t.c.id).limit(limit)
    query = query.with_for_update(skip_locked=True, of=outbox_t)
    return [int(i) for i in session.execute(query).scalars()]


def claim(session: Session, now: dt.datetime, policy: RelayPolicy) -> list[int]:
    """Ids to publish now, locked until the caller commits (after ``mark_published``)."""
    unsent = select(outbox_t.c.id).where(
        outbox_t.c.sent_at.is_(None), outbox_t.c.created_at <= now - policy.grace
    )
    ids = _locked(unsent, session, policy.batch)
    room = policy.batch - len(ids)
    if room <= 0:
        return ids
    delivered = exists().where(notifications_t.c.key == outbox_t.c.key)
    finished = exists().where(
        and_(
            notifications_t.c.key == outbox_t.c.key,
            notifications_t.c.email_status != PENDING,
        )
    )
    # The wait grows with each publish: ``undelivered`` × attempts since the last one. Spelled
    # out per attempt count so the bounds are plain timestamps on every database.
    lost = or_(
        *(
            and_(outbox_t.c.attempts == n, outbox_t.c.sent_at <= now - policy.undelivered * n)
            for n in range(1, policy.max_publishes)
        ),
        false(),
    )
    stale = select(outbox_t.c.id).where(
        outbox_t.c.sent_at.is_not(None),
        outbox_t.c.attempts < policy.max_publishes,
        or_(
            and_(~delivered, lost),
            and_(outbox_t.c.sent_at <= now - policy.stale, ~finished),
        ),
    )
    return ids + _locked(stale, session, room)


# PostgreSQL, built once: the ids as one array, so it runs on the driver's cursor.
_MARK_ANY = (
    update(outbox_t)
    .where(outbox_t.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
    .values(sent_at=bindparam("now"), attempts=outbox_t.c.attempts + 1)
)


def mark_published_apart(engine: Engine, ids: list[int], now: dt.datetime) -> None:
    """``mark_published`` in a transaction of its own on a bare connection: the publisher
    after a transition's commit runs it every time, and an ORM session of its own cost it a
    tenth of the request (issue 17)."""
    if not ids:
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            driver_sql.execute(conn, _MARK_ANY, {"ids": ids, "now": now})
        else:
            conn.execute(_mark(ids, now))


def _mark(ids: list[int], now: dt.datetime) -> Any:
    return (
        update(outbox_t)
        .where(outbox_t.c.id.in_(ids))
        .values(sent_at=now, attempts=outbox_t.c.attempts + 1)
    )


def mark_published(session: Session, ids: list[int], now: dt.datetime) -> None:
    if ids:
        session.execute(_mark(ids, now))
