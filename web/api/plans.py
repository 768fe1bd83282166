"""``/plans``: the RAD documents of the caller's province and the governor's batch sign-off."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from sqlalchemy import select

from core.errors import DomainError, NotFound, RuleFailed
from core.models import Plan
from core.schemas import SignoffInputSchema
from core.services import batch_signoff, seals
from web import get_registry
from web.api.blueprints import ID, api_blueprint
from web.api.errors import handle_domain_error
from web.api.schemas import PlanSchema, SignoffResultSchema
from web.api.signoffs import PDF_DOC, pdf_response
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Rencana aksi", __name__, "/plans", "Rencana aksi daerah (RAD) dan penetapannya."
)


def present_plan(plan: Plan, province: str) -> dict[str, Any]:
    return {
        "id": plan.id,
        "province": province,
        "code": plan.code,
        "title": plan.title,
        "decree_number": plan.decree_number,
        "decree_date": plan.decree_date,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
    }


def _visible_plan(plan_id: int) -> Plan:
    plan = session().get(Plan, plan_id)
    if plan is None or plan.province_id != current_actor().province_id:
        raise NotFound("Rencana aksi tidak ditemukan.")
    return plan


def _item(activity_id: int, result: Any, error: DomainError | None) -> dict[str, Any]:
    if error is None:
        return {
            "activity_id": activity_id,
            "ok": True,
            "status": 200,
            "state": result.to_state,
            "version": result.version,
            "rules": [],
        }
    body, status = handle_domain_error(error)
    rules = body.get("rules", []) if isinstance(error, RuleFailed) else []
    return {
        "activity_id": activity_id,
        "ok": False,
        "status": status,
        "message": error.message,
        "rules": rules,
    }


@bp.route("")
class PlansView(MethodView):
    @bp.response(200, PlanSchema(many=True))
    @bp.errors(401)
    def get(self) -> list[dict[str, Any]]:
        """Rencana aksi provinsi pemanggil."""
        actor = current_actor()
        plans = (
            session()
            .execute(select(Plan).where(Plan.province_id == actor.province_id).order_by(Plan.id))
            .scalars()
        )
        return [present_plan(p, actor.province_code) for p in plans]


@bp.route(f"/<{ID}:plan_id>")
class PlanView(MethodView):
    @bp.response(200, PlanSchema)
    @bp.errors(401, 404)
    def get(self, plan_id: int) -> dict[str, Any]:
        """Satu rencana aksi."""
        return present_plan(_visible_plan(plan_id), current_actor().province_code)


@bp.route(f"/<{ID}:plan_id>/signoff")
class SignoffView(MethodView):
    @bp.arguments(SignoffInputSchema)
    @bp.response(200, SignoffResultSchema)
    @bp.errors(401, 403, 404, 422)
    def post(self, data: dict[str, Any], plan_id: int) -> dict[str, Any]:
        """Tetapkan banyak kegiatan sekaligus dengan satu nomor keputusan; tiap kegiatan dalam
        transaksinya sendiri, sehingga satu kegagalan tidak membatalkan yang lain."""
        # 404 for another province's plan, 403 for a role that never signs (core.policy): both
        # decided by core.services.batch_signoff before any item.
        items = batch_signoff(
            session(),
            get_registry(current_app),
            current_actor(),
            plan_id,
            data["activity_ids"],
            data["decree_number"],
            data.get("decree_date"),
        )
        results = [_item(i.activity_id, i.result, i.error) for i in items]
        signed = sum(1 for r in results if r["ok"])
        return {
            "decree_number": data["decree_number"].strip(),
            "decree_date": items.decree_date,
            "signoff_id": items.signoff.id if items.signoff else None,
            "verification_code": items.signoff.code if items.signoff else None,
            "signed": signed,
            "failed": len(results) - signed,
            "items": results,
        }


@bp.route(f"/<{ID}:plan_id>/lampiran.pdf")
class PlanLampiranView(MethodView):
    @bp.doc(**PDF_DOC)
    @bp.errors(401, 404)
    def get(self, plan_id: int) -> Response:
        """Lampiran keputusan rencana aksi (PDF): setiap penetapan tersegel yang dapat dilihat
        pemanggil, masing-masing dengan nomor, tanggal, sidik dan kode verifikasinya."""
        plan = _visible_plan(plan_id)
        records = seals.visible_of_plan(session(), current_actor(), plan.id)
        if not records:
            raise NotFound("Belum ada kegiatan yang ditetapkan dalam rencana aksi ini.")
        return pdf_response(plan, records, f"lampiran-{plan.code}.pdf")
