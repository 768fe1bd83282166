"""``/notifications``: the caller's inbox (rows written by the workers) and marking one read."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from core.models import Notification
from core.notifications import inbox
from core.schemas import IdSchema, between
from web.api.blueprints import ID, api_blueprint
from web.api.schemas import MAX_PAGE, NotificationPageSchema, NotificationSchema, QueryInt
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint("Pemberitahuan", __name__, "/notifications", "Kotak masuk pemberitahuan.")


class InboxQuerySchema(IdSchema):
    limit = QueryInt(load_default=50, validate=between(1, MAX_PAGE))
    before = QueryInt(validate=between(1, 2**31 - 1))


def present(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "activity_id": n.activity_id,
        "kind": n.kind,
        "message": n.message,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "needs_action": n.stage is not None and n.done_at is None,
        "done": n.done_at is not None,
        "done_at": n.done_at,
    }


@bp.route("")
class InboxView(MethodView):
    @bp.arguments(InboxQuerySchema, location="query")
    @bp.response(200, NotificationPageSchema)
    @bp.errors(401, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Pemberitahuan untuk pemanggil, terbaru dulu (``before``: id untuk halaman berikutnya)."""
        rows = inbox.inbox(session(), current_actor().user_id, query["limit"], query.get("before"))
        return {"items": [present(n) for n in rows]}


@bp.route(f"/<{ID}:notification_id>/read")
class ReadView(MethodView):
    @bp.response(200, NotificationSchema)
    @bp.errors(401, 404)
    def post(self, notification_id: int) -> dict[str, Any]:
        """Tandai pemberitahuan sudah dibaca (mengulanginya tidak mengubah waktu bacanya)."""
        return present(inbox.mark_read(session(), current_actor().user_id, notification_id))
