"""The web layer: the REST API (``web.api``) and the pages (``web.ui``), registered on a Flask
app that the composition root (``sepakat.app``) builds and hands over with what they need."""

from __future__ import annotations

from flask import Flask

from core.plugins import Registry
from web.extensions import KEY, WebServices, services


def init_app(app: Flask, given: WebServices) -> None:
    """Register the API and the pages on ``app``, with the registry and sessions they use."""
    app.extensions[KEY] = given
    # Imported here: their modules import this package (``get_registry``).
    from web import api, headers, teardown, throttle, ui

    headers.install(app)  # every response, whichever blueprint (or none) answered
    throttle.install(app)  # one sign-in throttle for the page and the API
    teardown.install(app)  # a database gone mid-request never turns an answer into a 500
    api.init_app(app)
    ui.init_app(app)


def get_registry(app: Flask) -> Registry:
    return services(app).registry
