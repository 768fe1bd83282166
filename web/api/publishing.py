"""Handing a committed transition's outbox rows to the workers, from the API."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from workers.publish import after_transition


def after_commit(outbox_ids: Sequence[int]) -> None:
    """Called only after the use case committed, so the worker finds the rows it is given. A
    failure here is logged, never answered: the transition stands (a client told otherwise
    would retry and get a 409), and the relay publishes unsent rows later."""
    if not outbox_ids:
        return
    try:
        after_transition(outbox_ids)
    except Exception:
        current_app.logger.exception("menyerahkan outbox %s gagal; relay akan mengirim", outbox_ids)
