"""``/admin/audit``: the province's administrative audit log (who did what, before and after),
and ``/admin/audit/chain``, the health of the activities' hash chains (``sepakat audit
verify`` for the caller's province). For the province admin and the ``viewer`` auditor."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from core.audit import chain_health
from core.policy import ensure_may_read_admin_audit
from core.schemas import MAX_ID, IdSchema, Line, between, length
from core.services import admin_audit
from web.api.blueprints import api_blueprint
from web.api.schemas import Out, QueryInt, UtcDateTime
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Log administrasi",
    __name__,
    "/admin/audit",
    "Log tindakan admin provinsi dan kesehatan rantai jejak audit (admin dan auditor).",
)


class AdminAuditQuerySchema(IdSchema):
    action = Line(validate=length(1, 60), metadata={"example": "pagu.set"})
    target_type = Line(validate=length(1, 40), metadata={"example": "ceiling"})
    target_id = Line(validate=length(1, 80), metadata={"example": "dpppa/2023"})
    before_id = QueryInt(
        validate=between(1, MAX_ID),
        metadata={"description": "Halaman berikutnya: ``next_before_id`` jawaban sebelumnya"},
    )
    limit = QueryInt(load_default=50, validate=between(1, admin_audit.MAX_PAGE))


class AdminAuditEntrySchema(Out):
    id = fields.Integer()
    at = UtcDateTime()
    actor = fields.String()
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    reason = fields.String(allow_none=True)


class AdminAuditPageSchema(Out):
    items = fields.List(fields.Nested(AdminAuditEntrySchema))
    next_before_id = fields.Integer(allow_none=True)


class ChainBreakSchema(Out):
    activity_id = fields.Integer()
    seq = fields.Integer()
    entry_id = fields.Integer()
    reason = fields.String()
    report_id = fields.Integer(
        allow_none=True, metadata={"description": "Rantai laporan kemajuan kegiatan itu (bila)"}
    )


class ChainHealthSchema(Out):
    intact = fields.Boolean()
    entries = fields.Integer(metadata={"description": "Entri audit yang diperiksa"})
    activities = fields.Integer(metadata={"description": "Rantai (kegiatan) yang diperiksa"})
    breaks = fields.List(fields.Nested(ChainBreakSchema))
    more = fields.Integer(metadata={"description": "Kerusakan lain yang tidak dicantumkan"})


@bp.route("")
class AdminAuditView(MethodView):
    @bp.arguments(AdminAuditQuerySchema, location="query")
    @bp.response(200, AdminAuditPageSchema)
    @bp.errors(401, 403, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Entri log administrasi provinsi, terbaru dahulu; saring per ``action`` dan sasaran,
        halaman berikutnya dengan ``before_id``."""
        limit = query.pop("limit")
        items = admin_audit.entries(session(), current_actor(), limit=limit + 1, **query)
        more = len(items) > limit
        items = list(items[:limit])
        return {"items": items, "next_before_id": items[-1].id if more else None}


@bp.route("/chain")
class ChainHealthView(MethodView):
    @bp.response(200, ChainHealthSchema)
    @bp.errors(401, 403)
    def get(self) -> dict[str, Any]:
        """Hasil ``sepakat audit verify`` untuk provinsi pemanggil: jumlah entri dan rantai
        yang diperiksa, setiap kerusakan dengan kegiatan dan nomor urutnya."""
        actor = current_actor()
        ensure_may_read_admin_audit(actor)
        health = chain_health(session(), actor.province_id)
        return {
            "intact": health.intact,
            "entries": health.entries,
            "activities": health.activities,
            "breaks": list(health.breaks),
            "more": health.more,
        }
