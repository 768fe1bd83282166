"""The sign-in throttle at ``POST /auth/token``: ``web.throttle``'s counts (shared with the
login page), answered the API's way: 429 with ``Retry-After`` and a JSON message."""

from __future__ import annotations

from webargs.flaskparser import abort

from web import throttle


def check(username: str) -> None:
    """429 while this account or this address is held (before the password is hashed)."""
    wait = throttle.wait_for(username)
    if wait:
        minutes = throttle.minutes(wait)
        abort(
            429,
            message=f"Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit.",
            headers={"Retry-After": str(wait)},
        )


def failed(username: str) -> None:
    throttle.failed(username, via="api")


def succeeded(username: str) -> None:
    throttle.succeeded(username)
