"""The inbox: the user's delivered notifications, newest first; opening one marks it read."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
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


# GET too (one rule per path: see web.ui.actions): a button's address opened directly leads to
# the inbox; reading happens on the POST only.
@bp.route(f"/<{ID}:notification_id>/buka", methods=["GET", "POST"])
def open_(notification_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        return redirect(url_for(".index"))
    try:
        row = inbox.mark_read(session(), current_actor().user_id, notification_id)
    except NotFound:
        abort(404)
    if row.report_id is not None:  # about a progress report: its page, not the activity's
        return redirect(url_for("reports.detail", report_id=row.report_id))
    if row.activity_id is None:
        return redirect(url_for(".index"))
    return redirect(url_for("activities.detail", activity_id=row.activity_id))


@bp.route("/baca-semua", methods=["GET", "POST"])
def read_all() -> ResponseReturnValue:
    if request.method == "GET":
        return redirect(url_for(".index"))
    inbox.mark_all_read(session(), current_actor().user_id)
    return redirect(url_for(".index"))
