"""``/admin/calendar``: the planning calendar of the caller's province, per plan year. The
province admin sets a window; the admin or Bappeda (the role of the move that books budget)
extends one. The rules and the audit are ``core.services.planning_calendar``'s."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from core.deadlines import LABELS, Window
from core.schemas import CalendarExtensionInputSchema, CalendarWindowInputSchema
from core.services import planning_calendar as calendar
from core.workflow import Workflow
from web import get_registry
from web.api.blueprints import api_blueprint
from web.api.schemas import Out
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Kalender perencanaan",
    __name__,
    "/admin/calendar",
    "Jadwal pengajuan usulan OPD, verifikasi Bappeda dan penetapan per tahun rencana.",
)

YEAR = "int(min=2000, max=2100)"
KIND = "<string:kind>"  # submission, verification or signoff (another: 404)


class CalendarWindowSchema(Out):
    year = fields.Integer()
    kind = fields.String(metadata={"description": "submission, verification atau signoff"})
    label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "Hari terakhir (termasuk), zona provinsi"})
    original_ends_on = fields.Date(
        allow_none=True, metadata={"description": "Hari terakhir semula, bila diperpanjang"}
    )


class CalendarYearSchema(Out):
    year = fields.Integer()
    windows = fields.List(fields.Nested(CalendarWindowSchema))


def _workflow() -> Workflow:
    return get_registry(current_app).get(current_actor().province_code).workflow


def _out(window: Window) -> dict[str, Any]:
    return {
        "year": window.year,
        "kind": str(window.kind),
        "label": LABELS[window.kind],
        "starts_on": window.starts_on,
        "ends_on": window.ends_on,
        "original_ends_on": window.original_ends_on,
    }


def _year(item: calendar.YearCalendar) -> dict[str, Any]:
    return {"year": item.year, "windows": [_out(w) for w in item.windows.values()]}


@bp.route("")
class CalendarView(MethodView):
    @bp.response(200, CalendarYearSchema(many=True))
    @bp.errors(401, 403)
    def get(self) -> list[dict[str, Any]]:
        """Setiap tahun rencana provinsi pemanggil dengan jadwal yang sudah ditetapkan (admin
        provinsi dan Bappeda). Tahun tanpa jadwal tidak dibatasi."""
        return [_year(y) for y in calendar.calendar_of(session(), current_actor(), _workflow())]


@bp.route(f"/<{YEAR}:year>")
class YearView(MethodView):
    @bp.response(200, CalendarYearSchema)
    @bp.errors(401, 403, 404)
    def get(self, year: int) -> dict[str, Any]:
        """Jadwal satu tahun rencana (404 untuk tahun di luar rencana aksi provinsi)."""
        return _year(calendar.year_calendar(session(), current_actor(), _workflow(), year))


@bp.route(f"/<{YEAR}:year>/{KIND}")
class WindowView(MethodView):
    @bp.arguments(CalendarWindowInputSchema)
    @bp.response(200, CalendarWindowSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def put(self, body: dict[str, Any], year: int, kind: str) -> dict[str, Any]:
        """Tetapkan satu jadwal (hanya admin provinsi): hari pertama dan terakhir, keduanya
        termasuk, di zona waktu provinsi. Dicatat di log administrasi (``calendar.set``)."""
        window = calendar.set_window(
            session(), current_actor(), year, kind, body["starts_on"], body["ends_on"]
        )
        return _out(window)


@bp.route(f"/<{YEAR}:year>/{KIND}/extensions")
class ExtensionView(MethodView):
    @bp.arguments(CalendarExtensionInputSchema)
    @bp.response(200, CalendarWindowSchema)
    @bp.errors(401, 403, 404, 422)
    def post(self, body: dict[str, Any], year: int, kind: str) -> dict[str, Any]:
        """Perpanjang jadwal (admin provinsi atau Bappeda): hari terakhir baru, sesudah yang
        sekarang, dan alasannya. Dicatat di log administrasi (``calendar.extend``)."""
        window = calendar.extend_window(
            session(), current_actor(), _workflow(), year, kind, body["ends_on"], body["reason"]
        )
        return _out(window)
