"""``/reports``: progress reports on signed activities (issue 14): file, read, list, edit
(``If-Match``), transitions and history; and ``/activities/{id}/reports``, what an activity owes.

The same conventions as ``/activities`` (``web.api.activities``): views only translate HTTP to
``core.services.reports`` and back, the ``ETag`` is the report's version, a stale ``If-Match``
is 412 and a stale transition ``version`` 409. Evidence is uploaded through
``/reports/{id}/attachments`` (``web.api.attachments``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import current_app, url_for
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.access import Actor
from core.deadlines import Window, report_windows
from core.models import Activity, ProgressReport
from core.plugins import ProvinceRuntime
from core.schemas import REPORT_FIELDS, ReportInputSchema
from core.services import report_periods, reports
from core.services.queries import actor_names
from web import get_registry
from web.api.activities import (
    etag,
    etag_doc,
    history_item,
    if_match_doc,
    if_match_version,
    unless_unchanged,
    warnings_of,
)
from web.api.blueprints import ID, api_blueprint
from web.api.report_schemas import (
    OwedReportsSchema,
    ReportHistorySchema,
    ReportPageSchema,
    ReportPatchSchema,
    ReportQuerySchema,
    ReportSchema,
    ReportTransitionInputSchema,
    ReportTransitionResultSchema,
)
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Laporan kemajuan",
    __name__,
    "",
    "Laporan realisasi kegiatan yang telah ditetapkan, per periode, dan alur persetujuannya.",
)

ETAG_DOC = etag_doc("laporan")
IF_MATCH_DOC = if_match_doc("laporan")
# Entries of a report's chain that are not moves of its workflow.
ENTRY_LABELS = {
    "create": "Dibuat",
    "edit": "Diubah",
    "attachment_added": "Lampiran ditambahkan",
    "attachment_removed": "Lampiran dihapus",
}


def _percent(part: float | int | None, whole: float | int | None) -> float | None:
    """``part`` of ``whole`` in percent, to two decimals; None without both (or a zero whole)."""
    if part is None or not whole:
        return None
    return round(part * 100 / whole, 2)


def present(
    s: Session,
    runtime: ProvinceRuntime,
    report: ProgressReport,
    activity: Activity,
    actions: list[str] | None,
    moved: Mapping[tuple[int, str], Window],
) -> dict[str, Any]:
    """The report as the API shows it; ``actions`` is None in lists (no query per row);
    ``moved``: the due dates the planning calendar moved (``core.deadlines.report_windows``)."""
    workflow = runtime.workflow_version(s, report.workflow_version)
    found = report_periods.period(runtime, activity.plan.code, report.year, report.period)
    if found is not None:
        found = report_periods.effective(found, report.year, moved)
    confirmed = next((y.confirmed_budget for y in activity.years if y.year == report.year), None)
    out: dict[str, Any] = {
        "id": report.id,
        "activity_id": activity.id,
        "activity": {
            "id": activity.id,
            "title": activity.title,
            "registration_number": activity.registration_number,
            "opd": activity.opd.code,
            "pillar": activity.pillar,
        },
        "plan_id": report.plan_id,
        "year": report.year,
        "period": report.period,
        "period_label": found.label if found is not None else report.period,
        "due_on": found.due_on if found is not None else None,
        "state": report.state,
        "state_label": workflow.label(report.state),
        "workflow_version": report.workflow_version,
        "revision_round": report.revision_round,
        "version": report.version,
        "fields": {k: getattr(report, k) for k in REPORT_FIELDS},
        "budget_confirmed": confirmed,
        "budget_percent": _percent(report.budget_realised, confirmed),
        "output_percent": _percent(report.output_realised, report.output_target),
        "created_at": report.created_at,
        "updated_at": report.updated_at,
    }
    if actions is not None:
        out["available_actions"] = actions
    return out


def _activities(s: Session, ids: set[int]) -> dict[int, Activity]:
    """The reports' activities with their years and plan, in two round trips for a page."""
    rows = s.execute(
        select(Activity)
        .where(Activity.id.in_(ids))
        .options(selectinload(Activity.years), selectinload(Activity.plan))
    ).scalars()
    return {a.id: a for a in rows}


def _runtime(actor: Actor) -> ProvinceRuntime:
    return get_registry(current_app).get(actor.province_code)


