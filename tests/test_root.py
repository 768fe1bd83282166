"""The composition root hands web and workers the same registry and sessions, and keeps the
instance folder that installations already have."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

import web
import workers
from core.plugins import Registry
from sepakat.app import create_app, instance_path
from sepakat.database import db
from tests.helpers import SECRET_KEY


def test_the_instance_folder_is_the_one_the_app_had_in_web() -> None:
    assert instance_path() == Flask("web", instance_relative_config=True).instance_path


def test_web_and_workers_get_the_same_registry_and_sessions(
    registry: Registry, tmp_path: Path
) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/root.db", "SECRET_KEY": SECRET_KEY},
        registry=registry,
    )
    given = workers.services(app)
    assert web.get_registry(app) is given.registry is registry
    assert web.extensions.services(app).sessions is given.sessions is db.session
    with app.app_context():
        assert given.engine is db.engine
    assert app.extensions["celery"].conf.task_always_eager  # no REDIS_URL: in process
    given.engine.dispose()
