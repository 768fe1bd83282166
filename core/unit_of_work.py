"""One transaction per use case: ``with unit_of_work(session): ...`` commits when the block
ends normally and rolls back (then re-raises) when anything escapes it, the commit included.

Every write path goes through this, so no use case can leave a half-written transaction open on
a pooled connection, or commit after an error it meant to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    try:
        yield session
        session.commit()
    except BaseException:  # KeyboardInterrupt and worker shutdown too: never leave it half done
        session.rollback()
        raise


__all__ = ["unit_of_work"]
