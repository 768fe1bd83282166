"""The Celery tasks: thin shells over ``core.notifications`` that pass ids and re-read state.

Every task is idempotent, so a redelivery (``acks_late``), a relay re-publish or two beats
running the same job change nothing twice.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from flask import current_app
from sqlalchemy.exc import OperationalError

from core.models import utcnow
from core.notifications import (
    MailSettings,
    RelayPolicy,
    claim,
    deliver,
    deliver_many,
    mark_published,
)
from core.notifications import send_reminders as compute_reminders
from core.unit_of_work import unit_of_work
from workers import DELIVER, DELIVER_BATCH, RELAY, REMINDERS, services
from workers.publish import publish

log = logging.getLogger(__name__)

# The database away (restart, failover) is worth waiting for; bugs are not.
TRANSIENT = (OperationalError,)
BACKOFF_MAX_SECONDS = 600


class EmailRetry(Exception):
    """A transient e-mail failure; the task is retried after a backoff."""


def mail_settings() -> MailSettings:
    return MailSettings.from_config(current_app.config, services().catalogues)


def relay_policy() -> RelayPolicy:
    return RelayPolicy(**current_app.config.get("OUTBOX_RELAY", {}))


@shared_task(
    name=DELIVER,
    bind=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    max_retries=20,  # the e-mail gives up earlier, by EMAIL_MAX_ATTEMPTS counted in the database
)
def deliver_task(self: Any, outbox_id: int) -> str | None:
    """Deliver one outbox message: inbox row, then e-mail (each once)."""
    result = deliver(services().sessions(), outbox_id, mail_settings())
    if result is None:
        log.info("outbox %s is gone; nothing to deliver", outbox_id)
        return None
    if result.retry:
        countdown = _email_backoff(self.request.retries)
        raise self.retry(countdown=countdown, exc=EmailRetry(f"outbox {outbox_id}"))
    return result.email_status


def _email_backoff(retries: int) -> int:
    return int(
        get_exponential_backoff_interval(
            factor=int(current_app.config["EMAIL_RETRY_BACKOFF"]),
            retries=retries,
            maximum=BACKOFF_MAX_SECONDS,
            full_jitter=True,
        )
    )


@shared_task(
    name=DELIVER_BATCH,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=BACKOFF_MAX_SECONDS,
    max_retries=20,
)
def deliver_batch_task(outbox_ids: list[int]) -> int:
    """Deliver several outbox messages, each as ``sepakat.deliver`` does but their inbox rows in
    one transaction (``deliver_many``); returns how many rows were there. One message for a
    transition's recipients halves what the broker and the worker spend per notification
    (issue 17). A row whose e-mail must wait goes on as a ``sepakat.deliver`` task of its own,
    so a retry repeats that row alone; a database outage retries the batch, whose rows
    delivered already change nothing (deliveries are idempotent)."""
    found = 0
    results = deliver_many(services().sessions(), outbox_ids, mail_settings())
    for outbox_id, result in zip(outbox_ids, results, strict=True):
        if result is None:
            log.info("outbox %s is gone; nothing to deliver", outbox_id)
            continue
        found += 1
        if result.retry:
            deliver_task.apply_async((outbox_id,), countdown=_email_backoff(0))
    return found


@shared_task(name=RELAY, acks_late=True, autoretry_for=TRANSIENT, max_retries=3)
def relay_task() -> int:
    """Publish what the after-commit publish missed. Runs under beat; several may run at once."""
    session = services().sessions()
    now = utcnow()
    with unit_of_work(session):  # a broker error rolls back: the rows stay unsent for the next run
        ids = claim(session, now, relay_policy())
        publish(ids)
        mark_published(session, ids, now)
    if ids:
        log.info("relayed %d outbox message(s)", len(ids))
    return len(ids)


@shared_task(name=REMINDERS, acks_late=True, autoretry_for=TRANSIENT, max_retries=3)
def reminders_task() -> int:
    """Reminders and escalations that are due; their commit publishes them, as a transition's."""
    given = services()
    return len(compute_reminders(given.sessions(), given.registry))
