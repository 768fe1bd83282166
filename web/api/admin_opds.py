"""``/admin/opds``: the province admin's OPDs (create, rename, SIPD unit code, deactivate and
reactivate; never delete). The rules and the audit entries are ``core.services.opds``'s."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import fields

from core.models import Opd
from core.services.opds import (
    OpdChangeSchema,
    OpdCreateSchema,
    change_opd,
    create_opd,
    get_opd,
    list_opds,
)
from web.api.blueprints import api_blueprint
from web.api.opds import path_code
from web.api.schemas import Out, UtcDateTime
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Admin OPD",
    __name__,
    "/admin/opds",
    "Pengelolaan OPD oleh admin provinsi: buat, ubah nama, kode unit SIPD, nonaktifkan.",
)


class AdminOpdSchema(Out):
    code = fields.String()
    name = fields.String()
    sipd_code = fields.String(allow_none=True, metadata={"description": "Kode unit SIPD"})
    active = fields.Boolean()
    updated_at = UtcDateTime(allow_none=True)


@bp.route("")
class OpdsView(MethodView):
    @bp.response(200, AdminOpdSchema(many=True))
    @bp.errors(401, 403)
    def get(self) -> list[Opd]:
        """Semua OPD provinsi, aktif maupun tidak."""
        return list_opds(session(), current_actor())

    @bp.arguments(OpdCreateSchema)
    @bp.response(201, AdminOpdSchema)
    @bp.errors(401, 403, 409, 422)
    def post(self, body: dict[str, Any]) -> Opd:
        """Buat OPD baru (aktif)."""
        return create_opd(session(), current_actor(), body)


@bp.route("/<string:code>")
class OpdView(MethodView):
    @bp.response(200, AdminOpdSchema)
    @bp.errors(401, 403, 404)
    def get(self, code: str) -> Opd:
        """Satu OPD provinsi."""
        return get_opd(session(), current_actor(), path_code(code))

    @bp.arguments(OpdChangeSchema)
    @bp.response(200, AdminOpdSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def patch(self, body: dict[str, Any], code: str) -> Opd:
        """Ubah nama, kode unit SIPD, atau status aktif (``active``: false menonaktifkan;
        riwayat OPD tetap terbaca). ``reason`` opsional dicatat di log administrasi."""
        return change_opd(session(), current_actor(), path_code(code), body)
