"""Attachments over the API: the type is read from the bytes, size and count are limited, the
file is stored by its SHA-256 outside the database, downloads follow the activity's visibility
(404 for another OPD), each upload and removal is in the audit chain with the hash, and nothing
can be added or removed once the activity left the editable states."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.models import AuditEntry
from tests.api.conftest import Api

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


@pytest.fixture
def store(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = api.client.application.config
    monkeypatch.setitem(config, "ATTACHMENTS_DIR", str(tmp_path))
    monkeypatch.setitem(config, "ATTACHMENT_MAX_BYTES", 4096)
    monkeypatch.setitem(config, "ATTACHMENT_MAX_COUNT", 3)
    return tmp_path


def _upload(
    api: Api, user: str, activity_id: int, data: bytes, name: str, kind: str = "tor"
) -> Any:
    return api.as_(user).post(
        f"/api/v1/activities/{activity_id}/attachments",
        data={"file": (io.BytesIO(data), name), "kind": kind},
        content_type="multipart/form-data",
    )


def test_upload_download_and_remove_with_audit(api: Api, store: Path) -> None:
    activity_id = api.as_("dpppa.staf").create()["id"]
    response = _upload(api, "dpppa.staf", activity_id, PDF, "kak.pdf")
    assert response.status_code == 201, response.json
    body = response.json
    digest = hashlib.sha256(PDF).hexdigest()
    assert body["content_type"] == "application/pdf" and body["sha256"] == digest
    assert (store / digest[:2] / digest[2:4] / digest).read_bytes() == PDF  # outside the DB
    # The type comes from the bytes: a PNG named .pdf is a PNG; a spreadsheet is recognised.
    png = _upload(api, "dpppa.staf", activity_id, PNG, "foto.pdf", "photo").json
    assert png["content_type"] == "image/png"
    assert _upload(api, "dpppa.staf", activity_id, _xlsx(), "rab.xlsx", "rab").status_code == 201

    download = api.as_("dpppa.kepala").get(f"/api/v1/attachments/{body['id']}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    listed = api.as_("bappeda.verifikator").get(f"/api/v1/activities/{activity_id}/attachments")
    assert [a["filename"] for a in listed.json] == ["kak.pdf", "foto.pdf", "rab.xlsx"]

    removed = api.as_("dpppa.staf").open("DELETE", f"/api/v1/attachments/{png['id']}")
    assert removed.status_code == 204
    assert api.as_("dpppa.staf").get(f"/api/v1/attachments/{png['id']}").status_code == 404
    with api.harness.session() as s:
        entries = s.execute(
            select(AuditEntry.action, AuditEntry.payload)
            .where(AuditEntry.activity_id == activity_id)
            .order_by(AuditEntry.seq)
        ).all()
    actions = [a for a, _ in entries]
    assert actions == [
        "create",
        "attachment_added",
        "attachment_added",
        "attachment_added",
        "attachment_removed",
    ]
    assert entries[1][1]["sha256"] == digest
    assert entries[4][1]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert api.harness.audit_breaks() == []


def test_wrong_type_too_big_and_too_many_are_refused(api: Api, store: Path) -> None:
    activity_id = api.as_("dpppa.staf").create()["id"]
    html = b"<html><script>alert(1)</script></html>"
    wrong = _upload(api, "dpppa.staf", activity_id, html, "kak.pdf")
    assert wrong.status_code == 422 and wrong.json["rules"][0]["code"] == "file_type"
    junk_zip = _upload(api, "dpppa.staf", activity_id, b"PK\x03\x04junk", "rab.xlsx")
    assert junk_zip.status_code == 422
    big = _upload(api, "dpppa.staf", activity_id, PDF + b"0" * 5000, "besar.pdf")
    assert big.status_code == 413
    for n in range(3):
        assert (
            _upload(api, "dpppa.staf", activity_id, PDF + bytes([n]), f"{n}.pdf").status_code == 201
        )
    assert _upload(api, "dpppa.staf", activity_id, PDF, "lagi.pdf").status_code == 422
    assert list(store.rglob("*")) and not any(
        p.read_bytes() == html for p in store.rglob("*") if p.is_file()
    )


def test_another_opd_gets_404_and_upload_after_submit_is_refused(api: Api, store: Path) -> None:
    activity_id = api.as_("dpppa.staf").create()["id"]
    attachment_id = _upload(api, "dpppa.staf", activity_id, PDF, "kak.pdf").json["id"]
    assert api.as_("dinsos.staf").get(f"/api/v1/attachments/{attachment_id}").status_code == 404
    assert (
        api.as_("sulteng.gubernur").get(f"/api/v1/attachments/{attachment_id}").status_code == 404
    )
    other = _upload(api, "dinsos.staf", activity_id, PDF, "kak.pdf")
    assert other.status_code == 404
    assert api.as_("dpppa.staf").act(activity_id, "submit").status_code == 200
    late = _upload(api, "dpppa.staf", activity_id, PNG, "foto.png", "photo")
    assert late.status_code == 409
    removal = api.as_("dpppa.staf").open("DELETE", f"/api/v1/attachments/{attachment_id}")
    assert removal.status_code == 409
    assert api.as_("dpppa.kepala").get(f"/api/v1/attachments/{attachment_id}").status_code == 200


def test_the_signed_sk_scan_is_attached_to_the_signoff(api: Api, store: Path) -> None:
    activity_id = api.as_("dpppa.staf").create()["id"]
    for user, action in (
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
    ):
        assert api.as_(user).act(activity_id, action).status_code == 200
    signed = api.as_("gubernur").act(activity_id, "sign", decree_number="G/288/V.09/HK/2023")
    signoff_id = signed.json["signoff_id"]
    path = f"/api/v1/signoffs/{signoff_id}/attachments"
    refused = api.as_("bappeda.verifikator").post(
        path, data={"file": (io.BytesIO(PDF), "sk.pdf")}, content_type="multipart/form-data"
    )
    assert refused.status_code == 403  # only a role that signs
    done = api.as_("gubernur").post(
        path, data={"file": (io.BytesIO(PDF), "sk.pdf")}, content_type="multipart/form-data"
    )
    assert done.status_code == 201 and done.json["kind"] == "sk"
    assert [a["filename"] for a in api.as_("dpppa.kepala").get(path).json] == ["sk.pdf"]
    assert api.as_("dinsos.staf").get(path).status_code == 404
    assert api.as_("dinsos.staf").get(f"/api/v1/attachments/{done.json['id']}").status_code == 404
    removal = api.as_("gubernur").open("DELETE", f"/api/v1/attachments/{done.json['id']}")
    assert removal.status_code == 409  # what was signed stays
