"""Schemas of the progress reports' API (``web.api.reports``): the report as it is answered, its
list and query, the edit and transition payloads, its history and what an activity owes.

Payloads are core's (``core.schemas.ReportInputSchema``, ``TransitionInputSchema``) narrowed to
what a report takes, so no rule is written twice.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from core.schemas import (
    MAX_ID,
    IdSchema,
    Line,
    QueryInt,
    ReportInputSchema,
    TransitionInputSchema,
    between,
    length,
)
from web.api.schemas import MAX_PAGE, HistoryItemSchema, Out, RuleSchema, UtcDateTime


class ReportPatchSchema(ReportInputSchema):
    """An edit: any subset of the report's fields (the activity, year and period stay)."""

    class Meta(IdSchema.Meta):
        exclude = ("activity_id", "year", "period")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(partial=True, **kwargs)


class ReportTransitionInputSchema(TransitionInputSchema):
    """A report's move: the action, the version it was read at and a note (``return`` needs
    one); an activity's budget and decree fields are not a report's (422 unknown)."""

    class Meta(IdSchema.Meta):
        exclude = ("confirmed_years", "decree_number", "decree_date")


class ReportQuerySchema(IdSchema):
    """``GET /reports``: the filters (each bounded before it reaches SQL), a page size and the
    keyset cursor."""

    year = QueryInt(validate=between(2000, 2100))
    period = Line(validate=length(1, 20), metadata={"example": "S1"})
    state = Line(validate=length(1, 40))
    opd = Line(validate=length(1, 40), metadata={"description": "Kode OPD, mis. dpppa"})
    activity_id = QueryInt(validate=between(1, MAX_ID))
    plan_id = QueryInt(validate=between(1, MAX_ID))
    limit = QueryInt(load_default=50, validate=between(1, MAX_PAGE))
    before_id = QueryInt(
        validate=between(1, MAX_ID),
        metadata={"description": "Halaman berikutnya: ``next_before_id`` jawaban sebelumnya"},
    )


class ReportActivitySchema(Out):
    """The activity a report is on, as far as a report shows it."""

    id = fields.Integer()
    title = fields.String()
    registration_number = fields.String(allow_none=True)
    opd = fields.String(metadata={"description": "Kode OPD"})
    pillar = fields.String()


class ReportFieldsSchema(Out):
    output_target = fields.Float(allow_none=True, metadata={"description": "Target keluaran"})
    output_realised = fields.Float(allow_none=True, metadata={"description": "Capaian keluaran"})
    output_unit = fields.String(metadata={"description": "Satuan, mis. orang"})
    budget_realised = fields.Integer(
        allow_none=True, metadata={"description": "Realisasi anggaran (Rp)"}
    )
    obstacles = fields.String(metadata={"description": "Kendala"})
    follow_up = fields.String(metadata={"description": "Tindak lanjut"})


class ReportSchema(Out):
    id = fields.Integer()
    activity_id = fields.Integer()
    activity = fields.Nested(ReportActivitySchema)
    plan_id = fields.Integer()
    year = fields.Integer()
    period = fields.String(metadata={"description": "Kode periode provinsi, mis. S1"})
    period_label = fields.String(metadata={"description": "mis. Semester I"})
    due_on = fields.Date(allow_none=True, metadata={"description": "Batas waktu laporan"})
    state = fields.String()
    state_label = fields.String()
    workflow_version = fields.String()
    revision_round = fields.Integer()
    version = fields.Integer()
    fields_ = fields.Nested(ReportFieldsSchema, data_key="fields", attribute="fields")
    budget_confirmed = fields.Integer(
        allow_none=True,
        metadata={"description": "Anggaran terkonfirmasi kegiatan pada tahun laporan (Rp)"},
    )
    budget_percent = fields.Float(
        allow_none=True, metadata={"description": "Realisasi anggaran terhadap yang dikonfirmasi"}
    )
    output_percent = fields.Float(
        allow_none=True, metadata={"description": "Capaian terhadap target (null tanpa target)"}
    )
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    available_actions = fields.List(
        fields.String(), metadata={"description": "Aksi yang dapat dilakukan pemanggil sekarang"}
    )


class ReportTransitionResultSchema(ReportSchema):
    warnings = fields.List(
        fields.Nested(RuleSchema),
        metadata={"description": "Peringatan (mis. realisasi melebihi anggaran)"},
    )


class ReportSummarySchema(ReportSchema):
    """A list row: everything but ``available_actions``, which would cost queries per row."""

    class Meta:
        exclude = ("available_actions",)


class ReportPageSchema(Out):
    items = fields.List(fields.Nested(ReportSummarySchema))
    next_before_id = fields.Integer(allow_none=True)


class ReportHistoryItemSchema(HistoryItemSchema):
    label = fields.String(metadata={"description": "Nama langkah, mis. 'Ajukan laporan'"})


class ReportHistorySchema(Out):
    items = fields.List(fields.Nested(ReportHistoryItemSchema))


class FiledReportSchema(Out):
    id = fields.Integer()
    state = fields.String()
    state_label = fields.String()
    version = fields.Integer()


class OwedPeriodSchema(Out):
    year = fields.Integer()
    period = fields.String()
    period_label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    due_on = fields.Date()
    report = fields.Nested(
        FiledReportSchema, allow_none=True, metadata={"description": "null: belum dilaporkan"}
    )


class OwedReportsSchema(Out):
    activity_id = fields.Integer()
    reportable = fields.Boolean(
        metadata={"description": "Kegiatan berutang laporan (hanya yang telah ditetapkan)"}
    )
    items = fields.List(fields.Nested(OwedPeriodSchema))
