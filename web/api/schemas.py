"""Marshmallow schemas of the API's own requests and responses.

Activity and transition payloads are core's (``core.schemas``) so no rule is written twice;
the schemas here describe what the API answers, and its query strings. Input schemas build on
``IdSchema`` and core's fields so every message a client reads is Indonesian.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from marshmallow import fields

from core.messages import N_
from core.schemas import (
    ActivityInputSchema,
    ActivityListSchema,
    IdSchema,
    Line,
    QueryInt,
    Str,
    between,
    length,
)
from core.timezones import as_utc
from core.workflow import StateKind

MAX_PAGE = 200  # core.services.queries.MAX_LIMIT: refused above it rather than clamped silently


class UtcDateTime(fields.DateTime):
    """Times are stored in UTC (core.models); clients get them in UTC with an explicit ``Z``."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        stamp: dt.datetime = as_utc(value)
        return stamp.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


class Out(ma.Schema):
    """Base of response schemas (documentation and dumping only)."""


# --- auth -----------------------------------------------------------------------------------


class TokenRequestSchema(IdSchema):
    username = Line(required=True, validate=length(1, 80))
    # Bounded so nobody can make the server hash a megabyte (Argon2 is deliberately slow).
    password = Str(required=True, load_only=True, validate=length(1, 256))


class TokenSchema(Out):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Masa berlaku (detik)"})


class GrantSchema(Out):
    role = fields.String()
    opd = fields.String(allow_none=True)


class MeSchema(Out):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    roles = fields.List(fields.String())
    grants = fields.List(fields.Nested(GrantSchema))
    opd = fields.String(allow_none=True)
    province = fields.String()
    language = fields.String(
        metadata={
            "description": "bahasa notifikasi dan e-mail pengguna: id / en (dipilih di halaman)"
        }
    )


# --- activities -----------------------------------------------------------------------------


