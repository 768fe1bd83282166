"""The relay's side of the transactional outbox: which rows to (re)publish, and marking them.

``sent_at`` means "handed to the broker" (or delivered in process). Rows are published right
after their transition commits; the relay catches what that missed (broker down, process died
between commit and publish) and, as a safety net for a broker that lost its queue, re-publishes
rows handed over long ago whose delivery never finished. Re-publishing is safe because delivery
is idempotent; ``attempts`` bounds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, select, update
from sqlalchemy.orm import Session

from core.notifications.delivery import PENDING
from core.notifications.store import notifications_t, outbox_t


@dataclass(frozen=True)
class RelayPolicy:
    batch: int = 200
    # Leave the publish that follows each commit a head start, so rows are not sent twice.
    grace: dt.timedelta = dt.timedelta(seconds=10)
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
    finished = exists().where(
        and_(
            notifications_t.c.key == outbox_t.c.key,
            notifications_t.c.email_status != PENDING,
        )
    )
    stale = select(outbox_t.c.id).where(
        outbox_t.c.sent_at <= now - policy.stale,
        outbox_t.c.attempts < policy.max_publishes,
        ~finished,
    )
    return ids + _locked(stale, session, room)


def mark_published(session: Session, ids: list[int], now: dt.datetime) -> None:
    if ids:
        session.execute(
            update(outbox_t)
            .where(outbox_t.c.id.in_(ids))
            .values(sent_at=now, attempts=outbox_t.c.attempts + 1)
        )
