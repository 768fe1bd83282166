"""Handing committed outbox rows on for delivery. ``publish_committed`` is the publisher the
composition root subscribes to every commit of the app's sessions (``core.notifications.
pending``): with Celery configured the rows go to the broker, without it they are delivered in
process. A failure here never undoes the use case: the relay job publishes whatever is still
unsent."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import Celery
from flask import current_app

from core.models import utcnow
from core.notifications import mark_published_apart
from workers import DELIVER, DELIVER_BATCH, services

log = logging.getLogger(__name__)


def _celery() -> Celery:
    return current_app.extensions["celery"]


# Rows per batch message: a transition's recipients fit in one; a relay's claim is cut up so
# that one slow e-mail does not hold back hundreds of inbox rows behind it.
BATCH = 20


def publish(outbox_ids: Sequence[int], *, best_effort: bool = False) -> bool:
    """Send the rows for delivery: a ``sepakat.deliver`` task for a single row, a
    ``sepakat.deliver_batch`` task for up to ``BATCH`` of them (ids only: the worker re-reads
    each row). Broker errors propagate unless ``best_effort``; returns whether every row was
    handed over."""
    tasks = _celery().tasks
    ids = list(outbox_ids)
    try:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            # retry=False: one quick attempt; the relay is the retry.
            if len(chunk) == 1:
                tasks[DELIVER].apply_async((chunk[0],), retry=False)
            else:
                tasks[DELIVER_BATCH].apply_async((chunk,), retry=False)
    except Exception:
        if not best_effort:
            raise
        log.warning("broker unavailable; the relay will publish %s later", list(outbox_ids))
        return False
    return True


def publish_committed(outbox_ids: Sequence[int]) -> None:
    """Hand over rows that are committed, best effort: on success mark them published (so the
    relay leaves them alone); on a broker error leave them to the relay. Runs inside the
    committing session's ``after_commit``, in its app context: an in-process delivery runs the
    task in an app context of its own (``FlaskTask``), so with a session of its own."""
    if not outbox_ids or not publish(outbox_ids, best_effort=True):
        return
    if _celery().conf.task_always_eager:
        return  # delivered already; a delivery that failed left its row for `sepakat jobs relay`
    try:
        # Its own transaction: the committing session can emit no SQL until its commit ends.
        mark_published_apart(services().engine, list(outbox_ids), utcnow())
    except Exception:  # the relay would publish them again: harmless, deliveries are idempotent
        log.warning("could not mark outbox rows %s as published", list(outbox_ids), exc_info=True)