class ActivityPatchSchema(ActivityInputSchema):
    """An edit: any subset of the creation fields (``details`` merges key by key, a null
    removes a key; ``years`` replaces the whole table)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


class YearOutSchema(Out):
    year = fields.Integer()
    target = fields.String()
    proposed_budget = fields.Integer()
    confirmed_budget = fields.Integer(allow_none=True)


class RuleSchema(Out):
    code = fields.String(metadata={"description": "Kode aturan yang stabil"})
    field = fields.String()
    message = fields.String()


class ErrorSchema(Out):
    """Every error answer (flask-smorest's shape; ``rules`` only on a 422)."""

    code = fields.Integer(metadata={"description": "Status HTTP"})
    status = fields.String(metadata={"description": "Nama status HTTP"})
    message = fields.String(metadata={"description": "Penjelasan dalam Bahasa Indonesia"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Pesan per kolom (jalur kolom → daftar pesan)"},
    )
    rules = fields.List(fields.Nested(RuleSchema), metadata={"description": "Aturan yang gagal"})


class GatePartySchema(Out):
    key = fields.String(metadata={"description": "Pihak: 'opd:<kode>' atau 'user:<id>'"})
    label = fields.String(metadata={"description": "Nama OPD mitra atau nama anggota"})
    opd = fields.String(allow_none=True)
    role = fields.String()
    status = fields.String(
        metadata={"description": "pending (Menunggu), concur (Setuju) atau object (Keberatan)"}
    )
    decided_by = fields.String(allow_none=True, metadata={"description": "Nama yang memutuskan"})
    decided_at = UtcDateTime(allow_none=True)
    note = fields.String(allow_none=True)


class GateSchema(Out):
    """The gate the activity waits at: several parties decide in parallel."""

    state = fields.String()
    label = fields.String(metadata={"description": "Para pihak, mis. 'Kepala OPD mitra'"})
    rule = fields.String(metadata={"description": "all (semua setuju) atau quorum"})
    rule_text = fields.String()
    needed = fields.Integer(metadata={"description": "Persetujuan yang diperlukan"})
    concurred = fields.Integer()
    objected = fields.Integer()
    on_objection = fields.String(metadata={"description": "send_back atau record"})
    parties = fields.List(fields.Nested(GatePartySchema))
    available_decisions = fields.List(
        fields.String(), metadata={"description": "Keputusan yang dapat diberikan pemanggil"}
    )


class ActivitySchema(Out):
    id = fields.Integer()
    plan_id = fields.Integer()
    registration_number = fields.String(
        allow_none=True, metadata={"description": "Nomor registrasi, mis. LPG-2023-0042"}
    )
    opd = fields.String()
    province = fields.String()
    title = fields.String()
    description = fields.String()
    pillar = fields.String()
    years = fields.List(fields.Nested(YearOutSchema))
    details = fields.Dict()
    state = fields.String()
    state_label = fields.String()
    workflow_version = fields.String()
    revision_round = fields.Integer()
    version = fields.Integer()
    decree_number = fields.String(allow_none=True)
    decree_date = fields.Date(allow_none=True, metadata={"description": "Tanggal penetapan"})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    available_actions = fields.List(
        fields.String(), metadata={"description": "Aksi yang dapat dilakukan pemanggil sekarang"}
    )
    gate = fields.Nested(
        GateSchema,
        allow_none=True,
        metadata={"description": "Persetujuan bersama yang sedang ditunggu (bila ada)"},
    )


class TransitionResultSchema(ActivitySchema):
    warnings = fields.List(
        fields.Nested(RuleSchema), metadata={"description": "Peringatan (mis. pagu hampir habis)"}
    )
    signoff_id = fields.Integer(metadata={"description": "Segel penetapan, bila aksi menetapkan"})
    verification_code = fields.String(metadata={"description": "Kode verifikasi segel"})


class ActivitySummarySchema(ActivitySchema):
    """A list row: everything but ``available_actions``, which would cost queries per row."""

    class Meta:
        exclude = ("available_actions", "gate")


class ListTotalsSchema(Out):
    count = fields.Integer(metadata={"description": "Jumlah kegiatan yang cocok (semua halaman)"})
    proposed = fields.Integer(metadata={"description": "Jumlah usulan (Rp)"})
    confirmed = fields.Integer(metadata={"description": "Jumlah terkonfirmasi (Rp)"})


class ActivityPageSchema(Out):
    items = fields.List(fields.Nested(ActivitySummarySchema))
    next_cursor = fields.String(allow_none=True)
    totals = fields.Nested(
        ListTotalsSchema,
        metadata={"description": "Hanya dengan ``totals=true``: jumlah seluruh daftar tersaring"},
    )


class ActivityQuerySchema(ActivityListSchema):
    """``GET /activities``: the list filters (core's, shared with the list page), its order
    (``sort``), a page size, and ``totals=true`` for the sums of the whole filtered list."""

    limit = QueryInt(load_default=50, validate=between(1, MAX_PAGE))
    totals = fields.Boolean(
        load_default=False, error_messages={"invalid": N_("Harus berupa true atau false.")}
    )


class ActingMarkSchema(Out):
    """An act taken by an acting official (Plt./Plh., ``core.acting``)."""

    kind = fields.String(metadata={"description": "plt atau plh"})
    appointment_id = fields.Integer()
    role = fields.String()
    role_label = fields.String()
    office = fields.String(metadata={"description": "mis. Kepala Dinas Sosial"})
    title = fields.String(metadata={"description": "mis. Plt. Kepala Dinas Sosial"})
    decree_number = fields.String(metadata={"description": "Nomor surat perintah"})
    on_behalf_of = fields.List(fields.String(), metadata={"description": "Pejabat definitif"})


class HistoryItemSchema(Out):
    seq = fields.Integer()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    actor = fields.String()
    role = fields.String()
    comment = fields.String(allow_none=True)
    at = UtcDateTime()
    acting = fields.Nested(ActingMarkSchema, allow_none=True)
    actor_title = fields.String(
        metadata={"description": "Nama pelaku, mis. 'Plt. Kepala Dinas Sosial — <nama>'"}
    )


class HistorySchema(Out):
    items = fields.List(fields.Nested(HistoryItemSchema))


class ClarificationSchema(Out):
    """A question on an activity and the OPD's answer (no state change)."""

    id = fields.Integer()
    question = fields.String()
    asked_by = fields.String(metadata={"description": "Nama penanya"})
    asked_at = UtcDateTime()
    answer = fields.String(allow_none=True)
    answered_by = fields.String(allow_none=True)
    answered_at = UtcDateTime(allow_none=True)


class ClarificationListSchema(Out):
    items = fields.List(fields.Nested(ClarificationSchema))


class QuestionInputSchema(ma.Schema):
    question = fields.String(required=True, metadata={"description": "Pertanyaan klarifikasi"})


class AnswerInputSchema(ma.Schema):
    answer = fields.String(required=True, metadata={"description": "Jawaban OPD"})


# --- provinces, plans, OPDs -----------------------------------------------------------------


class PlanSchema(Out):
    id = fields.Integer()
    province = fields.String()
    code = fields.String()
    title = fields.String()
    decree_number = fields.String()
    decree_date = fields.Date(allow_none=True)
    start_year = fields.Integer()
    end_year = fields.Integer()


class ProvinceSchema(Out):
    code = fields.String()
    name = fields.String()
    decree_format = fields.String()
    workflow_version = fields.String()
    plans = fields.List(
        fields.Nested(PlanSchema), metadata={"description": "Hanya untuk provinsi pemanggil"}
    )


class ProvinceDetailSchema(ProvinceSchema):
    roles = fields.List(fields.Nested(lambda: RoleSchema()))


class RoleSchema(Out):
    code = fields.String()
    label = fields.String()
    scope = fields.String()


class StateSchema(Out):
    """Dumps a ``core.workflow.State``."""

    code = fields.String()
    label = fields.String()
    final = fields.Boolean()
    editable = fields.Boolean()
    kind = fields.String(
        metadata={
            "description": "Jenis status: drafting, review, budget (antrean Bappeda), signoff "
            "(menunggu penetapan), approved, returned, rejected",
            "enum": [str(k) for k in StateKind],
        }
    )
    stage_role = fields.String(
        allow_none=True, metadata={"description": "Peran yang diharapkan bertindak"}
    )
    gate = fields.Nested(
        lambda: GateDefinitionSchema(),
        allow_none=True,
        metadata={"description": "Persetujuan bersama di status ini (bila ada)"},
    )


class GateDefinitionSchema(Out):
    """Dumps a ``core.workflow.Gate``: who decides in parallel, the rule, what follows."""

    parties = fields.String(metadata={"description": "partner_opd_heads atau role:<peran>"})
    label = fields.String()
    rule = fields.String(metadata={"description": "all atau quorum"})
    quorum = fields.Integer()
    on_objection = fields.String(metadata={"description": "send_back atau record"})
    passes = fields.String(metadata={"description": "Aksi mesin bila aturan terpenuhi"})
    objects = fields.String(allow_none=True, metadata={"description": "Aksi mesin atas keberatan"})
    concur_action = fields.String()
    object_action = fields.String()


def _flag(text: str) -> fields.Boolean:
    return fields.Boolean(metadata={"description": text})


class TransitionSchema(Out):
    """Dumps a ``core.workflow.Transition``: what a move means is in its flags, not its name."""

    action = fields.String()
    from_ = fields.String(data_key="from", attribute="source")
    to = fields.String(attribute="target")
    roles = fields.List(fields.String())
    label = fields.String()
    comment_required = fields.Boolean()
    four_eyes = _flag("Tidak boleh dilakukan oleh pengaju")
    books_budget = _flag("Mengonfirmasi anggaran terhadap pagu OPD")
    releases_budget = _flag("Mengembalikan anggaran terkonfirmasi ke pagu")
    requires_decree = _flag("Memerlukan nomor keputusan")
    records_submitter = _flag("Pelaku dicatat sebagai pengaju")
    sends_back = _flag("Mengembalikan kegiatan untuk revisi")
    withdraws = _flag("Pengaju menarik kembali pengajuan yang belum ditindaklanjuti")


class WorkflowSchema(Out):
    version = fields.String()
    states = fields.List(fields.Nested(StateSchema))
    transitions = fields.List(fields.Nested(TransitionSchema))


class CodeSchema(Out):
    code = fields.String()
    label = fields.String()


class CeilingSchema(Out):
    year = fields.Integer()
    ceiling = fields.Integer()
    confirmed = fields.Integer()
    remaining = fields.Integer()


class PaguChangeSchema(Out):
    id = fields.Integer(metadata={"description": "Nomor entri log administrasi"})
    opd = fields.String()
    year = fields.Integer()
    at = UtcDateTime()
    actor = fields.String(metadata={"description": "Nama pengguna yang mengubah"})
    before = fields.Integer(allow_none=True, metadata={"description": "Pagu sebelumnya"})
    after = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)


class SignoffItemSchema(Out):
    activity_id = fields.Integer()
    ok = fields.Boolean()
    status = fields.Integer(metadata={"description": "Status HTTP seandainya ditetapkan sendiri"})
    state = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)
    rules = fields.List(fields.Nested(RuleSchema))


