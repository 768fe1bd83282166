"""Server-rendered pages in Bahasa Indonesia (issue 5), on the same ``core.services`` as the API.

Each area is a blueprint in its own module; this package only wires them, the session and CSRF
protection, the translations and the template filters onto the app.
"""

from __future__ import annotations

from flask import Flask

from web.ui import (
    actions,
    activities,
    approvals,
    attachments,
    auth,
    ceilings,
    clarifications,
    dashboard,
    diagram,
    documents,
    formatting,
    i18n,
    layout,
    matrix,
    notifications,
    queue,
    security,
    signoff,
)

BLUEPRINTS = (
    auth.bp,
    i18n.bp,
    dashboard.bp,
    activities.bp,
    actions.bp,
    queue.bp,
    approvals.bp,
    clarifications.bp,
    attachments.bp,
    signoff.bp,
    matrix.bp,
    ceilings.bp,
    notifications.bp,
    diagram.bp,
    documents.bp,
    documents.public,
)


def init_app(app: Flask) -> None:
    """Register the UI blueprints and the extensions they rely on."""
    security.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    formatting.init_app(app)
    layout.init_app(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
