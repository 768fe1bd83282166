"""Server-rendered pages in Bahasa Indonesia (issue 5), on the same ``core.services`` as the API.

Each area is a blueprint in its own module; this package only wires them, the session and CSRF
protection, the translations and the template filters onto the app.
"""

from __future__ import annotations

from flask import Flask

from web.ui import (
    account,
    acting,
    actions,
    activities,
    admin_log,
    admin_opds,
    approvals,
    attachments,
    auth,
    ceilings,
    clarifications,
    dashboard,
    diagram,
    documents,
    errors,
    formatting,
    i18n,
    layout,
    matrix,
    monitoring,
    notifications,
    planning_calendar,
    queue,
    reports,
    security,
    signoff,
    users,
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
    reports.bp,
    matrix.bp,
    monitoring.bp,
    ceilings.bp,
    planning_calendar.bp,
    acting.bp,
    admin_opds.bp,
    admin_log.bp,
    notifications.bp,
    diagram.bp,
    documents.bp,
    documents.public,
    users.bp,
    account.bp,
    account.public,
)


def init_app(app: Flask) -> None:
    """Register the UI blueprints and the extensions they rely on."""
    security.init_app(app)
    errors.install(app)
    auth.init_app(app)
    i18n.init_app(app)
    formatting.init_app(app)
    layout.init_app(app)
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
