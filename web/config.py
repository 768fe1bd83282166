"""Configuration from the environment (DESIGN.md: DATABASE_URL, REDIS_URL, SECRET_KEY, SMTP_URL)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


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


def from_environment(instance_path: str) -> dict[str, Any]:
    env = os.environ
    database = env.get("DATABASE_URL") or f"sqlite:///{instance_path}/sepakat.db"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL") or None,
        "SMTP_URL": env.get("SMTP_URL") or None,
        "PUBLIC_URL": env.get("PUBLIC_URL") or "http://127.0.0.1:5000",
        "MAIL_FROM": env.get("MAIL_FROM") or "Sepakat <noreply@sepakat.local>",
        "API_TOKEN_TTL": int(env.get("API_TOKEN_TTL") or 8 * 3600),
    }