def read(report_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The report with the caller's available actions, and its ``ETag``."""
    s, actor = session(), current_actor()
    report = reports.get_report(s, actor, report_id)
    actions = reports.report_actions(s, get_registry(current_app), actor, report_id)
    activity = _activities(s, {report.activity_id})[report.activity_id]
    moved = report_windows(s, report.province_id, [report.year])
    return present(s, _runtime(actor), report, activity, actions, moved), etag(report.version)


@bp.route("/reports")
class ReportsView(MethodView):
    @bp.arguments(ReportQuerySchema, location="query")
    @bp.response(200, ReportPageSchema)
    @bp.errors(401, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Laporan yang tampil bagi pemanggil (OPD-nya, atau seluruh provinsi bagi peran
        tingkat provinsi), terbaru dulu; halaman berikutnya dengan ``before_id``."""
        s, actor = session(), current_actor()
        limit = query.pop("limit")
        before_id = query.pop("before_id", None)
        rows: Sequence[ProgressReport] = reports.list_reports(
            s, actor, reports.ReportFilter(**query), limit=limit + 1, before_id=before_id
        )
        more = len(rows) > limit
        rows = rows[:limit]
        runtime = _runtime(actor)
        activities = _activities(s, {r.activity_id for r in rows})
        moved = report_windows(s, actor.province_id, {r.year for r in rows})
        return {
            "items": [present(s, runtime, r, activities[r.activity_id], None, moved) for r in rows],
            "next_before_id": rows[-1].id if more else None,
        }

    @bp.arguments(ReportInputSchema)
    @bp.response(201, ReportSchema, headers=ETAG_DOC)
    @bp.errors(401, 403, 404, 409, 422)
    def post(self, payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Buat draf laporan satu periode untuk kegiatan OPD pemanggil yang telah ditetapkan
        (409 bila belum ditetapkan atau periode itu sudah dilaporkan)."""
        report = reports.create_report(
            session(), get_registry(current_app), current_actor(), payload
        )
        body, headers = read(report.id)
        headers["Location"] = url_for(".ReportView", report_id=report.id)
        return body, headers


@bp.route(f"/reports/<{ID}:report_id>")
class ReportView(MethodView):
    @bp.response(200, ReportSchema, headers=ETAG_DOC)
    @bp.errors(401, 404)
    @bp.alt_response(304, description="Belum berubah sejak ETag yang dikirim")
    def get(self, report_id: int) -> Any:
        """Satu laporan, dengan aksi yang tersedia bagi pemanggil dan ETag versinya
        (``If-None-Match`` dengan ETag itu: 304 tanpa isi bila belum berubah)."""
        return unless_unchanged(*read(report_id))

    @bp.doc(**IF_MATCH_DOC)
    @bp.arguments(ReportPatchSchema)
    @bp.response(200, ReportSchema, headers=ETAG_DOC)
    @bp.errors(401, 403, 404, 409, 412, 422, 428)
    def patch(self, changes: dict[str, Any], report_id: int) -> Any:
        """Ubah isian laporan berstatus draf atau dikembalikan (wajib If-Match)."""
        version = if_match_version("laporan")
        reports.update_report(
            session(), get_registry(current_app), current_actor(), report_id, version, changes
        )
        return read(report_id)


@bp.route(f"/reports/<{ID}:report_id>/transitions")
class ReportTransitionsView(MethodView):
    @bp.arguments(ReportTransitionInputSchema)
    @bp.response(200, ReportTransitionResultSchema, headers=ETAG_DOC)
    @bp.errors(401, 403, 404, 409, 422)
    def post(self, payload: dict[str, Any], report_id: int) -> Any:
        """Jalankan satu aksi alur laporan (ajukan, setujui, verifikasi, kembalikan, ...) pada
        versi yang dikirim; kode status sama dengan transisi kegiatan."""
        result = reports.transition_report(
            session(),
            get_registry(current_app),
            current_actor(),
            report_id,
            payload["action"],
            payload["version"],
            payload,
        )
        body, headers = read(report_id)
        body["warnings"] = warnings_of(result)
        return body, headers


@bp.route(f"/reports/<{ID}:report_id>/history")
class ReportHistoryView(MethodView):
    @bp.response(200, ReportHistorySchema)
    @bp.errors(401, 404)
    def get(self, report_id: int) -> dict[str, Any]:
        """Jejak audit laporan (rantainya sendiri), terlama dulu."""
        s, actor = session(), current_actor()
        entries = reports.report_history(s, actor, report_id)
        report = reports.get_report(s, actor, report_id)
        workflow = _runtime(actor).workflow_version(s, report.workflow_version)
        names = actor_names(s, entries)
        return {
            "items": [
                {
                    **history_item(e, names),
                    "label": ENTRY_LABELS.get(e.action) or workflow.action_label(e.action),
                }
                for e in entries
            ]
        }


@bp.route(f"/activities/<{ID}:activity_id>/reports")
class OwedReportsView(MethodView):
    @bp.response(200, OwedReportsSchema)
    @bp.errors(401, 404)
    def get(self, activity_id: int) -> dict[str, Any]:
        """Laporan yang terutang oleh kegiatan yang telah ditetapkan: setiap periode setiap
        tahunnya, batas waktunya, dan laporan yang diajukan untuknya (null bila belum)."""
        s, actor = session(), current_actor()
        activity, owed = reports.owed_reports(s, get_registry(current_app), actor, activity_id)
        runtime = _runtime(actor)
        items = []
        for o in owed:
            filed = None
            if o.report is not None:
                workflow = runtime.workflow_version(s, o.report.workflow_version)
                filed = {
                    "id": o.report.id,
                    "state": o.report.state,
                    "state_label": workflow.label(o.report.state),
                    "version": o.report.version,
                }
            p = o.period
            items.append(
                {
                    "year": o.year,
                    "period": p.code,
                    "period_label": p.label,
                    "starts_on": p.starts_on,
                    "ends_on": p.ends_on,
                    "due_on": p.due_on,
                    "report": filed,
                }
            )
        return {"activity_id": activity.id, "reportable": bool(owed), "items": items}
