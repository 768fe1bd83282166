"""Server-rendered pages in Bahasa Indonesia. Owned by the web UI work (issue 5)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the UI blueprints on ``app``."""
