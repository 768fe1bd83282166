"""How long a page session lives, and ending it on the server.

A session remembers the user's ``session_generation`` when it was opened, when it was opened and
when it was last used. The user loader refuses it when the generation has moved on (logout or a
new password raise it, so a cookie copied before *Keluar* is worth nothing), when it has been
idle longer than ``SESSION_IDLE_TIMEOUT`` or open longer than ``SESSION_LIFETIME``.

A form posted into an ended session is not lost: its fields (not the password, not the CSRF
token) wait in the session, and after logging in again the user gets them back on a page that
sends them on with one click (with a fresh CSRF token). They are kept only when the post
carried this session's CSRF token, so a cross-site post cannot plant a form to be replayed, and
only when small enough for a cookie.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request, session
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy import select

from core.models import User
from web.extensions import session as db_session

GENERATION, STARTED, SEEN, PENDING = (
    "_sepakat_gen",
    "_sepakat_started",
    "_sepakat_seen",
    "_resubmit",
)
LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", GENERATION, STARTED, SEEN)
NOT_KEPT = {"csrf_token", "password"}
MAX_KEPT = 2500  # bytes of JSON: the session cookie must stay under the browsers' 4 KB

# Wall-clock seconds; tests move it instead of sleeping.
clock: Callable[[], float] = time.time


def opened(user: User) -> None:
    """Mark a fresh login on the (just cleared) session."""
    now = clock()
    session[GENERATION] = user.session_generation
    session[STARTED] = now
    session[SEEN] = now


def renewed(user: User) -> None:
    """The user's session generation moved on (a new password chosen in this session): this
    session keeps working with the new value, every other one has ended."""
    session[GENERATION] = user.session_generation


def ended_because(user_id: int) -> str | None:
    """Why this session no longer logs ``user_id`` in (``ended``, ``idle``, ``lifetime``), or
    None while it is alive (and then it counts as used now)."""
    # Only the generation: loading the ``User`` (and its roles) would cost two round trips on
    # every page request, the actor being built without it (``web.actors.actor_only``).
    stmt = select(User.session_generation).where(User.id == user_id)
    generation = db_session().execute(stmt).scalar_one_or_none()
    now = clock()
    started, seen = session.get(STARTED), session.get(SEEN)
    if generation is None or session.get(GENERATION) != generation:
        return "ended"
    if not isinstance(started, int | float) or not isinstance(seen, int | float):
        return "ended"
    if now - seen > int(current_app.config["SESSION_IDLE_TIMEOUT"]):
        return "idle"
    if now - started > int(current_app.config["SESSION_LIFETIME"]):
        return "lifetime"
    session[SEEN] = now
    return None


def forget(reason: str) -> None:
    """Drop the login from the session (language, CSRF token and a kept form stay)."""
    for key in LOGIN_KEYS:
        session.pop(key, None)
    g.session_ended = reason


def keep_posted_form() -> bool:
    """Keep the fields of the form being posted, for after the login; True when kept."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            return False
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in NOT_KEPT]
    if len(json.dumps(fields)) > MAX_KEPT:
        return False
    session[PENDING] = {"path": request.path, "fields": fields}
    return True


def take_kept_form() -> dict[str, Any] | None:
    kept = session.pop(PENDING, None)
    if not isinstance(kept, dict) or not isinstance(kept.get("fields"), list):
        return None
    return kept
