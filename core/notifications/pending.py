"""Publish on commit: use cases note the outbox rows they wrote; one subscriber hands them on.

A use case calls ``note_written(session, ids)`` in the transaction that inserted the rows. The
ids wait in ``session.info`` until that transaction ends: after a commit the subscriber that
``publish_on_commit`` installed passes them to the publisher (the broker, or delivery in
process); after a rollback they are dropped, so nothing uncommitted is ever published. No
caller (API, pages, commands, tasks) publishes by hand.

The publisher runs after the database committed, so a failure there cannot undo the use case:
it is logged and swallowed, and the rows stay unsent for the relay. It runs inside the
committing session's ``after_commit`` event, where that session can no longer emit SQL: a
publisher that needs the database must use a session of its own.

Only SQLAlchemy here (no Flask, no Celery): the composition root picks the session factory and
the publisher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session, sessionmaker

log = logging.getLogger(__name__)

_KEY = "sepakat.outbox_written"

Publisher = Callable[[list[int]], None]
# Invariant generics: Flask-SQLAlchemy's factories make a Session subclass.
SessionTarget = sessionmaker[Any] | scoped_session[Any] | type[Session]


def note_written(session: Session, outbox_ids: Iterable[int]) -> None:
    """Record outbox rows written in the session's current transaction, to publish on commit."""
    ids = list(outbox_ids)
    if ids:
        session.info.setdefault(_KEY, []).extend(ids)


def written(session: Session) -> list[int]:
    """The ids noted in the current transaction and not yet handed on."""
    return list(session.info.get(_KEY, ()))


def publish_on_commit(target: SessionTarget, publisher: Publisher) -> None:
    """Install the subscriber on the sessions ``target`` makes (a sessionmaker, a
    scoped_session or a Session class). Install it once per factory: each install publishes."""

    def after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the outer transaction may still roll back
        ids = session.info.pop(_KEY, None)
        if not ids:
            return
        try:
            publisher(ids)
        except Exception:  # committed is committed: the relay publishes what this missed
            log.exception("publishing outbox %s after commit failed; the relay will", ids)

    def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
        # Runs after ``after_commit`` on commit, and alone on rollback or close: whatever is
        # left belongs to a transaction that did not commit. A savepoint ending leaves the
        # outer transaction's ids alone (ids noted inside a savepoint that rolled back are
        # published with the outer commit; delivering a row that does not exist does nothing).
        if transaction.parent is None:
            session.info.pop(_KEY, None)

    event.listen(target, "after_commit", after_commit)
    event.listen(target, "after_transaction_end", after_transaction_end)
