"""Handing committed outbox rows on for delivery. The web layer calls ``after_transition``
right after a use case committed; with Celery configured the rows go to the broker, without it
they are delivered in process. A failure here never undoes the transition: the relay job
publishes whatever is still unsent."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import Celery
from flask import current_app
from sqlalchemy import update

from core.models import utcnow
from core.notifications.store import outbox_t

log = logging.getLogger(__name__)


def _celery() -> Celery:
    return current_app.extensions["celery"]


def publish(outbox_ids: Sequence[int], *, best_effort: bool = False) -> bool:
    """Send one delivery task per row (ids only: the task re-reads the row). Broker errors
    propagate unless ``best_effort``; returns whether every row was handed over."""
    from workers import DELIVER

    task = _celery().tasks[DELIVER]
    try:
        for outbox_id in outbox_ids:
            # retry=False: one quick attempt; the relay is the retry.
            task.apply_async((outbox_id,), retry=False)
    except Exception:
        if not best_effort:
            raise
        log.warning("broker unavailable; the relay will publish %s later", list(outbox_ids))
        return False
    return True


def after_transition(outbox_ids: Sequence[int]) -> None:
    """Publish the given outbox rows (ids, never payloads: the task re-reads them)."""
    if not outbox_ids or not publish(outbox_ids, best_effort=True):
        return
    if _celery().conf.task_always_eager:
        return  # delivered already; a delivery that failed left its row for `sepakat jobs relay`
    from web.extensions import db

    try:
        # Its own short transaction, apart from the request's session.
        with db.engine.begin() as conn:
            conn.execute(
                update(outbox_t)
                .where(outbox_t.c.id.in_(list(outbox_ids)))
                .values(sent_at=utcnow(), attempts=outbox_t.c.attempts + 1)
            )
    except Exception:  # the relay would publish them again: harmless, deliveries are idempotent
        log.warning("could not mark outbox rows %s as published", list(outbox_ids), exc_info=True)