class SignoffResultSchema(Out):
    decree_number = fields.String()
    decree_date = fields.Date()
    signoff_id = fields.Integer(
        allow_none=True, metadata={"description": "Segel penetapan ini (null bila tak satu pun)"}
    )
    verification_code = fields.String(allow_none=True)
    signed = fields.Integer()
    failed = fields.Integer()
    items = fields.List(fields.Nested(SignoffItemSchema))


class SignoffSealSchema(Out):
    """A sealed sign-off (core.services.seals), recomputed when read."""

    id = fields.Integer()
    plan_id = fields.Integer()
    verification_code = fields.String()
    decree_number = fields.String()
    decree_date = fields.Date()
    signed_at = UtcDateTime()
    signer = fields.String()
    signer_title = fields.String(
        allow_none=True, metadata={"description": "mis. 'Plt. Gubernur Lampung' (pelaksana)"}
    )
    activity_count = fields.Integer()
    total = fields.Integer()
    activity_ids = fields.List(fields.Integer())
    digest = fields.String(metadata={"description": "SHA-256 snapshot saat ditetapkan"})
    recomputed_digest = fields.String(metadata={"description": "SHA-256 dari data saat ini"})
    valid = fields.Boolean(metadata={"description": "Data masih sama dengan yang ditetapkan"})


