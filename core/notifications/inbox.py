"""A user's inbox: the notifications delivered to them. Only ever their own rows; another
user's notification is ``NotFound``, like any record one may not see.

An item that asks its reader to act at a stage (``stage``) is *done* once that is no longer
needed: the activity left the stage (``CLOSE``, written with the transition that moved it) or
the reader's party decided at the stage's gate. Delivery writes an item that arrives after its
stage was left as done already. The badge counts what still needs the reader: items neither
read nor done."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, bindparam, func, select, update
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.models import Notification, utcnow
from core.unit_of_work import unit_of_work


def inbox(
    session: Session, user_id: int, limit: int = 50, before: int | None = None
) -> Sequence[Notification]:
    """Newest first; ``before`` (an id) gives the next page."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    return session.execute(stmt.order_by(Notification.id.desc()).limit(limit)).scalars().all()


# The items of an activity (``n_report`` None) or of one of its progress reports that asked for
# an action at a stage it has just left. Its binds do not share a name with a column: the
# transition's write runs it beside an UPDATE of its own.
CLOSE = (
    update(Notification)
    .where(
        Notification.activity_id == bindparam("n_activity"),
        Notification.stage == bindparam("n_stage"),
        Notification.report_id.is_not_distinct_from(bindparam("n_report", type_=Integer)),
        Notification.done_at.is_(None),
    )
    .values(done_at=bindparam("n_now"))
)


def close_for(
    session: Session, activity_id: int, stage: str, user_ids: list[int], now: Any
) -> None:
    """Close the items asking ``user_ids`` to act at ``stage`` (their party decided)."""
    if user_ids:
        session.execute(
            CLOSE.where(Notification.user_id.in_(user_ids)),
            {"n_activity": activity_id, "n_report": None, "n_stage": stage, "n_now": now},
        )


def needs_reader() -> ColumnElement[bool]:
    """Neither read nor done."""
    return Notification.read_at.is_(None) & Notification.done_at.is_(None)


def unread_count(session: Session, user_id: int) -> int:
    """What still needs the reader (the badge): unread items whose action is not done."""
    return session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, needs_reader())
    ).scalar_one()


def mark_read(session: Session, user_id: int, notification_id: int) -> Notification:
    """Mark one read and commit; doing it again keeps the first reading time."""
    mine = (Notification.id == notification_id) & (Notification.user_id == user_id)
    with unit_of_work(session):
        session.execute(
            update(Notification)
            .where(mine, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
    row = session.execute(select(Notification).where(mine)).scalar_one_or_none()
    if row is None:
        raise NotFound("Pemberitahuan tidak ditemukan.")
    return row


def mark_all_read(session: Session, user_id: int) -> None:
    with unit_of_work(session):
        session.execute(
            update(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .values(read_at=utcnow())
        )
