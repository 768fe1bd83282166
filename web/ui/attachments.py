"""Attachments on the pages (issue 13): the activity page lists its files (TOR/KAK, RAB,
photos…) and, while the activity is editable, uploads and removes them; a sealed sign-off's
files (the signed SK scan) are listed with it and uploaded by who signs; a progress report's
evidence (photos, attendance lists, PDFs) is uploaded and removed from the report page while
the report is editable (issue 14). Every rule is
``core.services.attachments``' (the API's); a refused file (its type, its size, the count, a
state that is not editable) comes back to the same page with the reason, nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from core.errors import DomainError, RuleFailed, Violation
from core.models import Attachment
from core.policy import may_sign_in_batch
from core.services import attachments
from core.unit_of_work import unit_of_work
from web import attachment_files
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID
from web.ui.layout import registry
from web.ui.messages import error_text

bp = ui_blueprint("attachments", __name__)

KIND_LABELS = {
    "tor": _l("TOR/KAK"),
    "rab": _l("RAB"),
    "photo": _l("Foto"),
    "sk": _l("Pindaian SK bertanda tangan"),
    "other": _l("Lainnya"),
    "attendance": _l("Daftar hadir"),
}
ACTIVITY_KINDS = tuple(k for k in attachments.KINDS if k not in ("sk", "attendance"))
REPORT_KINDS = ("photo", "attendance", "other")  # a report's evidence
UPLOADS = frozenset({"attachments.add", "attachments.add_to_signoff", "attachments.add_to_report"})


@bp.before_app_request
def _upload_cap() -> None:
    # Before the blueprint's CSRF check reads the form: the body is capped at the file limit
    # plus the envelope. Just over the limit, core refuses the file with its own message.
    if request.endpoint in UPLOADS:
        request.max_content_length = attachment_files.upload_cap()


def _back_to(activity_id: int) -> ResponseReturnValue:
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#lampiran")


def _back_to_report(report_id: int) -> ResponseReturnValue:
    return redirect(url_for("reports.detail", report_id=report_id) + "#bukti")


def _refused(
    err: DomainError, activity_id: int | None = None, report_id: int | None = None
) -> ResponseReturnValue:
    session().rollback()
    flash(_("Berkas tidak disimpan: %(reason)s", reason=error_text(err)), "error")
    return _back_to_report(report_id) if report_id else _back_to(activity_id or 0)


def _file() -> tuple[bytes, str]:
    file = request.files.get("file")
    if file is None or not file.filename:
        raise RuleFailed([Violation("required", "Berkas wajib diunggah.", "file")])
    return file.read(), file.filename


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(err: RequestEntityTooLarge) -> ResponseReturnValue:
    """Far beyond the limit (the body was refused before it was read): the same page, told
    why, as for a file just over it."""
    limit = f"{attachment_files.limits().max_bytes:,}".replace(",", ".")
    flash(_("Berkas tidak disimpan: berkas melebihi %(n)s bita.", n=limit), "error")
    args = request.view_args or {}
    if "report_id" in args:
        return _back_to_report(int(args["report_id"]))
    if "activity_id" in args:
        return _back_to(int(args["activity_id"]))
    return redirect(url_for("activities.index"))


def _upload(add_file: Callable[..., Attachment], owner_id: int, kind: str) -> Attachment:
    """The posted file, stored and committed through one of core's adders (``add_file``: to an
    activity, a sign-off or a report, ``owner_id`` its id); a ``DomainError`` when refused."""
    s = session()
    data, filename = _file()
    with unit_of_work(s):
        record: Attachment = add_file(
            s,
            registry(),
            attachment_files.storage(),
            attachment_files.limits(),
            current_actor(),
            owner_id,
            data=data,
            filename=filename,
            kind=kind,
        )
    return record


@bp.route(f"/kegiatan/<{ID}:activity_id>/lampiran", methods=["POST"])
def add(activity_id: int) -> ResponseReturnValue:
    try:
        kind = request.form.get("kind", "other")
        record = _upload(attachments.add_to_activity, activity_id, kind)
    except DomainError as err:
        return _refused(err, activity_id)
    flash(_("Berkas %(name)s dilampirkan.", name=record.filename), "success")
    return _back_to(activity_id)


@bp.route(f"/kegiatan/<{ID}:activity_id>/penetapan/<{ID}:signoff_id>/lampiran", methods=["POST"])
def add_to_signoff(activity_id: int, signoff_id: int) -> ResponseReturnValue:
    """The signed SK scan, uploaded from the page of one of the activities it sealed."""
    try:
        record = _upload(attachments.add_to_signoff, signoff_id, "sk")
    except DomainError as err:
        return _refused(err, activity_id)
    flash(_("Berkas %(name)s dilampirkan pada penetapan.", name=record.filename), "success")
    return _back_to(activity_id)


@bp.route(f"/laporan/<{ID}:report_id>/lampiran", methods=["POST"])
def add_to_report(report_id: int) -> ResponseReturnValue:
    """A progress report's evidence, while the report is editable."""
    try:
        record = _upload(attachments.add_to_report, report_id, request.form.get("kind", "photo"))
    except DomainError as err:
        return _refused(err, report_id=report_id)
    flash(_("Berkas %(name)s dilampirkan pada laporan.", name=record.filename), "success")
    return _back_to_report(report_id)


@bp.route(f"/lampiran/<{ID}:attachment_id>/hapus", methods=["POST"])
def remove(attachment_id: int) -> ResponseReturnValue:
    s = session()
    record = attachments.visible(s, current_actor(), attachment_id)  # 404 page otherwise
    # A report's evidence goes back to the report page, an activity's file to the activity's.
    report_id, activity_id = record.report_id, record.activity_id
    if report_id is None and activity_id is None:  # a sign-off's file is never removed
        return redirect(url_for("activities.index"))
    try:
        with unit_of_work(s):
            attachments.remove(s, registry(), current_actor(), attachment_id)
    except DomainError as err:
        return _refused(err, activity_id, report_id)
    flash(_("Berkas %(name)s dihapus.", name=record.filename), "success")
    return _back_to_report(report_id) if report_id else _back_to(activity_id or 0)


@bp.route(f"/lampiran/<{ID}:attachment_id>")
def download(attachment_id: int) -> ResponseReturnValue:
    """Whoever may see the activity (or the sign-off) downloads it; anyone else gets 404."""
    record: Attachment = attachments.visible(session(), current_actor(), attachment_id)
    return attachment_files.download(record)


def page_context(activity_id: int, seal_id: int | None, can_edit: bool) -> dict[str, object]:
    """What the activity page's attachment section needs (``attachments.html``)."""
    s, actor = session(), current_actor()
    workflow = registry().get(actor.province_code).workflow
    return {
        "files": attachments.of_activity(s, actor, activity_id),
        "seal_files": attachments.of_signoff(s, actor, seal_id) if seal_id else [],
        "can_attach": can_edit,
        "can_attach_seal": bool(seal_id) and may_sign_in_batch(actor, workflow),
        "kind_labels": KIND_LABELS,
        "activity_kinds": ACTIVITY_KINDS,
        "max_bytes": attachment_files.limits().max_bytes,
    }
