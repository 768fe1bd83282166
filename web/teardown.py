"""Ending the request's database session when the database went away mid-request.

The session is closed after the response is built (Flask's ``teardown_appcontext``), and
closing rolls back the request's open transaction. When PostgreSQL was restarted between the
request's last statement and that rollback (``terminating connection due to administrator
command``), the rollback raises — outside every error handler, so gunicorn answered its own
HTML 500 page in place of the response already made (issue 15's rare non-JSON answer during
the restart test, RELIABILITY.md). Nothing is lost by ignoring it: the server has already
rolled the transaction back with the connection, and SQLAlchemy has invalidated that
connection, so the pool will not hand it out again. The answer stands (a 200 read, or the 503
the request had already earned); the outage is logged as the error handlers log it.
"""

from __future__ import annotations

from flask import Flask

from web.extensions import services
from web.status import UNAVAILABLE, outage_cause


def install(app: Flask) -> None:
    """Registered after Flask-SQLAlchemy's own teardown, so it runs before it (teardowns run
    in reverse order): the session is gone by then, and its ``remove`` is a no-op."""

    @app.teardown_appcontext
    def _end_session(exc: BaseException | None) -> None:
        sessions = services(app).sessions
        try:
            sessions.remove()
        except UNAVAILABLE as err:
            app.logger.warning("basis data tidak menjawab saat sesi ditutup: %s", outage_cause(err))
            # The failed close left the session registered; the second close finds the
            # connection invalidated (no rollback to send) and discards the session, so the
            # next request on this thread starts with a fresh one.
            sessions.remove()
