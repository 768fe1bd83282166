"""Steps and reads shared by the notification tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from core.models import Notification, OutboxMessage
from core.services.transitions import TransitionResult, transition
from core.testing import Harness
from sepakat.database import db
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


def act_in(
    app: Flask, h: Harness, username: str, activity_id: int, action: str, **payload: Any
) -> TransitionResult:
    """One transition in the app's own session (as a request or command runs it), so its
    commit publishes; the harness's sessions publish nothing."""
    with app.app_context():
        actor = h.actor(username)
        version = h.version(activity_id)
        return transition(db.session(), h.registry, actor, activity_id, action, version, payload)


def submit_in(app: Flask, h: Harness, **overrides: object) -> TransitionResult:
    """``submit`` through the app: its commit hands the message on."""
    activity = h.create("dpppa.staf", lampung_payload(h.plan_id(), **overrides))
    return act_in(app, h, "dpppa.staf", activity.id, "submit")
