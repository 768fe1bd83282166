"""The inbox: the user's delivered notifications, newest first; opening one marks it read."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select, update

from core.models import Notification, utcnow
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint

bp = ui_blueprint("notifications", __name__, "/notifikasi")

LIMIT = 100


def _own(notification_id: int) -> Notification:
    """Another user's notification is a 404, like any record the user may not see."""
    row = session().get(Notification, notification_id)
    if row is None or row.user_id != current_actor().user_id:
        abort(404)
    return row


@bp.route("/")
def index() -> ResponseReturnValue:
    rows = (
        session()
        .execute(
            select(Notification)
            .where(Notification.user_id == current_actor().user_id)
            .order_by(Notification.id.desc())
            .limit(LIMIT)
        )
        .scalars()
        .all()
    )
    return render_template("ui/notifications.html", items=rows)


@bp.route("/<int:notification_id>/buka", methods=["POST"])
def open_(notification_id: int) -> ResponseReturnValue:
    row = _own(notification_id)
    if row.read_at is None:
        row.read_at = utcnow()
        session().commit()
    if row.activity_id is None:
        return redirect(url_for(".index"))
    return redirect(url_for("activities.detail", activity_id=row.activity_id))


@bp.route("/baca-semua", methods=["POST"])
def read_all() -> ResponseReturnValue:
    session().execute(
        update(Notification)
        .where(Notification.user_id == current_actor().user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    session().commit()
    return redirect(url_for(".index"))
