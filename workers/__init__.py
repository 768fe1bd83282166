"""Celery app, notification delivery, outbox relay and reminders (issue 4)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Bind Celery to ``app`` (Flask's celery_init_app pattern)."""
