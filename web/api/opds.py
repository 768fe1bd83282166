"""``/opds/{code}/ceilings``: an OPD's pagu per year and how much of it is confirmed; the
province admin sets a year's pagu with ``PUT /opds/{code}/ceilings/{year}``."""

from __future__ import annotations

import re
from typing import Any

from flask.views import MethodView

from core.errors import NotFound
from core.schemas import CeilingInputSchema
from core.services import opd_ceilings, set_ceilings
from web.api.blueprints import api_blueprint
from web.api.schemas import CeilingSchema
from web.api.tokens import current_actor
from web.extensions import session

CODE = re.compile(r"[A-Za-z0-9_.\-]{1,40}")

bp = api_blueprint("OPD", __name__, "/opds", "Organisasi Perangkat Daerah dan pagunya.")


@bp.route("/<string:code>/ceilings")
class CeilingsView(MethodView):
    @bp.response(200, CeilingSchema(many=True))
    @bp.errors(401, 404)
    def get(self, code: str) -> list[dict[str, Any]]:
        """Pagu OPD per tahun: pagu, terkonfirmasi, sisa (OPD yang boleh dilihat pemanggil)."""
        return opd_ceilings(session(), current_actor(), _code(code))


@bp.route("/<string:code>/ceilings/<int:year>")
class CeilingView(MethodView):
    @bp.arguments(CeilingInputSchema)
    @bp.response(200, CeilingSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def put(self, body: dict[str, Any], code: str, year: int) -> dict[str, Any]:
        """Tetapkan pagu OPD untuk satu tahun (hanya admin provinsi). Pagu boleh dinaikkan atau
        diturunkan, tetapi tidak di bawah anggaran yang sudah dikonfirmasi Bappeda."""
        return set_ceilings(session(), current_actor(), _code(code), {year: body["amount"]})[0]


def _code(code: str) -> str:
    if not CODE.fullmatch(code):  # never a code; and NUL cannot even reach PostgreSQL
        raise NotFound("OPD tidak ditemukan.")
    return code
