"""What the web layer is given by the composition root (``sepakat.app``), and how its modules
reach it: the province registry and the database session, stored on the app by
``web.init_app``. The web layer never creates either itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from core.plugins import Registry

# Alembic's folder (Flask-Migrate layout). The root points Migrate at it; ``sepakat demo``
# upgrades from it.
MIGRATIONS = str(Path(__file__).with_name("migrations"))

KEY = "sepakat.web"
# Where the pages (web.ui.errors) leave their HTTP error page for the API's app-wide handler
# (web.api.errors), which draws JSON for API paths and hands every other path to it.
PAGE_ERRORS = "sepakat.web.page_errors"


class Sessions(Protocol):
    """A session per app context (Flask-SQLAlchemy's ``db.session``): one per request or CLI
    command, removed when it ends."""

    def __call__(self) -> Session: ...

    def remove(self) -> None: ...


@dataclass(frozen=True)
class WebServices:
    registry: Registry
    sessions: Sessions


def services(app: Flask | None = None) -> WebServices:
    found: WebServices = (app or current_app).extensions[KEY]
    return found


def session() -> Session:
    """The request's (or CLI command's) session, as the plain ``Session`` core expects."""
    return services().sessions()