class AttachmentSchema(Out):
    id = fields.Integer()
    activity_id = fields.Integer(allow_none=True)
    signoff_id = fields.Integer(allow_none=True)
    report_id = fields.Integer(allow_none=True, metadata={"description": "Laporan kemajuan"})
    kind = fields.String(metadata={"description": "tor, rab, photo, sk, other, attendance"})
    filename = fields.String()
    content_type = fields.String(metadata={"description": "Dikenali dari isi berkas"})
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = UtcDateTime()


# --- notifications, health ------------------------------------------------------------------


class NotificationSchema(Out):
    id = fields.Integer()
    activity_id = fields.Integer(allow_none=True)
    kind = fields.String()
    message = fields.String()
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)
    needs_action = fields.Boolean(
        metadata={"description": "meminta tindakan pembaca yang belum dilakukan"}
    )
    done = fields.Boolean(
        metadata={"description": "tindakan yang diminta sudah dilakukan (kegiatan telah beranjak)"}
    )
    done_at = UtcDateTime(allow_none=True)


class NotificationPageSchema(Out):
    items = fields.List(fields.Nested(NotificationSchema))


class HealthSchema(Out):
    database = fields.String(metadata={"description": "ok / error"})
    broker = fields.String(metadata={"description": "ok / error / disabled"})
