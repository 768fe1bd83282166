"""Attachments over the API: upload (multipart ``file`` and ``kind``) to an activity, a
sign-off or a progress report (its evidence), list them, download one, remove one. The rules are
``core.services.attachments``'; the storage is the local folder ``ATTACHMENTS_DIR`` and the
limits are the settings."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from core.errors import RuleFailed, Violation
from core.models import Attachment
from core.services import attachments
from core.unit_of_work import unit_of_work
from web import attachment_files, get_registry
from web.api.blueprints import ID, api_blueprint
from web.api.schemas import AttachmentSchema
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Lampiran berkas",
    __name__,
    "",
    "Berkas lampiran kegiatan (TOR/KAK, RAB, foto), penetapan (pindaian SK) dan laporan "
    "kemajuan (bukti: foto, daftar hadir, PDF).",
)

UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": list(attachments.KINDS)},
                    },
                }
            }
        },
    }
}
FILE_DOC: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "Isi berkas",
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    }
}


@bp.before_request
def _upload_cap() -> None:
    # Uploads may be larger than the API's JSON cap: up to the attachment limit (then 413),
    # plus room for the multipart envelope.
    if request.method == "POST":
        request.max_content_length = attachment_files.upload_cap()


def _upload(kind: str = "other") -> tuple[bytes, str, str]:
    """The uploaded file's bytes and name, and its ``kind`` (``kind`` when none is sent)."""
    file = request.files.get("file")
    if file is None:
        raise RuleFailed([Violation("required", "Berkas wajib diunggah.", "file")])
    return file.read(), file.filename or "", request.form.get("kind", kind)


def present(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.id,
        "activity_id": a.activity_id,
        "signoff_id": a.signoff_id,
        "report_id": a.report_id,
        "kind": a.kind,
        "filename": a.filename,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": a.uploaded_at,
    }


def _too_large(err: attachments.TooLarge) -> tuple[dict[str, Any], int]:
    return {
        "code": 413,
        "status": HTTPStatus(413).phrase,
        "message": err.message,
        "rules": [{"code": v.code, "field": v.field, "message": v.message} for v in err.violations],
    }, 413


bp.register_error_handler(attachments.TooLarge, _too_large)


@bp.route(f"/activities/<{ID}:activity_id>/attachments")
class ActivityAttachmentsView(MethodView):
    @bp.response(200, AttachmentSchema(many=True))
    @bp.errors(401, 404)
    def get(self, activity_id: int) -> list[dict[str, Any]]:
        """Lampiran berkas satu kegiatan."""
        return [
            present(a) for a in attachments.of_activity(session(), current_actor(), activity_id)
        ]

    @bp.doc(**UPLOAD_DOC)
    @bp.response(201, AttachmentSchema)
    @bp.errors(401, 403, 404, 409, 413, 422)
    def post(self, activity_id: int) -> dict[str, Any]:
        """Unggah berkas (PDF, JPEG, PNG, XLSX) ke kegiatan yang masih dapat diubah."""
        data, filename, kind = _upload()
        s = session()
        with unit_of_work(s):
            record = attachments.add_to_activity(
                s,
                get_registry(current_app),
                attachment_files.storage(),
                attachment_files.limits(),
                current_actor(),
                activity_id,
                data=data,
                filename=filename,
                kind=kind,
            )
        return present(record)


@bp.route(f"/signoffs/<{ID}:signoff_id>/attachments")
class SignoffAttachmentsView(MethodView):
    @bp.response(200, AttachmentSchema(many=True))
    @bp.errors(401, 404)
    def get(self, signoff_id: int) -> list[dict[str, Any]]:
        """Lampiran berkas satu penetapan (mis. pindaian SK yang ditandatangani)."""
        return [present(a) for a in attachments.of_signoff(session(), current_actor(), signoff_id)]

    @bp.doc(**UPLOAD_DOC)
    @bp.response(201, AttachmentSchema)
    @bp.errors(401, 403, 404, 413, 422)
    def post(self, signoff_id: int) -> dict[str, Any]:
        """Unggah pindaian SK yang ditandatangani ke penetapan."""
        data, filename, kind = _upload()
        s = session()
        with unit_of_work(s):
            record = attachments.add_to_signoff(
                s,
                get_registry(current_app),
                attachment_files.storage(),
                attachment_files.limits(),
                current_actor(),
                signoff_id,
                data=data,
                filename=filename,
                kind=kind if kind != "other" else "sk",
            )
        return present(record)


@bp.route(f"/reports/<{ID}:report_id>/attachments")
class ReportAttachmentsView(MethodView):
    @bp.response(200, AttachmentSchema(many=True))
    @bp.errors(401, 404)
    def get(self, report_id: int) -> list[dict[str, Any]]:
        """Bukti satu laporan kemajuan (foto, daftar hadir, PDF)."""
        return [present(a) for a in attachments.of_report(session(), current_actor(), report_id)]

    @bp.doc(**UPLOAD_DOC)
    @bp.response(201, AttachmentSchema)
    @bp.errors(401, 403, 404, 409, 413, 422)
    def post(self, report_id: int) -> dict[str, Any]:
        """Unggah bukti (``kind`` bawaan ``photo``) ke laporan yang masih dapat diubah (draf
        atau dikembalikan); 409 sesudahnya."""
        data, filename, kind = _upload("photo")
        s = session()
        with unit_of_work(s):
            record = attachments.add_to_report(
                s,
                get_registry(current_app),
                attachment_files.storage(),
                attachment_files.limits(),
                current_actor(),
                report_id,
                data=data,
                filename=filename,
                kind=kind,
            )
        return present(record)


@bp.route(f"/attachments/<{ID}:attachment_id>")
class AttachmentView(MethodView):
    @bp.doc(**FILE_DOC)
    @bp.errors(401, 404)
    def get(self, attachment_id: int) -> Response:
        """Unduh berkas (bagi yang dapat melihat kegiatannya, atau laporan pemiliknya)."""
        return attachment_files.download(
            attachments.visible(session(), current_actor(), attachment_id)
        )

    @bp.response(204)
    @bp.errors(401, 403, 404, 409)
    def delete(self, attachment_id: int) -> None:
        """Hapus berkas selama kegiatannya (atau laporan pemiliknya) masih dapat diubah."""
        s = session()
        with unit_of_work(s):
            attachments.remove(s, get_registry(current_app), current_actor(), attachment_id)
