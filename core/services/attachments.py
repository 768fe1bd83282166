"""Attachments: files on an activity (TOR/KAK, RAB, photos), on a sign-off (the signed SK scan) and
on a progress report (its evidence: photos, attendance lists, PDFs). PDF, JPEG/PNG and XLSX
only, recognised from the bytes (magic numbers), never from the name or the client's content
type; size and count limits; the bytes go to the storage (``core.storage``) by SHA-256.
Downloads are authorised exactly like the activity (404 for anyone who may not see it). Each
upload and removal is an entry in the activity's audit chain with the file's hash; an activity's
files can be added or removed only while it is editable.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed, Violation
from core.messages import msg
from core.models import Activity, Attachment, ProgressReport, utcnow
from core.plugins import Registry
from core.policy import ensure_may_edit, ensure_may_sign_in_batch
from core.schemas import CONTROL_OR_BREAK
from core.services import reports, seals
from core.services.common import activities_t, append_audit
from core.services.queries import get_activity
from core.services.reports import CHAIN as REPORT_CHAIN
from core.services.transitions.subject import reports_t
from core.storage import Storage

# TOR/KAK, RAB, photo, signed SK scan, other; a report's attendance list (daftar hadir).
KINDS = ("tor", "rab", "photo", "sk", "other", "attendance")
NOT_FOUND = "Lampiran tidak ditemukan."
AUDIT_ADDED = "attachment_added"
AUDIT_REMOVED = "attachment_removed"


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_count: int


class TooLarge(RuleFailed):
    """Beyond the size limit (the API answers 413)."""


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, of the accepted ones; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def _check_file(data: bytes, kind: str, limits: Limits, present: int) -> str:
    if len(data) > limits.max_bytes:
        limit = f"{limits.max_bytes:,}".replace(",", ".")
        raise TooLarge([Violation("too_large", msg("Berkas melebihi {n} bita.", n=limit), "file")])
    problems: list[Violation] = []
    content_type = sniff(data)
    if content_type is None:
        refused = "Jenis berkas tidak diterima: hanya PDF, JPEG, PNG atau XLSX."
        problems.append(Violation("file_type", refused, "file"))
    if kind not in KINDS:
        choices = msg("Pilih salah satu dari: {choices}.", choices=", ".join(KINDS))
        problems.append(Violation("invalid", choices, "kind"))
    if present >= limits.max_count:
        too_many = msg("Paling banyak {n} lampiran.", n=limits.max_count)
        problems.append(Violation("too_many", too_many, "file"))
    if problems:
        raise RuleFailed(problems)
    assert content_type is not None
    return content_type


def _count(session: Session, **owner: int) -> int:
    query = select(func.count()).select_from(Attachment).filter_by(**owner, removed_at=None)
    return int(session.execute(query).scalar_one())


def _visible_activity(session: Session, actor: Actor, activity_id: int) -> Activity:
    """Exactly who sees the activity, a partner OPD included (``get_activity``'s scope)."""
    return get_activity(session, actor, activity_id)


def _ensure_editable(session: Session, registry: Registry, actor: Actor, a: Activity) -> None:
    ensure_may_edit(actor, a.opd_id)
    workflow = registry.get(actor.province_code).workflow_version(session, a.workflow_version)
    state = workflow.state(a.state)
    if state is None or not state.editable:
        text = "Lampiran tidak dapat diubah: kegiatan berstatus '{state}'."
        raise Conflict(msg(text, state=workflow.label(a.state)))


def _audit(
    session: Session,
    actor: Actor,
    activity_id: int,
    action: str,
    a: Attachment,
    *,
    report: bool = False,
) -> None:
    """An entry in the activity's chain (or, with ``report``, the report ``activity_id``'s).
    The version bump takes the row lock first (the chain's tail cannot race) and tells every
    open page that it changed."""
    table = reports_t if report else activities_t
    state = session.execute(
        update(table)
        .where(table.c.id == activity_id)
        .values(version=table.c.version + 1, updated_at=utcnow())
        .returning(table.c.state)
    ).scalar_one()
    append_audit(
        session,
        chain=REPORT_CHAIN if report else None,
        activity_id=activity_id,
        actor_id=actor.user_id,
        actor=actor.username,
        role=actor.roles[0] if actor.roles else "",
        action=action,
        from_state=state,
        to_state=state,
        comment=None,
        payload={
            "attachment_id": a.id,
            "sha256": a.sha256,
            "filename": a.filename,
            "size": a.size,
            "content_type": a.content_type,
            "kind": a.kind,
            **({"signoff_id": a.signoff_id} if a.signoff_id else {}),
            **({"report_id": a.report_id} if a.report_id else {}),
        },
        at=utcnow(),
    )


def clean_filename(filename: str) -> str:
    """The name to keep: its last path part, without control characters or line breaks (it
    goes into a header and a log line) or lone surrogates (no database stores them)."""
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = CONTROL_OR_BREAK.sub("", name).encode("utf-8", "replace").decode("utf-8")
    return name.strip()[:200] or "berkas"


def _store(
    session: Session,
    storage: Storage,
    actor: Actor,
    data: bytes,
    filename: str,
    kind: str,
    content_type: str,
    **owner: int,
) -> Attachment:
    record = Attachment(
        kind=kind,
        filename=clean_filename(filename),
        content_type=content_type,
        size=len(data),
        sha256=storage.put(data),
        uploaded_by_id=actor.user_id,
        **owner,
    )
    session.add(record)
    session.flush()
    return record


def add_to_activity(
    session: Session,
    registry: Registry,
    storage: Storage,
    limits: Limits,
    actor: Actor,
    activity_id: int,
    *,
    data: bytes,
    filename: str,
    kind: str,
) -> Attachment:
    """Attach a file to an editable activity of the actor's OPD (the caller commits)."""
    activity = _visible_activity(session, actor, activity_id)
    _ensure_editable(session, registry, actor, activity)
    content_type = _check_file(data, kind, limits, _count(session, activity_id=activity_id))
    record = _store(
        session, storage, actor, data, filename, kind, content_type, activity_id=activity_id
    )
    _audit(session, actor, activity_id, AUDIT_ADDED, record)
    return record


def add_to_signoff(
    session: Session,
    registry: Registry,
    storage: Storage,
    limits: Limits,
    actor: Actor,
    signoff_id: int,
    *,
    data: bytes,
    filename: str,
    kind: str = "sk",
) -> Attachment:
    """Attach the signed SK scan (or another file) to a sign-off, by a role that signs; an
    entry goes into the chain of every activity the sign-off sealed."""
    record_of = seals.visible(session, actor, signoff_id)
    ensure_may_sign_in_batch(actor, registry.get(actor.province_code).workflow)
    content_type = _check_file(data, kind, limits, _count(session, signoff_id=signoff_id))
    record = _store(
        session, storage, actor, data, filename, kind, content_type, signoff_id=signoff_id
    )
    for link in record_of.activities:
        _audit(session, actor, link.activity_id, AUDIT_ADDED, record)
    return record


def _editable_report(
    session: Session, registry: Registry, actor: Actor, report_id: int
) -> ProgressReport:
    """A report the actor may add evidence to or remove it from: its OPD's operator, while the
    report is editable (a draft, or returned)."""
    report = reports.get_report(session, actor, report_id)
    ensure_may_edit(actor, report.opd_id)
    workflow = registry.get(actor.province_code).workflow_version(session, report.workflow_version)
    state = workflow.state(report.state)
    if state is None or not state.editable:
        text = "Lampiran tidak dapat diubah: laporan berstatus '{state}'."
        raise Conflict(msg(text, state=workflow.label(report.state)))
    return report


def add_to_report(
    session: Session,
    registry: Registry,
    storage: Storage,
    limits: Limits,
    actor: Actor,
    report_id: int,
    *,
    data: bytes,
    filename: str,
    kind: str = "photo",
) -> Attachment:
    """Attach evidence to an editable progress report of the actor's OPD; an entry goes into
    the report's chain (the caller commits)."""
    _editable_report(session, registry, actor, report_id)
    content_type = _check_file(data, kind, limits, _count(session, report_id=report_id))
    record = _store(
        session, storage, actor, data, filename, kind, content_type, report_id=report_id
    )
    _audit(session, actor, report_id, AUDIT_ADDED, record, report=True)
    return record


def of_report(session: Session, actor: Actor, report_id: int) -> list[Attachment]:
    reports.get_report(session, actor, report_id)
    return _listed(session, report_id=report_id)


def visible(session: Session, actor: Actor, attachment_id: int) -> Attachment:
    """An attachment the actor may download: exactly whoever may see its activity (or every
    activity of its sign-off); 404 otherwise, and for a removed one."""
    record = session.get(Attachment, attachment_id)
    if record is None or record.removed_at is not None:
        raise NotFound(NOT_FOUND)
    try:
        if record.activity_id is not None:
            _visible_activity(session, actor, record.activity_id)
        elif record.signoff_id is not None:
            seals.visible(session, actor, record.signoff_id)
        elif record.report_id is not None:
            reports.get_report(session, actor, record.report_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    return record


def of_activity(session: Session, actor: Actor, activity_id: int) -> list[Attachment]:
    _visible_activity(session, actor, activity_id)
    return _listed(session, activity_id=activity_id)


def of_signoff(session: Session, actor: Actor, signoff_id: int) -> list[Attachment]:
    seals.visible(session, actor, signoff_id)
    return _listed(session, signoff_id=signoff_id)


def _listed(session: Session, **owner: int) -> list[Attachment]:
    query = select(Attachment).filter_by(**owner, removed_at=None).order_by(Attachment.id)
    return list(session.execute(query).scalars())


def remove(session: Session, registry: Registry, actor: Actor, attachment_id: int) -> Attachment:
    """Remove an activity's file while the activity is editable (the bytes stay in the
    storage: the audit entry names their hash, and another row may share them). A sign-off's
    files are never removed: what was signed stays."""
    record = visible(session, actor, attachment_id)
    if record.report_id is not None:  # a report's evidence, while the report is editable
        _editable_report(session, registry, actor, record.report_id)
        record.removed_at = utcnow()
        session.flush()
        _audit(session, actor, record.report_id, AUDIT_REMOVED, record, report=True)
        return record
    if record.activity_id is None:
        raise Conflict("Lampiran penetapan tidak dapat dihapus.")
    activity = _visible_activity(session, actor, record.activity_id)
    _ensure_editable(session, registry, actor, activity)
    record.removed_at = utcnow()
    session.flush()
    _audit(session, actor, record.activity_id, AUDIT_REMOVED, record)
    return record


__all__ = [
    "KINDS",
    "Limits",
    "TooLarge",
    "add_to_activity",
    "add_to_report",
    "add_to_signoff",
    "clean_filename",
    "of_activity",
    "of_report",
    "of_signoff",
    "remove",
    "sniff",
    "visible",
]
