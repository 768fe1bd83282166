"""The inbox: the user's delivered notifications, newest first; opening one marks it read."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from core.errors import NotFound
from core.notifications import inbox
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID

bp = ui_blueprint("notifications", __name__, "/notifikasi")

LIMIT = 100


@bp.route("/")
def index() -> ResponseReturnValue:
    rows = inbox.inbox(session(), current_actor().user_id, LIMIT)
    return render_template("ui/notifications.html", items=rows)


@bp.get(f"/<{ID}:notification_id>/buka")
@bp.get("/baca-semua")
def back_to_inbox(notification_id: int | None = None) -> ResponseReturnValue:
    """A button's address opened directly: the inbox (reading happens on the POST only)."""
    return redirect(url_for(".index"))


@bp.route(f"/<{ID}:notification_id>/buka", methods=["POST"])
def open_(notification_id: int) -> ResponseReturnValue:
    try:
        row = inbox.mark_read(session(), current_actor().user_id, notification_id)
    except NotFound:
        abort(404)
    if row.activity_id is None:
        return redirect(url_for(".index"))
    return redirect(url_for("activities.detail", activity_id=row.activity_id))


@bp.route("/baca-semua", methods=["POST"])
def read_all() -> ResponseReturnValue:
    inbox.mark_all_read(session(), current_actor().user_id)
    return redirect(url_for(".index"))
