"""Handing committed outbox rows on for delivery. The web layer calls ``after_transition``
right after a use case committed; with Celery configured the rows go to the broker, without it
they are delivered in process. A failure here never undoes the transition: the relay job
publishes whatever is still unsent.

(Issue 4 implements the delivery; until then this only records nothing.)"""

from __future__ import annotations

from collections.abc import Sequence


def after_transition(outbox_ids: Sequence[int]) -> None:
    """Publish the given outbox rows (ids, never payloads: the task re-reads them)."""
