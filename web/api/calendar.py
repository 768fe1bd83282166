"""``/admin/calendar``: the planning calendar of the caller's province, per plan year. The
province admin sets a window; the admin or Bappeda (the role of the move that books budget)
extends one. Each reporting period of a year adds a kind, ``report_<code>`` (``report_S1``):
its last day moves that year's due date of the period's progress reports (the province's
``reporting_periods`` hook gives it otherwise; ``report_periods`` lists both). The rules and the
audit are ``core.services.planning_calendar``'s."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from core.deadlines import Window, report_kind
from core.plugins import ProvinceRuntime
from core.schemas import CalendarExtensionInputSchema, CalendarWindowInputSchema
from core.services import planning_calendar as calendar
from core.services.report_periods import year_periods
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
KIND = "<string:kind>"  # submission, verification, signoff or report_<period> (another: 404)


class CalendarWindowSchema(Out):
    year = fields.Integer()
    kind = fields.String(
        metadata={
            "description": "submission, verification, signoff, atau report_<kode periode> "
            "(batas laporan kemajuan periode itu, mis. report_S1)"
        }
    )
    label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "Hari terakhir (termasuk), zona provinsi"})
    original_ends_on = fields.Date(
        allow_none=True, metadata={"description": "Hari terakhir semula, bila diperpanjang"}
    )


class ReportPeriodDueSchema(Out):
    code = fields.String(metadata={"description": "Kode periode dari provinsi, mis. S1"})
    label = fields.String()
    kind = fields.String(metadata={"description": "Jenis jadwal yang memindahkan batasnya"})
    starts_on = fields.Date(metadata={"description": "Awal periode yang dilaporkan"})
    ends_on = fields.Date(metadata={"description": "Akhir periode yang dilaporkan"})
    default_due_on = fields.Date(metadata={"description": "Batas menurut ketentuan provinsi"})
    due_on = fields.Date(metadata={"description": "Batas yang berlaku (jadwal bila ditetapkan)"})


class CalendarYearSchema(Out):
    year = fields.Integer()
    windows = fields.List(fields.Nested(CalendarWindowSchema))
    report_periods = fields.List(fields.Nested(ReportPeriodDueSchema))


def _runtime() -> ProvinceRuntime:
    return get_registry(current_app).get(current_actor().province_code)


def _out(window: Window, item: calendar.YearCalendar | None = None) -> dict[str, Any]:
    periods = item.periods if item is not None else year_periods(_runtime(), window.year)
    return {
        "year": window.year,
        "kind": str(window.kind),
        "label": calendar.label(window, periods),
        "starts_on": window.starts_on,
        "ends_on": window.ends_on,
        "original_ends_on": window.original_ends_on,
    }


def _year(item: calendar.YearCalendar) -> dict[str, Any]:
    return {
        "year": item.year,
        "windows": [_out(w, item) for w in item.windows.values()],
        "report_periods": [
            {
                "code": p.code,
                "label": p.label,
                "kind": report_kind(p.code),
                "starts_on": p.starts_on,
                "ends_on": p.ends_on,
                "default_due_on": p.due_on,
                "due_on": item.due_on(p),
            }
            for p in item.periods
        ],
    }


@bp.route("")
class CalendarView(MethodView):
    @bp.response(200, CalendarYearSchema(many=True))
    @bp.errors(401, 403)
    def get(self) -> list[dict[str, Any]]:
        """Setiap tahun rencana provinsi pemanggil dengan jadwal yang sudah ditetapkan (admin
        provinsi dan Bappeda). Tahun tanpa jadwal tidak dibatasi."""
        rt = _runtime()
        return [_year(y) for y in calendar.calendar_of(session(), current_actor(), rt.workflow, rt)]


@bp.route(f"/<{YEAR}:year>")
class YearView(MethodView):
    @bp.response(200, CalendarYearSchema)
    @bp.errors(401, 403, 404)
    def get(self, year: int) -> dict[str, Any]:
        """Jadwal satu tahun rencana (404 untuk tahun di luar rencana aksi provinsi)."""
        rt = _runtime()
        return _year(calendar.year_calendar(session(), current_actor(), rt.workflow, year, rt))


@bp.route(f"/<{YEAR}:year>/{KIND}")
class WindowView(MethodView):
    @bp.arguments(CalendarWindowInputSchema)
    @bp.response(200, CalendarWindowSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def put(self, body: dict[str, Any], year: int, kind: str) -> dict[str, Any]:
        """Tetapkan satu jadwal (hanya admin provinsi): hari pertama dan terakhir, keduanya
        termasuk, di zona waktu provinsi. Dicatat di log administrasi (``calendar.set``)."""
        window = calendar.set_window(
            session(), current_actor(), year, kind, body["starts_on"], body["ends_on"], _runtime()
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
        rt = _runtime()
        window = calendar.extend_window(
            session(), current_actor(), rt.workflow, year, kind, body["ends_on"], body["reason"], rt
        )
        return _out(window)
