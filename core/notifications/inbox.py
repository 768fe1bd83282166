"""A user's inbox: the notifications delivered to them. Only ever their own rows; another
user's notification is ``NotFound``, like any record one may not see."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
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


def unread_count(session: Session, user_id: int) -> int:
    return session.execute(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
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
