"""CSRF protection, cookie flags and safe ``next`` targets for the pages (the security headers
are app-wide: ``web.headers``).

CSRF is checked on the UI blueprints only (``WTF_CSRF_CHECK_DEFAULT = False`` plus a
``before_request`` per blueprint): the REST API authenticates with bearer tokens, never with the
session cookie, so a cross-site form cannot ride on it, and an app-wide check would refuse every
API client's POST.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
MAX_NEXT = 2000  # a longer ?next= is no page of ours


def _secure_default(app: Flask) -> bool:
    """Secure cookies whenever the app is served over HTTPS. Over plain HTTP (the local demo) a
    browser would drop a Secure cookie and nobody could log in; ``UI_SECURE_COOKIES`` (set by
    ``SESSION_COOKIE_SECURE`` in the environment, core.settings) overrides the guess either way."""
    if app.debug or app.testing:
        return False
    return str(app.config.get("PUBLIC_URL", "")).startswith("https://")


def init_app(app: Flask) -> None:
    secure = app.config.get("UI_SECURE_COOKIES")
    if secure is None:
        secure = _secure_default(app)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(secure),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(secure),
        WTF_CSRF_CHECK_DEFAULT=False,
        # The token lives as long as the session: a form left open over lunch still submits.
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)


def protect(bp: Blueprint) -> None:
    """Check the CSRF token on every state-changing request to ``bp``."""

    @bp.before_request
    def _check_csrf() -> None:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths, so ``?next=`` cannot send a user to another site, and
    nothing a ``Location`` header cannot carry: a control character (``/%0D%0Ax``) would make
    the redirect itself fail (a 500) or split the header."""
    if not target or len(target) > MAX_NEXT:
        return default
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in target):
        return default
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    return target
