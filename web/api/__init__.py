"""REST API v1 (flask-smorest). Owned by the API work (issue 3)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprints on ``app``."""
