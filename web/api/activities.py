"""``/activities``: create, read, list, edit (``If-Match``), transitions and history.

Views only translate HTTP to the use cases in ``core.services`` and back; scope, roles and
rules are decided there, errors are mapped in ``web.api.errors``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, current_app, g, request, url_for
from flask.views import MethodView
from sqlalchemy.orm import Session
from webargs.flaskparser import abort

from core import services
from core.access import Actor
from core.acting import signed_as, title
from core.models import Activity
from core.schemas import ActivityInputSchema, TransitionInputSchema
from core.services import ListFilters, TransitionResult, clarifications
from core.services.queries import actor_names
from core.services.transitions.load import Loaded
from core.workflow import Workflow
from web import get_registry
from web.api.blueprints import ID, api_blueprint
from web.api.schemas import (
    ActivityPageSchema,
    ActivityPatchSchema,
    ActivityQuerySchema,
    ActivitySchema,
    AnswerInputSchema,
    ClarificationListSchema,
    ClarificationSchema,
    HistorySchema,
    QuestionInputSchema,
    TransitionResultSchema,
)
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Kegiatan", __name__, "/activities", "Kegiatan rencana aksi dan alur persetujuannya."
)


def etag_doc(what: str) -> dict[str, Any]:
    """The ``ETag`` header of a versioned thing (``what``: "kegiatan", "laporan")."""
    return {"ETag": {"description": f'Versi {what}, mis. "3"', "schema": {"type": "string"}}}


def if_match_doc(what: str) -> dict[str, Any]:
    """The ``If-Match`` header an edit of a versioned thing requires."""
    return {
        "parameters": [
            {
                "in": "header",
                "name": "If-Match",
                "required": True,
                "description": f'ETag terakhir {what} (dari GET), mis. "3"',
                "schema": {"type": "string"},
            }
        ]
    }


ETAG_DOC = etag_doc("kegiatan")
IF_MATCH_DOC = if_match_doc("kegiatan")


def present(s: Session, activity: Activity, actor: Actor, actions: list[str] | None) -> dict:
    """The activity as the API shows it; ``actions`` is None in lists (no query per row)."""
    runtime = get_registry(current_app).get(actor.province_code)
    workflow = runtime.workflow_version(s, activity.workflow_version)
    years = [
        {
            "year": y.year,
            "target": y.target,
            "proposed_budget": y.proposed_budget,
            "confirmed_budget": y.confirmed_budget,
        }
        for y in activity.years
    ]
    out = _body(activity, activity, activity.opd.code, years, workflow, actor)
    if actions is not None:
        out["available_actions"] = actions
        out["gate"] = present_gate(services.gate_status(s, workflow, actor, activity))
    return out


def present_loaded(s: Session, loaded: Loaded, actor: Actor, actions: list[str]) -> dict:
    """``present`` of the activity as ``services.activity_and_actions`` read it (one read for
    the body and the actions: issue 17)."""
    runtime = get_registry(current_app).get(actor.province_code)
    workflow = runtime.workflow_version(s, loaded.workflow_version)
    years = [dict(y) for y in loaded.years]
    out = _body(loaded.view, loaded, loaded.view.opd, years, workflow, actor)
    out["available_actions"] = actions
    out["gate"] = present_gate(services.gate_status_of_loaded(s, workflow, actor, loaded))
    return out


def _body(
    shared: Any, row: Any, opd: str, years: list[dict[str, Any]], workflow: Workflow, actor: Actor
) -> dict[str, Any]:
    """The body from what an ORM ``Activity`` and a loaded ``ActivityView`` both carry
    (``shared``) and what an ``Activity`` and a transition's ``Loaded`` both carry (``row``)."""
    return {
        "id": shared.id,
        "plan_id": shared.plan_id,
        "registration_number": row.registration_number,
        "opd": opd,
        "province": actor.province_code,  # scope guarantees the caller's own province
        "title": shared.title,
        "description": row.description,
        "pillar": shared.pillar,
        "years": years,
        "details": shared.details or {},
        "state": shared.state,
        "state_label": workflow.label(shared.state),
        "workflow_version": row.workflow_version,
        "revision_round": shared.revision_round,
        "version": row.version,
        "decree_number": row.decree_number,
        "decree_date": row.decree_date,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def present_gate(gate: services.GateStatus | None) -> dict[str, Any] | None:
    """The gate's parties, each decision with who and when, and the caller's decisions."""
    if gate is None:
        return None
    parties = []
    for p in gate.parties:
        d = gate.decisions.get(p.key)
        parties.append(
            {
                "key": p.key,
                "label": p.label,
                "opd": p.opd_code,
                "role": p.role,
                "status": d.decision if d else "pending",
                "decided_by": d.user_name if d else None,
                "decided_at": d.at if d else None,
                "note": d.note if d else None,
            }
        )
    return {
        "state": gate.state,
        "label": gate.gate.label,
        "rule": gate.gate.rule,
        "rule_text": gate.gate.rule_text(),
        "needed": gate.needed,
        "concurred": gate.concurred,
        "objected": gate.objected,
        "on_objection": gate.gate.on_objection,
        "parties": parties,
        "available_decisions": gate.available,
    }


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def read(activity_id: int) -> tuple[dict[str, Any], dict[str, str]]:
    """The activity with the caller's available actions, and its ``ETag``."""
    s, actor = session(), current_actor()
    loaded, actions = services.activity_and_actions(
        s, get_registry(current_app), actor, activity_id
    )
    return present_loaded(s, loaded, actor, actions), etag(loaded.version)


def unless_unchanged(body: dict[str, Any], headers: dict[str, str]) -> Any:
    """A 304 without the body when ``If-None-Match`` names the version read, else the body:
    saves it on slow district connections when a client polls."""
    if request.if_none_match.contains(str(body["version"])):
        return Response(status=304, headers=headers)
    return body, headers


def warnings_of(result: TransitionResult) -> list[dict[str, Any]]:
    return [{"code": w.code, "field": w.field, "message": w.message} for w in result.warnings]


def if_match_version(what: str = "kegiatan") -> int:
    """The version named by ``If-Match``: 428 without one, 412 when it names none."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        abort(428, message=f"Header If-Match wajib diisi dengan ETag terakhir {what}.")
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 10:
        abort(412, message=f"If-Match tidak cocok dengan versi {what} mana pun.")
    g.if_match_version = int(value)
    return int(value)


@bp.route("")
class ActivitiesView(MethodView):
    @bp.arguments(ActivityQuerySchema, location="query")
    @bp.response(200, ActivityPageSchema)
    @bp.errors(401, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Kegiatan yang boleh dilihat pemanggil, terbaru dulu, dengan kursor halaman."""
        s, actor = session(), current_actor()
        filters = ListFilters(
            **{k: query.get(k) for k in ("state", "year", "pillar", "opd", "q", "plan_id")}
        )
        rows: Sequence[Activity]
        rows, cursor = services.list_activities(
            s, actor, filters, query["limit"], query.get("cursor"), query["sort"]
        )
        body: dict[str, Any] = {
            "items": [present(s, a, actor, None) for a in rows],
            "next_cursor": cursor,
        }
        if query["totals"]:  # opt-in: two aggregate queries over the whole filtered list
            totals = services.list_totals(s, actor, filters)
            body["totals"] = {
                "count": totals.count,
                "proposed": totals.proposed,
                "confirmed": totals.confirmed,
            }
        return body

    @bp.arguments(ActivityInputSchema)
    @bp.response(201, ActivitySchema, headers=ETAG_DOC)
    @bp.errors(401, 403, 422)
    def post(self, payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """Buat draf kegiatan untuk OPD pemanggil."""
        activity = services.create_activity(
            session(), get_registry(current_app), current_actor(), payload
        )
        body, headers = read(activity.id)
        headers["Location"] = url_for(".ActivityView", activity_id=activity.id)
        return body, headers


@bp.route(f"/<{ID}:activity_id>")
class ActivityView(MethodView):
    @bp.response(200, ActivitySchema, headers=ETAG_DOC)
    @bp.errors(401, 404)
    @bp.alt_response(304, description="Belum berubah sejak ETag yang dikirim")
    def get(self, activity_id: int) -> Any:
        """Satu kegiatan, dengan aksi yang tersedia bagi pemanggil dan ETag versinya
        (``If-None-Match`` dengan ETag itu: 304 tanpa isi bila belum berubah)."""
        return unless_unchanged(*read(activity_id))

    @bp.doc(**IF_MATCH_DOC)
    @bp.arguments(ActivityPatchSchema)
    @bp.response(200, ActivitySchema, headers=ETAG_DOC)
    @bp.errors(401, 403, 404, 409, 412, 422, 428)
    def patch(self, changes: dict[str, Any], activity_id: int) -> Any:
        """Ubah kegiatan berstatus draf atau dikembalikan (wajib If-Match)."""
        version = if_match_version()
        services.update_activity(
            session(), get_registry(current_app), current_actor(), activity_id, version, changes
        )
        return read(activity_id)

    @bp.doc(**IF_MATCH_DOC)
    @bp.response(204)
    @bp.errors(401, 403, 404, 409, 412, 428)
    def delete(self, activity_id: int) -> Any:
        """Hapus draf yang belum pernah diajukan (wajib If-Match). Kegiatan ditandai dihapus,
        jejak auditnya tetap; sesudahnya kegiatan tidak ditemukan (404). 409 bila pernah
        diajukan atau bukan draf."""
        version = if_match_version()
        services.discard_draft(
            session(), get_registry(current_app), current_actor(), activity_id, version
        )
        return Response(status=204)


@bp.route(f"/<{ID}:activity_id>/transitions")
class TransitionsView(MethodView):
    @bp.arguments(TransitionInputSchema)
    @bp.response(200, TransitionResultSchema, headers=ETAG_DOC)
    @bp.errors(401, 403, 404, 409, 422)
    def post(self, payload: dict[str, Any], activity_id: int) -> Any:
        """Jalankan satu aksi alur (ajukan, setujui, kembalikan, ...) pada versi yang dikirim.
        Pada persetujuan bersama (``gate``), pihak memberi keputusannya dengan aksi gerbang
        (mis. ``setujui_mitra`` atau ``keberatan_mitra`` dengan ``comment``); versi boleh
        versi saat gerbang dibuka atau sesudah keputusan pihak lain. 409 bila pihak sudah
        memutuskan atau gerbang telah selesai, 403 bila pemanggil bukan pihak."""
        result = services.transition(
            session(),
            get_registry(current_app),
            current_actor(),
            activity_id,
            payload["action"],
            payload["version"],
            payload,
        )
        body, headers = read(activity_id)
        body["warnings"] = warnings_of(result)
        if result.signoff_id is not None:  # a signing move is sealed (core.services.seals)
            body["signoff_id"], body["verification_code"] = result.signoff_id, result.signoff_code
        return body, headers


@bp.route(f"/<{ID}:activity_id>/history")
class HistoryView(MethodView):
    @bp.response(200, HistorySchema)
    @bp.errors(401, 404)
    def get(self, activity_id: int) -> dict[str, Any]:
        """Jejak audit kegiatan, terlama dulu."""
        s = session()
        entries = services.activity_history(s, current_actor(), activity_id)
        names = actor_names(s, entries)
        return {"items": [history_item(e, names) for e in entries]}


def history_item(entry: Any, names: dict[int, str]) -> dict[str, Any]:
    """One audit entry as a history lists it (an activity's or a progress report's)."""
    return {
        "seq": entry.seq,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "actor": entry.actor,
        "role": entry.role,
        "comment": entry.comment,
        "at": entry.at,
        **acted_as(entry, names.get(entry.actor_id or 0, entry.actor)),
    }


def acted_as(entry: Any, name: str) -> dict[str, Any]:
    """Who acted, as history shows them: "Plt. Kepala Dinas Sosial — <name>" for an acting
    official (the entry's hashed ``acting`` payload), else their name."""
    mark = (entry.payload or {}).get("acting")
    if not isinstance(mark, dict):
        return {"acting": None, "actor_title": name}
    return {"acting": {**mark, "title": title(mark)}, "actor_title": signed_as(mark, name)}


def present_clarification(s: Session, item: Any) -> dict[str, Any]:
    from core.models import User

    names = {
        u.id: u.full_name
        for u in s.query(User).filter(
            User.id.in_([i for i in (item.asked_by_id, item.answered_by_id) if i is not None])
        )
    }
    return {
        "id": item.id,
        "question": item.question,
        "asked_by": names.get(item.asked_by_id),
        "asked_at": item.asked_at,
        "answer": item.answer,
        "answered_by": names.get(item.answered_by_id) if item.answered_by_id else None,
        "answered_at": item.answered_at,
    }


@bp.route(f"/<{ID}:activity_id>/clarifications")
class ClarificationsView(MethodView):
    @bp.response(200, ClarificationListSchema)
    @bp.errors(401, 404)
    def get(self, activity_id: int) -> dict[str, Any]:
        """Pertanyaan klarifikasi kegiatan dan jawabannya, terlama dulu."""
        s = session()
        items = clarifications.thread(s, current_actor(), activity_id)
        return {"items": [present_clarification(s, i) for i in items]}

    @bp.arguments(QuestionInputSchema)
    @bp.response(201, ClarificationSchema)
    @bp.errors(401, 403, 404, 422)
    def post(self, payload: dict[str, Any], activity_id: int) -> dict[str, Any]:
        """Ajukan pertanyaan klarifikasi tanpa memindahkan kegiatan (OPD pengusul menjawab)."""
        s = session()
        item = clarifications.ask(
            s, get_registry(current_app), current_actor(), activity_id, payload["question"]
        )
        return present_clarification(s, item)


@bp.route(f"/<{ID}:activity_id>/clarifications/<{ID}:clarification_id>/answer")
class AnswerView(MethodView):
    @bp.arguments(AnswerInputSchema)
    @bp.response(200, ClarificationSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def post(self, payload: dict[str, Any], activity_id: int, clarification_id: int) -> Any:
        """Jawaban OPD pengusul atas satu pertanyaan klarifikasi (409 bila sudah dijawab)."""
        s = session()
        item = clarifications.answer(
            s,
            get_registry(current_app),
            current_actor(),
            activity_id,
            clarification_id,
            payload["answer"],
        )
        return present_clarification(s, item)
