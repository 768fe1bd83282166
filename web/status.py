"""Domain error → HTTP status: the one table both front ends (the API and the pages) answer by.

HTTP is web's concern, so the table lives here rather than on the error classes. A class not in
the table takes the status of its nearest listed base class; a ``DomainError`` nobody listed is
422: core raises it on purpose when a well-formed request breaks a rule of the domain, so it is
the caller's to fix (never a 500), and the request itself was understood (not a 400, which the
API keeps for bodies it cannot parse).
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from core.errors import Conflict, DomainError, NotAllowed, NotFound, RuleFailed, StaleVersion

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    NotAllowed: 403,
    Conflict: 409,
    StaleVersion: 409,  # the API answers 412 when the stale version came as If-Match
    RuleFailed: 422,
    DomainError: 422,
}


# The database is not answering (down, restarting, the pool exhausted, a dropped connection):
# 503 with Retry-After on the API and the pages, not a 500: nothing was written (the unit of
# work rolled back) and the same request will succeed once it is back.
UNAVAILABLE: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
)
RETRY_AFTER_SECONDS = 5


def outage_cause(err: Exception) -> str:
    """One log line for an outage (every request logs one while it lasts: no traceback)."""
    cause = getattr(err, "orig", None) or err
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__


def status_of(err: DomainError) -> int:
    """The status of ``err``: its class's, or its nearest listed base class's."""
    return next(STATUS[c] for c in type(err).__mro__ if c in STATUS)


__all__ = ["RETRY_AFTER_SECONDS", "STATUS", "UNAVAILABLE", "outage_cause", "status_of"]
