"""The application factory: everything composed here, and only here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.sansio.scaffold import find_package

import web
import workers
from core.database import postgres_planner_costs, sqlite_foreign_keys
from core.notifications.language import Catalogues
from core.notifications.pending import publish_on_commit
from core.plugins import Registry, load_registry
from core.settings import check_secret_key
from sepakat.database import db, migrate
from web.config import from_environment
from web.extensions import WebServices
from workers.publish import publish_committed

# Outbox rows a use case noted are handed on when its transaction commits. ``db.session`` is one
# factory for every app of the process, so the subscriber is installed once; the publisher
# works through the app whose context commits (the session is scoped to that context).
publish_on_commit(db.session, publish_committed)


def instance_path() -> str:
    """The instance folder (SQLite database, secret key, beat schedule): the one Flask derived
    when the app was created in ``web``, so installations keep theirs."""
    prefix, package_path = find_package(__name__)
    if prefix is None:  # a source checkout or an editable install
        return os.path.join(package_path, "instance")
    return os.path.join(prefix, "var", "web-instance")


def create_app(config: Mapping[str, Any] | None = None, registry: Registry | None = None) -> Flask:
    app = Flask("sepakat", instance_path=instance_path(), instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    # ``config`` (a test's or an embedder's) wins, and defaults derived from it follow it.
    app.config.from_mapping(from_environment(app.instance_path, config))
    check_secret_key(app.config)  # before anything could sign a token with a forgeable key

    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        engine = db.engine
    sqlite_foreign_keys(engine)
    postgres_planner_costs(engine, app.config["DATABASE_RANDOM_PAGE_COST"])
    registry = registry or load_registry()

    web.init_app(app, WebServices(registry=registry, sessions=db.session))
    # The pages' search path (web.ui.i18n set it): notices speak the reader's language too.
    catalogues = Catalogues.from_path(app.config.get("BABEL_TRANSLATION_DIRECTORIES"))
    workers.init_app(
        app,
        workers.WorkerServices(
            registry=registry, sessions=db.session, engine=engine, catalogues=catalogues
        ),
    )
    return app
