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


# Keys published somewhere (docker-compose.yml's old default, examples people copy): anyone can
# sign a token or a session cookie with them, so they are refused like a short one.
KNOWN_SECRET_KEYS = frozenset(
    {
        "ganti-kunci-ini-sebelum-dipakai-sungguhan",
        "change-me",
        "changeme",
        "secret",
        "secret-key",
        "dev",
        "test",
    }
)
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_CHARACTERS = 8  # distinct characters: "aaaa…" or "abab…" is no secret
HOW_TO_SET_KEY = (
    "Buat kunci acak, mis. `openssl rand -hex 32` atau "
    "`python -c 'import secrets; print(secrets.token_hex(32))'`, dan pasang sebagai SECRET_KEY; "
    "atau jangan pasang SECRET_KEY sama sekali agar Sepakat membuat kunci acak sendiri di "
    "instance/secret_key (hanya untuk satu mesin)."
)


class UnsafeSecretKey(ValueError):
    """``SECRET_KEY`` is known, short or trivial: the app refuses to start with it."""


def secret_key_problem(key: object) -> str | None:
    """Why ``key`` would let anyone forge tokens and sessions, or None when it is fine."""
    if not isinstance(key, str | bytes) or not key:
        return "SECRET_KEY kosong"
    text = key.decode(errors="replace") if isinstance(key, bytes) else key
    if text.strip().lower() in KNOWN_SECRET_KEYS:
        return "SECRET_KEY adalah kunci contoh yang sudah diketahui umum"
    if len(text) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY terlalu pendek ({len(text)} karakter; minimal {MIN_SECRET_KEY_LENGTH})"
    if len(set(text)) < MIN_SECRET_KEY_CHARACTERS:
        return "SECRET_KEY terlalu sederhana (hampir semua karakternya sama)"
    return None


def check_secret_key(config: Mapping[str, Any]) -> None:
    """Refuse a known, short or trivial key, unless the configuration allows it (``sepakat
    demo`` on one machine, tests that pass their own key)."""
    if config.get("TESTING") or config.get("ALLOW_WEAK_SECRET_KEY"):
        return
    problem = secret_key_problem(config.get("SECRET_KEY"))
    if problem:
        raise UnsafeSecretKey(
            f"{problem}: dengan kunci itu siapa pun dapat memalsukan token dan sesi. "
            + HOW_TO_SET_KEY
        )


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
        "DATABASE_RANDOM_PAGE_COST",
        "DATABASE_RANDOM_PAGE_COST",
        1.1,
        "`1.1` (solid-state storage)",
        "PostgreSQL's `random_page_cost` on Sepakat's connections; `0` keeps the server's own",
        float,
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
        "signs tokens and sessions; a known, short (< 32 characters) or trivial key is refused "
        "at start (outside `sepakat demo`)",
    ),
    Setting(
        "ALLOW_WEAK_SECRET_KEY",
        None,
        False,
        "off",
        "start even with a known or short `SECRET_KEY` (set by `sepakat demo` only)",
        flag,
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
        "SESSION_IDLE_TIMEOUT",
        "SESSION_IDLE_TIMEOUT",
        30 * 60,
        "`1800` (30 minutes)",
        "a page session unused this many seconds ends (the form being typed is kept)",
        int,
    ),
    Setting(
        "SESSION_LIFETIME",
        "SESSION_LIFETIME",
        12 * 3600,
        "`43200` (12 hours)",
        "a page session ends this many seconds after login, however busy",
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
        "IMPORT_MAX_BYTES",
        "IMPORT_MAX_BYTES",
        5 * 1024 * 1024,
        "`5242880` (5 MiB)",
        "largest matrix spreadsheet an import accepts (413 beyond, on the API and the page)",
        int,
    ),
    Setting(
        "IMPORT_MAX_UNCOMPRESSED",
        "IMPORT_MAX_UNCOMPRESSED",
        50 * 1024 * 1024,
        "`52428800` (50 MiB)",
        "largest total unpacked size of an imported .xlsx (zip bombs are refused before parsing)",
        int,
    ),
    Setting(
        "IMPORT_MAX_ROWS",
        "IMPORT_MAX_ROWS",
        2000,
        "`2000`",
        "most activity rows one imported spreadsheet may hold",
        int,
    ),
    Setting(
        "API_LOGIN_MAX_FAILURES",
        None,
        5,
        "5",
        "failed sign-ins on one account (page or API, any address) before its backoff starts",
        int,
    ),
    Setting(
        "API_LOGIN_BACKOFF_MAX",
        None,
        5 * 60,
        "300 (5 minutes)",
        "longest hold of an account: 2 s after the last free failure, doubling up to this",
        int,
    ),
    Setting(
        "API_LOGIN_ADDRESS_MAX_FAILURES",
        None,
        30,
        "30",
        "failed sign-ins from one address within the window before it is refused (429)",
        int,
    ),
    Setting(
        "API_LOGIN_WINDOW",
        None,
        15 * 60,
        "900 (15 minutes)",
        "the sign-in throttle's window: an address's count, and an account's after its last "
        "failure, in seconds",
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
        "ATTACHMENTS_DIR",
        "ATTACHMENTS_DIR",
        Derived(lambda _, instance_path: f"{instance_path}/attachments"),
        "`attachments/` in the instance folder",
        "folder of the attachment files (TOR/KAK, RAB, photos, SK scans), named by their SHA-256",
    ),
    Setting(
        "ATTACHMENT_MAX_BYTES",
        "ATTACHMENT_MAX_BYTES",
        10 * 1024 * 1024,
        "`10485760` (10 MiB)",
        "largest attachment accepted, in bytes (413 beyond)",
        int,
    ),
    Setting(
        "ATTACHMENT_MAX_COUNT",
        None,
        20,
        "20",
        "attachments per activity or sign-off",
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
    Setting(
        "PASSWORD_RESET_TTL",
        "PASSWORD_RESET_TTL",
        60,
        "`60` (1 hour)",
        "minutes a password-reset link (sent by e-mail, used once) stays valid",
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
    "UnsafeSecretKey",
    "check_secret_key",
    "environment_table",
    "instance_secret",
    "load",
    "normalise_database_url",
    "secret_key_problem",
    "value",
]
