"""Celery app, notification delivery, outbox relay and reminders (issue 4).

Flask's ``celery_init_app`` pattern: one Celery app per Flask app, tasks run inside an app
context, settings under ``app.config["CELERY"]`` (merged over the defaults below), broker =
``REDIS_URL``. Without ``REDIS_URL`` the tasks run eagerly in the calling process, so the
one-command demo delivers notifications with no Redis and no worker (e-mail is then tried once
by default, and the periodic jobs run by ``sepakat jobs relay|reminders``, e.g. from cron).

The composition root (``sepakat.app``) calls ``init_app`` with what the tasks need (the
registry, the sessions, the engine) and subscribes ``workers.publish.publish_committed`` to the
commits of the app's sessions; this package imports neither the web layer nor the root.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from celery import Celery, Task
from celery.signals import worker_process_init
from flask import Flask, current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.notifications.language import Catalogues
from core.plugins import Registry

DELIVER = "sepakat.deliver"
# Several rows in one message (a transition's recipients, a relay's claim): issue 17.
DELIVER_BATCH = "sepakat.deliver_batch"
RELAY = "sepakat.relay_outbox"
REMINDERS = "sepakat.send_reminders"

KEY = "sepakat.workers"


@dataclass(frozen=True)
class WorkerServices:
    registry: Registry
    # Scoped to the app context, which every task runs in (one session per task).
    sessions: Callable[[], Session]
    engine: Engine  # for work apart from the task's session, and to renew pool connections
    # The pages' catalogues, loaded once: notices and e-mails in each recipient's language.
    catalogues: Catalogues = field(default_factory=Catalogues)


def services(app: Flask | None = None) -> WorkerServices:
    found: WorkerServices = (app or current_app).extensions[KEY]
    return found


# Periodic jobs (run by the beat embedded in ``sepakat worker``). Both are safe to run from
# several workers at once: the relay claims rows with SKIP LOCKED, reminders are unique rows.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "relay-outbox": {"task": RELAY, "schedule": 10.0},
    "send-reminders": {"task": REMINDERS, "schedule": 15 * 60.0},
}


BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    # Redelivery of unacknowledged messages; must exceed the longest retry countdown.
    "visibility_timeout": 3600,
    # A transition publishes right after its commit: fail fast when Redis is away
    # (two immediate connection attempts, not kombu's default of retrying for ever).
    "socket_connect_timeout": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
}


def celery_settings(app: Flask) -> dict[str, Any]:
    """The defaults, with ``app.config["CELERY"]`` on top (key by key)."""
    redis_url = app.config.get("REDIS_URL")
    defaults: dict[str, Any] = {
        "broker_url": redis_url or "memory://",
        "task_always_eager": not redis_url,
        "task_ignore_result": True,
        # Reliability (the Celery docs on reliable tasks): ack after the task ran, so a worker
        # that dies mid-delivery leaves the message to be redelivered; one message at a time
        # per process, so a crash strands at most one; a killed pool process counts as "not
        # done" too.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # Celery 6's default: when the broker connection drops, running late-ack tasks are
        # cancelled, since their ack cannot arrive; the broker redelivers them.
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": BROKER_TRANSPORT_OPTIONS,
        "beat_schedule": BEAT_SCHEDULE,
        "beat_schedule_filename": os.path.join(app.instance_path, "celerybeat-schedule"),
    }
    return {**defaults, **app.config.get("CELERY", {})}


def init_app(app: Flask, given: WorkerServices) -> Celery:
    """Bind a Celery app to ``app`` (Flask's celery_init_app pattern)."""
    app.extensions[KEY] = given

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_settings(app))
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    from workers import tasks  # noqa: F401 - registers the shared tasks

    _bound_apps.add(app)
    return celery_app


# Weak, so that binding an app (as every test does) does not keep it and its pool alive.
_bound_apps: weakref.WeakSet[Flask] = weakref.WeakSet()


@worker_process_init.connect
def _fresh_connections(**_: object) -> None:
    """Pool processes are forked from the worker: never share its database connections."""
    for app in list(_bound_apps):
        services(app).engine.dispose(close=False)
