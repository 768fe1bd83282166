"""``/plans/{id}/matrix.xlsx``, ``/template.xlsx`` and ``/import``: the plan's matrix in Excel,
out and in. The work is core's (``core.documents``); here only HTTP: query filters, the file
part, the size cap, and ``{row, column, message}`` for every problem of a refused import."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from marshmallow import fields

from core.documents.matrix_export import write_matrix
from core.documents.matrix_import import ImportRefused, import_matrix
from core.documents.sipd_export import sipd_rows, write_sipd_csv, write_sipd_xlsx
from core.documents.template import write_template
from core.schemas import IdSchema, MatrixFilterSchema, between
from core.services import ListFilters
from web import get_registry
from web.api.blueprints import ID, api_blueprint
from web.api.errors import handle_domain_error
from web.api.schemas import Out, QueryInt
from web.api.tokens import current_actor
from web.extensions import session
from web.spreadsheets import XLSX, csv_download, import_limits, xlsx_download

bp = api_blueprint(
    "Dokumen", __name__, "/plans", "Matriks rencana aksi dalam Excel: unduh, templat, impor."
)


class MatrixQuerySchema(MatrixFilterSchema):
    """The list filters of ``GET /activities`` that make sense for one plan's matrix."""


class ImportQuerySchema(IdSchema):
    dry_run = QueryInt(load_default=0, validate=between(0, 1))


class ImportRowSchema(Out):
    row = fields.Integer(metadata={"description": "Nomor baris pada lembar"})
    title = fields.String()
    pillar = fields.String()
    years = fields.List(fields.Dict())
    id = fields.Integer(allow_none=True)
    registration_number = fields.String(allow_none=True)


class ImportResultSchema(Out):
    dry_run = fields.Boolean()
    count = fields.Integer(metadata={"description": "Kegiatan yang (akan) dibuat"})
    items = fields.List(fields.Nested(ImportRowSchema))


FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}
XLSX_RESPONSE = {
    "responses": {
        "200": {
            "description": "Buku kerja .xlsx",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@bp.errorhandler(ImportRefused)
def _refused(err: ImportRefused) -> tuple[dict[str, Any], int]:
    body, status = handle_domain_error(err)
    body["message"] = "Berkas ditolak; tidak ada kegiatan yang dibuat."
    body["problems"] = [p.as_dict() for p in err.problems]
    return body, status


@bp.before_request
def _cap_upload() -> None:
    # The API's small JSON cap (web.api.errors) would refuse any real spreadsheet; the import
    # has its own (413 beyond), checked by werkzeug before the body is read.
    if request.endpoint == f"{bp.name}.ImportView" or request.path.endswith("/import"):
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.route(f"/<{ID}:plan_id>/matrix.xlsx")
class MatrixView(MethodView):
    @bp.arguments(MatrixQuerySchema, location="query")
    @bp.doc(**XLSX_RESPONSE)
    @bp.response(200, description="Buku kerja .xlsx")
    @bp.errors(401, 404, 422)
    def get(self, query: dict[str, Any], plan_id: int) -> Response:
        """Matriks kegiatan rencana aksi yang boleh dilihat pemanggil (saringan seperti daftar
        kegiatan), dikelompokkan per pilar dan OPD dengan subtotal dan jumlah seluruhnya."""
        s, registry, actor = session(), get_registry(current_app), current_actor()
        return xlsx_download(
            lambda out: write_matrix(s, registry, actor, plan_id, ListFilters(**query), out),
            f"matriks-rencana-{plan_id}.xlsx",
        )


@bp.route(f"/<{ID}:plan_id>/template.xlsx")
class TemplateView(MethodView):
    @bp.doc(**XLSX_RESPONSE)
    @bp.response(200, description="Buku kerja .xlsx")
    @bp.errors(401, 404)
    def get(self, plan_id: int) -> Response:
        """Templat kosong matriks dengan daftar pilihan dari data rujukan provinsi."""
        s, registry, actor = session(), get_registry(current_app), current_actor()
        return xlsx_download(
            lambda out: write_template(s, registry, actor, plan_id, out),
            f"templat-rencana-{plan_id}.xlsx",
        )


CSV_RESPONSE = {
    "responses": {
        "200": {
            "description": "CSV (UTF-8)",
            "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@bp.route(f"/<{ID}:plan_id>/sipd.csv")
class SipdCsvView(MethodView):
    @bp.arguments(MatrixQuerySchema, location="query")
    @bp.doc(**CSV_RESPONSE)
    @bp.response(200, description="CSV (UTF-8)")
    @bp.errors(401, 404, 422)
    def get(self, query: dict[str, Any], plan_id: int) -> Response:
        """Ekspor ber-kunci SIPD: satu baris per kode sub-kegiatan × kode unit SIPD OPD × tahun
        dengan anggaran terkonfirmasi (kegiatan yang boleh dilihat pemanggil)."""
        rows = sipd_rows(session(), current_actor(), plan_id, ListFilters(**query))
        return csv_download(lambda out: write_sipd_csv(rows, out), f"sipd-rencana-{plan_id}.csv")


@bp.route(f"/<{ID}:plan_id>/sipd.xlsx")
class SipdXlsxView(MethodView):
    @bp.arguments(MatrixQuerySchema, location="query")
    @bp.doc(**XLSX_RESPONSE)
    @bp.response(200, description="Buku kerja .xlsx")
    @bp.errors(401, 404, 422)
    def get(self, query: dict[str, Any], plan_id: int) -> Response:
        """Ekspor ber-kunci SIPD dalam Excel (kolom dan baris sama dengan ``sipd.csv``)."""
        rows = sipd_rows(session(), current_actor(), plan_id, ListFilters(**query))
        return xlsx_download(lambda out: write_sipd_xlsx(rows, out), f"sipd-rencana-{plan_id}.xlsx")


def present_rows(result: Any) -> list[dict[str, Any]]:
    created = list(result.created) or [None] * len(result.rows)
    return [
        {
            "row": r.row,
            "title": r.payload.get("title"),
            "pillar": r.payload.get("pillar"),
            "years": r.payload.get("years"),
            "id": a.id if a is not None else None,
            "registration_number": a.registration_number if a is not None else None,
        }
        for r, a in zip(result.rows, created, strict=True)
    ]


@bp.route(f"/<{ID}:plan_id>/import")
class ImportView(MethodView):
    @bp.arguments(ImportQuerySchema, location="query")
    @bp.doc(**FILE_BODY)
    @bp.response(201, ImportResultSchema)
    @bp.alt_response(200, schema=ImportResultSchema, description="Uji coba (dry_run=1)")
    @bp.errors(401, 403, 404, 413, 422)
    def post(self, query: dict[str, Any], plan_id: int) -> tuple[dict[str, Any], int]:
        """Impor matriks (.xlsx) menjadi draf OPD pemanggil: semua baris atau tidak sama sekali;
        ``dry_run=1`` hanya memeriksa. Setiap masalah: ``{row, column, message}``."""
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        result = import_matrix(
            session(),
            get_registry(current_app),
            current_actor(),
            plan_id,
            data,
            import_limits(),
            dry_run=bool(query["dry_run"]),
        )
        body = {"dry_run": result.dry_run, "count": len(result.rows), "items": present_rows(result)}
        return body, 200 if result.dry_run else 201
