"""``/opds/{code}/ceilings``: an OPD's pagu per year and how much of it is confirmed."""

from __future__ import annotations

import re
from typing import Any

from flask.views import MethodView

from core.errors import NotFound
from core.services import opd_ceilings
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
        if not CODE.fullmatch(code):  # never a code; and NUL cannot even reach PostgreSQL
            raise NotFound("OPD tidak ditemukan.")
        return opd_ceilings(session(), current_actor(), code)
