"""Notifications without Celery or Flask: delivery of outbox messages (inbox row + e-mail, each
once), the outbox relay's claims, reminders and escalation, and the texts people read.
``workers`` wraps these in Celery tasks; the web app runs the same functions in process when
no broker is configured."""

from core.notifications.delivery import Delivery, MailSettings, deliver, deliver_many
from core.notifications.outbox import RelayPolicy, claim, mark_published, mark_published_apart
from core.notifications.reminders import Due, due, send_reminders

__all__ = [
    "Delivery",
    "Due",
    "MailSettings",
    "RelayPolicy",
    "claim",
    "deliver",
    "deliver_many",
    "due",
    "mark_published",
    "mark_published_apart",
    "send_reminders",
]
