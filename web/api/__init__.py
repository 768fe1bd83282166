"""REST API v1 (flask-smorest): the public contract of docs/architecture.md ("The REST contract").

Each area is a module with one blueprint (``auth``, ``activities``, ``provinces``, ``plans``,
``documents``, ``signoffs``, ``attachments``, ``opds``, ``notifications``, ``admin_users``,
``admin_opds``, ``admin_log``, ``calendar``, ``acting``, ``reports``, ``monitoring``, ``health``).
``blueprints`` attaches bearer authentication (``tokens``) and the error mapping (``errors``) to
every one of them; ``throttle`` answers the sign-in throttle (``web.throttle``) with a 429;
``schemas`` (and ``report_schemas`` for the progress reports) holds the response and query
schemas (payloads are core's); ``formschema`` turns the activity form into JSON Schema; ``docs``
serves Swagger UI from local assets; ``server`` is the gunicorn behind ``sepakat serve``. Outbox
rows are published by the commit itself (``core.notifications.pending``), never from here.
"""

from __future__ import annotations

from flask import Flask

from web.api import (
    acting,
    activities,
    admin_log,
    admin_opds,
    admin_users,
    attachments,
    auth,
    calendar,
    docs,
    documents,
    health,
    monitoring,
    notifications,
    opds,
    plans,
    provinces,
    reports,
    signoffs,
)
from web.api.blueprints import BEARER
from web.api.errors import SepakatApi, install

BLUEPRINTS = (
    auth.bp,
    auth.me_bp,
    provinces.bp,
    plans.bp,
    documents.bp,
    signoffs.bp,
    opds.bp,
    admin_opds.bp,
    admin_log.bp,
    activities.bp,
    reports.bp,
    attachments.bp,
    notifications.bp,
    admin_users.bp,
    calendar.bp,
    acting.bp,
    monitoring.bp,
    health.bp,
)

SPEC = {
    "info": {
        "description": "API Sepakat: penyusunan dan persetujuan rencana aksi daerah lintas OPD. "
        "Semua alamat memerlukan header `Authorization: Bearer <token>` dari `POST "
        "/api/v1/auth/token`, kecuali yang ditandai tanpa keamanan.",
    },
    "security": [{BEARER: []}],
    "components": {
        "securitySchemes": {BEARER: {"type": "http", "scheme": "bearer"}},
    },
}


def init_app(app: Flask) -> None:
    """Register the API blueprints, the spec at ``/api/v1/openapi.json`` and ``/api/docs``."""
    for key, value in {
        "API_TITLE": "Sepakat API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": SPEC,
    }.items():
        app.config.setdefault(key, value)
    install(app)
    api = SepakatApi(app)
    for bp in BLUEPRINTS:
        api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
    app.extensions["sepakat_api"] = api
