"""Every UI blueprint is made here, so none can miss the CSRF check, the error pages or (where
asked) the login requirement (the security headers are app-wide: ``web.headers``). Done once at
import: Flask refuses setup on a blueprint after its first registration, and tests build several
apps."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user

from web.ui import errors, security


def ui_blueprint(
    name: str, import_name: str, url_prefix: str | None = None, *, login: bool = True
) -> Blueprint:
    bp = Blueprint(name, import_name, url_prefix=url_prefix)
    if login:

        @bp.before_request
        def _logged_in() -> ResponseReturnValue | None:
            # Before the CSRF check: an anonymous POST goes to the login page, not a 400.
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            return None

    security.protect(bp)
    errors.attach(bp)
    return bp
