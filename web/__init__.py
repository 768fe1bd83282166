"""The Flask application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from core.database import sqlite_foreign_keys
from core.plugins import Registry, load_registry
from web.config import from_environment
from web.extensions import db, migrate


def create_app(config: Mapping[str, Any] | None = None, registry: Registry | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        sqlite_foreign_keys(db.engine)
    app.extensions["sepakat"] = registry or load_registry()

    # Each area registers itself; see its package for what it adds.
    import workers
    from web import api, ui

    api.init_app(app)
    ui.init_app(app)
    workers.init_app(app)
    return app


def get_registry(app: Flask) -> Registry:
    return app.extensions["sepakat"]
