"""The Flask configuration: ``core.settings``'s table, plus the Flask-SQLAlchemy wiring."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from core.settings import instance_secret, load, normalise_database_url


def from_environment(
    instance_path: str, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every setting from the environment (defaults from the table); ``overrides`` win, and
    defaults derived from another setting (e-mail attempts from ``REDIS_URL``) follow them."""
    # Connections dropped by PostgreSQL (restart, idle timeout) are replaced, not handed out.
    config: dict[str, Any] = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    config.update(load(os.environ, instance_path, overrides))
    return config


__all__ = ["from_environment", "instance_secret", "normalise_database_url"]
