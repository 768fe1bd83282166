"""``/monitoring``, ``/monitoring.pdf`` and ``/monitoring.xlsx``: the consolidation of progress
reports per plan, year and period (``core.services.monitoring``) as JSON, and the Pokja's
consolidated report as PDF and Excel with the same filters. A province-wide role reads the
province; an OPD role its own OPDs (``province_wide`` says which)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from marshmallow import fields

from core.documents import monitoring_pdf, monitoring_xlsx
from core.schemas import MonitoringFilterSchema
from core.services.monitoring import Consolidation, Filters, Group, consolidate
from web import get_registry
from web.api.blueprints import api_blueprint
from web.api.documents import XLSX_RESPONSE
from web.api.schemas import Out
from web.api.tokens import current_actor
from web.extensions import session
from web.spreadsheets import xlsx_download

bp = api_blueprint(
    "Pemantauan",
    __name__,
    "",
    "Konsolidasi laporan kemajuan per rencana, tahun dan periode: realisasi anggaran dan "
    "output per pilar, OPD dan kegiatan; laporan per status; kegiatan yang belum melapor.",
)


class MonitoringQuerySchema(MonitoringFilterSchema):
    """Without a filter: the province's first plan and its latest period that has ended in a
    year with signed activities."""


def _percent() -> fields.Float:
    return fields.Float(
        allow_none=True, metadata={"description": "Persen; null bila tidak ada yang diukur"}
    )


class GroupSchema(Out):
    code = fields.String()
    label = fields.String()
    activities = fields.Integer()
    accepted = fields.Integer(metadata={"description": "Kegiatan dengan laporan diterima"})
    confirmed = fields.Integer(metadata={"description": "Anggaran terkonfirmasi tahun itu (Rp)"})
    realised = fields.Integer(metadata={"description": "Realisasi laporan diterima (Rp)"})
    budget_percent = _percent()
    output_percent = _percent()


class ActivityLineSchema(Out):
    activity_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    title = fields.String()
    pillar = fields.String()
    pillar_label = fields.String()
    opd_code = fields.String()
    opd_name = fields.String()
    confirmed = fields.Integer()
    report_id = fields.Integer(allow_none=True)
    state_label = fields.String(allow_none=True)
    state_kind = fields.String(allow_none=True)
    accepted = fields.Boolean()
    realised = fields.Integer()
    output_target = fields.Float(allow_none=True)
    output_realised = fields.Float(allow_none=True)
    output_unit = fields.String()
    budget_percent = _percent()
    output_percent = _percent()


class StatusCountSchema(Out):
    label = fields.String()
    kind = fields.String(allow_none=True)
    count = fields.Integer()


class MissingSchema(Out):
    activity_id = fields.Integer()
    registration_number = fields.String(allow_none=True)
    title = fields.String()
    opd_name = fields.String()
    pillar_label = fields.String()
    report_id = fields.Integer(allow_none=True)
    state_label = fields.String(allow_none=True)
    days_late = fields.Integer()


class PeriodSchema(Out):
    year = fields.Integer()
    code = fields.String()
    label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    due_on = fields.Date(metadata={"description": "Batas laporan (zona provinsi)"})


class SeriesPointSchema(Out):
    year = fields.Integer()
    period = fields.String()
    label = fields.String()
    pillars = fields.List(fields.Nested(GroupSchema))


class ConsolidationSchema(Out):
    province = fields.String()
    plan_id = fields.Integer()
    plan_code = fields.String()
    plan_title = fields.String()
    year = fields.Integer()
    period = fields.Nested(PeriodSchema)
    today = fields.Date(metadata={"description": "Hari ini di zona provinsi"})
    overdue = fields.Boolean(metadata={"description": "Batas laporan periode sudah lewat"})
    province_wide = fields.Boolean(metadata={"description": "false: hanya OPD pemanggil"})
    total = fields.Nested(GroupSchema)
    pillars = fields.List(fields.Nested(GroupSchema))
    opds = fields.List(fields.Nested(GroupSchema))
    activities = fields.List(fields.Nested(ActivityLineSchema))
    statuses = fields.List(fields.Nested(StatusCountSchema))
    unreported = fields.Integer(metadata={"description": "Kegiatan tanpa laporan periode ini"})
    missing = fields.List(fields.Nested(MissingSchema))
    series = fields.List(fields.Nested(SeriesPointSchema))
    periods = fields.List(fields.Nested(PeriodSchema))


def _group(g: Group) -> dict[str, Any]:
    return {**g.__dict__, "budget_percent": g.budget_percent}


def present(found: Consolidation) -> dict[str, Any]:
    """The JSON of a consolidation (the computed shares included)."""
    p = found.period
    return {
        "province": found.province,
        "plan_id": found.plan_id,
        "plan_code": found.plan_code,
        "plan_title": found.plan_title,
        "year": found.year,
        "period": {"year": found.year, **p.__dict__},
        "today": found.today,
        "overdue": found.overdue,
        "province_wide": found.province_wide,
        "total": _group(found.total),
        "pillars": [_group(g) for g in found.pillars],
        "opds": [_group(g) for g in found.opds],
        "activities": [
            {**a.__dict__, "budget_percent": a.budget_percent, "output_percent": a.output_percent}
            for a in found.activities
        ],
        "statuses": [s.__dict__ for s in found.statuses],
        "unreported": found.unreported,
        "missing": [m.__dict__ for m in found.missing],
        "series": [
            {
                "year": s.period.year,
                "period": s.period.code,
                "label": s.period.label,
                "pillars": [_group(g) for g in s.pillars],
            }
            for s in found.series
        ],
        "periods": [r.__dict__ for r in found.periods],
    }


def _consolidation(query: dict[str, Any]) -> Consolidation:
    return consolidate(session(), get_registry(current_app), current_actor(), Filters(**query))


@bp.route("/monitoring")
class MonitoringView(MethodView):
    @bp.arguments(MonitoringQuerySchema, location="query")
    @bp.response(200, ConsolidationSchema)
    @bp.errors(401, 404, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Konsolidasi laporan kemajuan satu periode: realisasi anggaran (laporan diterima
        dibanding anggaran terkonfirmasi tahun itu) dan capaian output per pilar, OPD dan
        kegiatan; laporan per status; kegiatan yang belum melapor setelah batas waktu; deret
        realisasi per pilar per periode."""
        return present(_consolidation(query))


PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "Dokumen PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@bp.route("/monitoring.pdf")
class MonitoringPdfView(MethodView):
    @bp.arguments(MonitoringQuerySchema, location="query")
    @bp.doc(**PDF_RESPONSE)
    @bp.response(200, description="Dokumen PDF")
    @bp.errors(401, 404, 422)
    def get(self, query: dict[str, Any]) -> Response:
        """Laporan konsolidasi (laporan Sekretariat Pokja kepada Gubernur) dalam PDF."""
        found = _consolidation(query)
        name = monitoring_pdf.filename(found, "pdf")
        return Response(
            monitoring_pdf.render_pdf(found),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


@bp.route("/monitoring.xlsx")
class MonitoringXlsxView(MethodView):
    @bp.arguments(MonitoringQuerySchema, location="query")
    @bp.doc(**XLSX_RESPONSE)
    @bp.response(200, description="Buku kerja .xlsx")
    @bp.errors(401, 404, 422)
    def get(self, query: dict[str, Any]) -> Response:
        """Laporan konsolidasi dalam Excel: ringkasan per pilar, per OPD, per kegiatan, dan
        kegiatan yang belum melapor."""
        found = _consolidation(query)
        return xlsx_download(
            lambda out: monitoring_xlsx.write(found, out), monitoring_pdf.filename(found, "xlsx")
        )
