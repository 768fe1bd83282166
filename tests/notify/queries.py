"""Steps and reads shared by the notification tests."""

from __future__ import annotations

from sqlalchemy import select

from core.models import Notification, OutboxMessage
from core.services.transitions import TransitionResult
from core.testing import Harness
from tests.helpers import lampung_payload


def inbox(h: Harness) -> list[Notification]:
    with h.session() as s:
        return list(s.execute(select(Notification).order_by(Notification.id)).scalars())


def outbox(h: Harness) -> list[OutboxMessage]:
    with h.session() as s:
        return list(s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def settled(h: Harness, expected: int) -> list[Notification] | None:
    """The inbox once ``expected`` rows exist and none still waits for its e-mail."""
    rows = inbox(h)
    if len(rows) >= expected and all(n.email_status != "pending" for n in rows):
        return rows
    return None


def submit(h: Harness, **overrides: object) -> TransitionResult:
    """Create a DPPPA activity and submit it (the core use case): one outbox message, to
    ``dpppa.kepala``."""
    activity = h.create("dpppa.staf", lampung_payload(h.plan_id(), **overrides))
    return h.act("dpppa.staf", activity.id, "submit")
