"""What a user chooses for themselves: the language they read (pages, notifications, e-mail).

Kept on the user (``users.language``) because notifications and e-mails are written while the
user is away, by a worker that has no page session to ask."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import User
from core.notifications.language import known
from core.unit_of_work import unit_of_work


def language(session: Session, user_id: int) -> str | None:
    """The language the user chose (None: never chose; they read Indonesian)."""
    return session.execute(select(User.language).where(User.id == user_id)).scalar_one_or_none()


def set_language(session: Session, user_id: int, chosen: str | None) -> str:
    """Keep ``chosen`` (an unknown one reads as Indonesian) and return what was kept."""
    kept = known(chosen)
    with unit_of_work(session):
        session.execute(update(User).where(User.id == user_id).values(language=kept))
    return kept
