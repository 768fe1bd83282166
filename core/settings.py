"""Every setting of the application in one table: its config key, the environment variable that
sets it (if any), its default and what it means.

``load`` builds the configuration from this table alone; no other module supplies a default.
Settings with a variable are the deployment's (README "Configuration (environment)" lists exactly
these, tested); settings without one are tunables that tests and embedders set through
``create_app(config)``. An empty variable counts as unset, as docker-compose's ``${X:-}`` writes it.
Plain Python, no Flask: the web app, the workers and the CLI all read the same table.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Derived:
    """A default computed when the configuration is loaded, from the values loaded before it
    (table order) and the instance folder."""

    compute: Callable[[Mapping[str, Any], str], Any]


@dataclass(frozen=True)
class Setting:
    key: str  # the configuration key the code reads
    variable: str | None  # the environment variable, None for an internal tunable
    default: Any  # a value, or a ``Derived``
    shown: str  # the default in words, as the README states it
    meaning: str
    parse: Callable[[str], Any] = str


def normalise_database_url(url: str) -> str:
    """Plain ``postgresql://`` URLs (as docker and Heroku write them) use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret(instance_path: str) -> str:
    """A key kept in the instance folder: every worker process of ``sepakat serve`` and every
    restart must sign tokens and sessions with the same key, so a random one per process won't
    do when ``SECRET_KEY`` is not set."""
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key
    except OSError:
        return secrets.token_hex(32)


def flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_file(_: Mapping[str, Any], instance_path: str) -> str:
    return f"sqlite:///{instance_path}/sepakat.db"


def _attempts(loaded: Mapping[str, Any], _: str) -> int:
    # In process (no broker) retries would follow each other at once inside the user's
    # request: one try, and a failure shows as ``failed`` on the notification.
    return 5 if loaded.get("REDIS_URL") else 1


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "SQLALCHEMY_DATABASE_URI",
        "DATABASE_URL",
        Derived(_sqlite_file),
        "SQLite file in the instance folder",
        "e.g. `postgresql://user@host/db`",
        normalise_database_url,
    ),
    Setting(
        "REDIS_URL",
        "REDIS_URL",
        None,
        "none: notifications delivered in process",
        "Celery broker",
    ),
    Setting(
        "SECRET_KEY",
        "SECRET_KEY",
        Derived(lambda _, instance_path: instance_secret(instance_path)),
        "generated once, kept in `instance/secret_key`",
        "signs tokens and sessions",
    ),
    Setting(
        "SMTP_URL",
        "SMTP_URL",
        None,
        "none: no e-mail (inbox only)",
        "`smtp://host:port`, `smtp://user:pass@host:587`, `smtps://…`",
    ),
    Setting(
        "MAIL_FROM",
        "MAIL_FROM",
        "Sepakat <noreply@sepakat.local>",
        "`Sepakat <noreply@sepakat.local>`",
        "sender of the e-mails",
    ),
    Setting(
        "PUBLIC_URL",
        "PUBLIC_URL",
        "http://127.0.0.1:5000",
        "`http://127.0.0.1:5000`",
        "base of the links in e-mails; `https://…` makes cookies Secure",
    ),
    Setting(
        "UI_SECURE_COOKIES",
        "SESSION_COOKIE_SECURE",
        None,
        "guessed: Secure when `PUBLIC_URL` is `https://…` (never in debug or tests)",
        "`1`/`0`: force the Secure flag of the session cookies on or off",
        flag,
    ),
    Setting(
        "API_TOKEN_TTL",
        "API_TOKEN_TTL",
        8 * 3600,  # one working day
        "`28800` (8 hours)",
        "lifetime of an API bearer token, in seconds",
        int,
    ),
    Setting(
        "WEB_CONCURRENCY",
        "WEB_CONCURRENCY",
        2,
        "`2`",
        "gunicorn worker processes of `sepakat serve` (its `--workers` wins)",
        int,
    ),
    Setting(
        "WEB_THREADS",
        "WEB_THREADS",
        8,
        "`8`",
        "threads per worker of `sepakat serve` (its `--threads` wins): a slow client holds one "
        "thread, not the whole worker",
        int,
    ),
    Setting(
        "API_MAX_CONTENT_LENGTH",
        None,
        1024 * 1024,
        "1 MiB",
        "largest API request body (413 beyond); the HTML pages are not capped by it",
        int,
    ),
    Setting(
        "API_LOGIN_MAX_FAILURES",
        None,
        10,
        "10",
        "failed sign-ins per username and address within the window before 429",
        int,
    ),
    Setting(
        "API_LOGIN_WINDOW",
        None,
        15 * 60,
        "900 (15 minutes)",
        "the window of the sign-in throttle, in seconds",
        int,
    ),
    Setting(
        "EMAIL_MAX_ATTEMPTS",
        None,
        Derived(_attempts),
        "5 with a broker, 1 in process",
        "tries of one e-mail before it is `failed`",
        int,
    ),
    Setting(
        "EMAIL_RETRY_BACKOFF",
        None,
        30,
        "30",
        "seconds before the first e-mail retry; doubles per attempt",
        int,
    ),
)

BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def _value(
    setting: Setting, environ: Mapping[str, str], loaded: Mapping[str, Any], path: str
) -> Any:
    raw = environ.get(setting.variable) if setting.variable else None
    if raw:
        try:
            return setting.parse(raw)
        except ValueError:
            raise ValueError(f"{setting.variable}={raw!r} tidak sah: {setting.meaning}") from None
    if isinstance(setting.default, Derived):
        return setting.default.compute(loaded, path)
    return setting.default


def load(
    environ: Mapping[str, str], instance_path: str, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every setting by key: the environment, else the default. ``overrides`` (an embedder's or
    a test's configuration) win over both, and derived defaults see them."""
    loaded: dict[str, Any] = dict(overrides or {})
    for setting in SETTINGS:
        if setting.key not in loaded:
            loaded[setting.key] = _value(setting, environ, loaded, instance_path)
    return loaded


def value(key: str, environ: Mapping[str, str]) -> Any:
    """One setting without an instance folder (e.g. a CLI option's default, read before any app
    exists); only for settings whose default is not derived."""
    setting = BY_KEY[key]
    assert not isinstance(setting.default, Derived), key
    return _value(setting, environ, {}, "")


def environment_table() -> str:
    """The README's "Configuration (environment)" table, rendered from ``SETTINGS``."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{s.variable}` | {s.shown} | {s.meaning} |" for s in SETTINGS if s.variable]
    return "\n".join(rows)


__all__ = [
    "SETTINGS",
    "Derived",
    "Setting",
    "environment_table",
    "instance_secret",
    "load",
    "normalise_database_url",
    "value",
]
