"""``/provinces``: the loaded province plugins, and for the caller's own province its plans,
workflow, reference lists and form.

The list of provinces (code and name) is visible to every signed-in user, since it only says
which plugins are installed; everything else of another province is a 404, as for any data
the caller may not see.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from core.errors import NotFound
from core.models import Plan, Province
from core.plugins import ProvinceRuntime
from core.services.opds import live_reference
from core.workflow import Workflow
from web import get_registry
from web.api.blueprints import api_blueprint
from web.api.formschema import activity_form
from web.api.plans import present_plan
from web.api.schemas import ProvinceDetailSchema, ProvinceSchema, WorkflowSchema
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint("Provinsi", __name__, "/provinces", "Provinsi, alur, data rujukan, formulir.")


CODE_DOC = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "label": {"type": "string"}},
}
REFERENCE_DOC = {"type": "object", "additionalProperties": {"type": "array", "items": CODE_DOC}}
FORM_DOC = {"type": "object", "description": "JSON Schema (draft 2020-12) formulir kegiatan"}


def own_runtime(code: str) -> ProvinceRuntime:
    """The caller's province's runtime; any other code is 404."""
    registry = get_registry(current_app)
    if code != current_actor().province_code or code not in registry:
        raise NotFound("Provinsi tidak ditemukan.")
    return registry.get(code)


def summary(runtime: ProvinceRuntime) -> dict[str, Any]:
    info = runtime.info
    return {
        "code": info.code,
        "name": info.name,
        "decree_format": info.decree_format,
        "workflow_version": runtime.workflow.version,
    }


def province_plans(code: str) -> list[dict[str, Any]]:
    plans = session().execute(
        select(Plan)
        .join(Province, Province.id == Plan.province_id)
        .where(Province.code == code)
        .order_by(Plan.id)
    )
    return [present_plan(p, code) for p in plans.scalars()]


@bp.route("")
class ProvincesView(MethodView):
    @bp.response(200, ProvinceSchema(many=True))
    @bp.errors(401)
    def get(self) -> list[dict[str, Any]]:
        """Provinsi yang pluginnya terpasang (rencana aksi hanya untuk provinsi pemanggil)."""
        own = current_actor().province_code
        return [
            {**summary(r), "plans": province_plans(own)} if r.code == own else summary(r)
            for r in get_registry(current_app)
        ]


@bp.route("/<string:code>")
class ProvinceView(MethodView):
    @bp.response(200, ProvinceDetailSchema)
    @bp.errors(401, 404)
    def get(self, code: str) -> dict[str, Any]:
        """Provinsi pemanggil: rencana aksinya dan peran-perannya."""
        runtime = own_runtime(code)
        return {
            **summary(runtime),
            "plans": province_plans(code),
            "roles": [
                {"code": r.code, "label": r.label, "scope": r.scope} for r in runtime.roles.values()
            ],
        }


@bp.route("/<string:code>/workflow")
class WorkflowView(MethodView):
    @bp.response(200, WorkflowSchema)
    @bp.errors(401, 404)
    def get(self, code: str) -> dict[str, Any]:
        """Alur persetujuan yang berlaku untuk kegiatan baru."""
        return present_workflow(own_runtime(code).workflow)


@bp.route("/<string:code>/report-workflow")
class ReportWorkflowView(MethodView):
    @bp.response(200, WorkflowSchema)
    @bp.errors(401, 404)
    def get(self, code: str) -> dict[str, Any]:
        """Alur laporan kemajuan (realisasi per periode) yang berlaku untuk laporan baru, dalam
        bentuk yang sama dengan alur kegiatan."""
        return present_workflow(own_runtime(code).report_workflow)


def present_workflow(workflow: Workflow) -> dict[str, Any]:
    """A workflow definition (the activities' or the progress reports'), as ``WorkflowSchema``
    dumps it."""
    return {
        "version": workflow.version,
        "states": workflow.states,
        "transitions": workflow.transitions,
    }


@bp.route("/<string:code>/reference")
class ReferenceView(MethodView):
    # Lists are the province's own (any name), so the body is a free mapping, not a schema.
    @bp.alt_response(200, schema=REFERENCE_DOC, success=True, description="Daftar rujukan")
    @bp.errors(401, 404)
    def get(self, code: str) -> dict[str, Any]:
        """Daftar rujukan: OPD, pilar, lokasi, sumber dana, ..."""
        runtime = own_runtime(code)
        # The OPDs as the province admin keeps them (the active ones, current names).
        return live_reference(session(), runtime, current_actor().province_id).as_dict()


@bp.route("/<string:code>/form")
class FormView(MethodView):
    @bp.alt_response(200, schema=FORM_DOC, success=True, description="JSON Schema")
    @bp.errors(401, 404)
    def get(self, code: str) -> dict[str, Any]:
        """JSON Schema formulir kegiatan: kolom inti dan kolom plugin provinsi."""
        runtime = own_runtime(code)
        title = f"Kegiatan RAD P3AKS — {runtime.info.name}"
        reference = live_reference(session(), runtime, current_actor().province_id)
        return activity_form(runtime.details_schema, reference, title)
