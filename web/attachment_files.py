"""What the API and the pages share about attachments: the storage and the limits the app's
settings give (``ATTACHMENTS_DIR``, ``ATTACHMENT_MAX_BYTES``, ``ATTACHMENT_MAX_COUNT``), the body
cap of an upload request, and the download answer. Who may do what is
``core.services.attachments``'."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app

from core.models import Attachment
from core.services import attachments
from core.storage import LocalStorage

ENVELOPE = 64 * 1024  # room for the multipart boundary and the other fields of an upload


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["ATTACHMENTS_DIR"])


def limits() -> attachments.Limits:
    config = current_app.config
    return attachments.Limits(config["ATTACHMENT_MAX_BYTES"], config["ATTACHMENT_MAX_COUNT"])


def upload_cap() -> int:
    """An upload's request body, at most: the file limit plus the envelope (413 beyond)."""
    return int(current_app.config["ATTACHMENT_MAX_BYTES"]) + ENVELOPE


def disposition(filename: str) -> str:
    """``attachment`` with the file's name: an ASCII fallback (no quote, backslash or control
    character can end the header early) and the exact name in RFC 5987's ``filename*``."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    exact = quote(filename.encode("utf-8", "replace"), safe="")
    return f"attachment; filename=\"{fallback or 'berkas'}\"; filename*=UTF-8''{exact}"


def download(record: Attachment) -> Response:
    """The stored bytes as a download, never rendered inline by the browser."""
    return Response(
        storage().get(record.sha256),
        mimetype=record.content_type,
        headers={
            "Content-Disposition": disposition(record.filename),
            "X-Content-Type-Options": "nosniff",
        },
    )
