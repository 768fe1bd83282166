"""``/opds/{code}/ceilings``: an OPD's pagu per year and how much of it is confirmed; the
province admin sets a year's pagu with ``PUT /opds/{code}/ceilings/{year}``."""

from __future__ import annotations

import re
from typing import Any

from flask.views import MethodView

from core.errors import NotFound
from core.schemas import CeilingInputSchema, IdSchema, between
from core.services import opd_ceilings, set_ceilings
from core.services.ceilings import pagu_history
from web.api.blueprints import api_blueprint
from web.api.schemas import CeilingSchema, PaguChangeSchema, QueryInt
from web.api.tokens import current_actor
from web.extensions import session

CODE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


class PaguHistoryQuerySchema(IdSchema):
    year = QueryInt(validate=between(2000, 2100))


bp = api_blueprint("OPD", __name__, "/opds", "Organisasi Perangkat Daerah dan pagunya.")


@bp.route("/<string:code>/ceilings")
class CeilingsView(MethodView):
    @bp.response(200, CeilingSchema(many=True))
    @bp.errors(401, 404)
    def get(self, code: str) -> list[dict[str, Any]]:
        """Pagu OPD per tahun: pagu, terkonfirmasi, sisa (OPD yang boleh dilihat pemanggil)."""
        return opd_ceilings(session(), current_actor(), path_code(code))


@bp.route("/<string:code>/ceilings/<int:year>")
class CeilingView(MethodView):
    @bp.arguments(CeilingInputSchema)
    @bp.response(200, CeilingSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def put(self, body: dict[str, Any], code: str, year: int) -> dict[str, Any]:
        """Tetapkan pagu OPD untuk satu tahun (hanya admin provinsi). Pagu boleh dinaikkan atau
        diturunkan, tetapi tidak di bawah anggaran yang sudah dikonfirmasi Bappeda."""
        actor, amounts = current_actor(), {year: body["amount"]}
        return set_ceilings(session(), actor, path_code(code), amounts, body.get("reason"))[0]


@bp.route("/<string:code>/ceilings/history")
class CeilingHistoryView(MethodView):
    @bp.arguments(PaguHistoryQuerySchema, location="query")
    @bp.response(200, PaguChangeSchema(many=True))
    @bp.errors(401, 403, 404, 422)
    def get(self, query: dict[str, Any], code: str) -> list[Any]:
        """Riwayat perubahan pagu OPD (terbaru dahulu): siapa, kapan, sebelum, sesudah, alasan.
        Untuk admin provinsi dan auditor."""
        return pagu_history(session(), current_actor(), path_code(code), query.get("year"))


def path_code(code: str) -> str:
    if not CODE.fullmatch(code):  # never a code; and NUL cannot even reach PostgreSQL
        raise NotFound("OPD tidak ditemukan.")
    return code
