"""``/admin/acting``: the province admin's acting officials (Plt./Plh.): list, record, read,
end early (``core.services.acting``; only the ``admin`` role of the same province: 403 for
other roles, 404 for another province's appointment)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from core.policy import ensure_may_administer
from core.schemas import Choice, IdSchema
from core.services import acting
from core.types import Code
from web import get_registry
from web.api.blueprints import ID, api_blueprint
from web.api.schemas import Out, UtcDateTime
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Pelaksana tugas",
    __name__,
    "/admin/acting",
    "Penunjukan pejabat Plt./Plh. (hanya admin provinsi).",
)

STATUSES = (
    Code("current", "Sedang berlaku"),
    Code("upcoming", "Akan berlaku"),
    Code("past", "Sudah berakhir"),
)


class ActingQuerySchema(IdSchema):
    status = Choice(STATUSES, load_default=None)


class ActingSchema(Out):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    role = fields.String()
    role_label = fields.String()
    opd = fields.String(allow_none=True)
    opd_name = fields.String(allow_none=True)
    kind = fields.String(metadata={"description": "plt atau plh"})
    title = fields.String(metadata={"description": "mis. Plt. Kepala Dinas Sosial"})
    start_date = fields.Date()
    end_date = fields.Date(metadata={"description": "Hari terakhir (ikut dihitung)"})
    decree_number = fields.String(metadata={"description": "Nomor surat perintah"})
    created_by = fields.String()
    created_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)
    status = fields.String(metadata={"description": "current, upcoming atau past"})


class ActingListSchema(Out):
    items = fields.List(fields.Nested(ActingSchema))


class AppointableRoleSchema(Out):
    code = fields.String()
    label = fields.String()
    scope = fields.String()


@bp.route("")
class ActingListView(MethodView):
    @bp.arguments(ActingQuerySchema, location="query")
    @bp.response(200, ActingListSchema)
    @bp.errors(401, 403, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Penunjukan Plt./Plh. di provinsi pemanggil (``status``: current, upcoming, past)."""
        rows = acting.appointments(
            session(), get_registry(current_app), current_actor(), status=query.get("status")
        )
        return {"items": [asdict(v) for v in rows]}

    @bp.arguments(acting.ActingInputSchema)
    @bp.response(201, ActingSchema)
    @bp.errors(401, 403, 422)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Tunjuk pengguna sebagai Plt./Plh. suatu jabatan (peran, dan OPD untuk peran OPD)
        dari ``start_date`` sampai ``end_date`` (keduanya ikut, menurut zona waktu provinsi).
        Penunjukan yang bertumpang tindih untuk jabatan yang sama ditolak."""
        made = acting.appoint(session(), get_registry(current_app), current_actor(), body)
        return asdict(made)


@bp.route("/roles")
class AppointableRolesView(MethodView):
    @bp.response(200, AppointableRoleSchema(many=True))
    @bp.errors(401, 403)
    def get(self) -> list[dict[str, Any]]:
        """Peran yang dapat dijabat pelaksana tugas di provinsi pemanggil."""
        actor = current_actor()
        ensure_may_administer(actor)
        runtime = get_registry(current_app).get(actor.province_code)
        return [
            {"code": r.code, "label": r.label, "scope": r.scope}
            for r in acting.appointable_roles(runtime)
        ]


@bp.route(f"/<{ID}:appointment_id>")
class ActingView(MethodView):
    @bp.response(200, ActingSchema)
    @bp.errors(401, 403, 404)
    def get(self, appointment_id: int) -> dict[str, Any]:
        """Satu penunjukan (404 untuk provinsi lain)."""
        found = acting.appointment(
            session(), get_registry(current_app), current_actor(), appointment_id
        )
        return asdict(found)


@bp.route(f"/<{ID}:appointment_id>/end")
class ActingEndView(MethodView):
    @bp.arguments(acting.EndInputSchema)
    @bp.response(200, ActingSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], appointment_id: int) -> dict[str, Any]:
        """Akhiri penunjukan lebih awal, sekarang juga (409 bila sudah berakhir). Penunjukan
        tidak pernah dihapus."""
        ended = acting.end_early(
            session(),
            get_registry(current_app),
            current_actor(),
            appointment_id,
            reason=body.get("reason"),
        )
        return asdict(ended)
