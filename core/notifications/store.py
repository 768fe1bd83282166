"""Tables and the one SQL idiom the notification code leans on: insert unless the unique key is
already there, and say whether this call inserted it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import Notification, OutboxMessage, Reminder, ReportReminder

outbox_t = cast(Table, OutboxMessage.__table__)
notifications_t = cast(Table, Notification.__table__)
reminders_t = cast(Table, Reminder.__table__)
report_reminders_t = cast(Table, ReportReminder.__table__)


def insert_new(
    session: Session, table: Table, values: dict[str, Any], unique: Sequence[str]
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the new row's id, or None when a row with
    the same ``unique`` columns exists. A concurrent inserter of the same key waits for the
    other transaction and then inserts nothing, which is what makes delivery idempotent."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table)
    elif dialect == "sqlite":
        stmt = sqlite.insert(table)
    else:  # pragma: no cover - the two databases Sepakat supports
        raise NotImplementedError(f"database {dialect!r} is not supported")
    stmt = stmt.values(**values).on_conflict_do_nothing(index_elements=list(unique))
    return session.execute(stmt.returning(table.c.id)).scalar_one_or_none()
