"""Attachments on the activity page (issue 13): upload (a multipart form with its CSRF token)
and removal while the activity is editable, the signed SK scan on a sealed sign-off, and
downloads authorised as the API's. A refused file comes back to the same page with its reason
and stores nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from core.models import Attachment
from tests.ui.conftest import Ui, text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LIMIT = 4096


@pytest.fixture
def store(app: Flask, tmp_path: Path) -> Path:
    app.config.update(ATTACHMENTS_DIR=str(tmp_path), ATTACHMENT_MAX_BYTES=LIMIT)
    return tmp_path


def _upload(
    ui: Ui, activity_id: int, data: bytes, name: str, kind: str = "tor", **kw: Any
) -> TestResponse:
    fields = {"file": (io.BytesIO(data), name), "kind": kind, **kw}
    return ui.post(f"/kegiatan/{activity_id}/lampiran", fields, content_type="multipart/form-data")


def _count(ui: Ui) -> int:
    with ui.harness.session() as s:
        query = select(func.count()).select_from(Attachment).where(Attachment.removed_at.is_(None))
        return int(s.execute(query).scalar_one())


def _page(ui: Ui, response: TestResponse) -> str:
    assert response.status_code == 302, text(response)[:500]
    assert response.location.endswith("#lampiran")
    return text(ui.get(response.location.split("#")[0]))


def _attachment_id(ui: Ui, name: str) -> int:
    with ui.harness.session() as s:
        return int(s.execute(select(Attachment.id).where(Attachment.filename == name)).scalar_one())


def test_upload_list_download_and_remove_while_editable(ui: Ui, store: Path) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    page = text(ui.get(f"/kegiatan/{draft}"))
    assert 'enctype="multipart/form-data"' in page and "Unggah berkas" in page
    shown = _page(ui, _upload(ui, draft, PDF, "kak.pdf"))
    assert "Berkas kak.pdf dilampirkan." in shown
    file_id = _attachment_id(ui, "kak.pdf")
    assert f'href="/lampiran/{file_id}"' in shown and "TOR/KAK" in shown
    download = ui.get(f"/lampiran/{file_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="kak.pdf"')
    gone = _page(ui, ui.post(f"/lampiran/{file_id}/hapus", {}))
    assert "Berkas kak.pdf dihapus." in gone and f'href="/lampiran/{file_id}"' not in gone
    assert ui.get(f"/lampiran/{file_id}").status_code == 404


@pytest.mark.parametrize(
    ("data", "name", "kind", "reason"),
    [
        (
            b"<html><script>alert(1)</script></html>",
            "rab.pdf",
            "rab",
            "Jenis berkas tidak diterima",
        ),
        (PDF + b"0" * LIMIT, "besar.pdf", "tor", "Berkas melebihi 4.096 bita."),
        (PDF, "kak.pdf", "bukan-jenis", "Pilih salah satu dari"),
        (b"", "", "tor", "Berkas wajib diunggah."),
    ],
    ids=["wrong-type", "too-big", "unknown-kind", "no-file"],
)
def test_a_refused_file_is_reported_on_the_same_page(
    ui: Ui, store: Path, data: bytes, name: str, kind: str, reason: str
) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    before = _count(ui)
    shown = _page(ui, _upload(ui, draft, data, name, kind))
    assert "Berkas tidak disimpan" in shown and reason in shown, shown[:3000]
    assert "<h1>" in shown and "Lampiran berkas" in shown  # the activity's own page
    assert _count(ui) == before and not any(store.iterdir())


def test_a_body_far_beyond_the_limit_is_refused_before_it_is_read(ui: Ui, store: Path) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    shown = _page(ui, _upload(ui, draft, PDF + b"0" * (LIMIT + 128 * 1024), "besar.pdf"))
    assert "Berkas tidak disimpan: berkas melebihi 4.096 bita." in shown
    assert _count(ui) == 0


def test_without_the_csrf_token_nothing_is_stored(ui: Ui, store: Path) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    response = ui.post(
        f"/kegiatan/{draft}/lampiran",
        {"file": (io.BytesIO(PDF), "kak.pdf"), "kind": "tor"},
        csrf=False,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and _count(ui) == 0


def test_no_upload_or_removal_once_submitted(ui: Ui, store: Path) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    _upload(ui, draft, PDF, "kak.pdf")
    file_id = _attachment_id(ui, "kak.pdf")
    ui.act(draft, "submit")
    page = text(ui.get(f"/kegiatan/{draft}"))
    assert "kak.pdf" in page and "Unggah berkas" not in page and "Hapus kak.pdf" not in page
    refused = _page(ui, _upload(ui, draft, PDF, "lagi.pdf"))
    assert "Lampiran tidak dapat diubah" in refused
    kept = _page(ui, ui.post(f"/lampiran/{file_id}/hapus", {}))
    assert "Lampiran tidak dapat diubah" in kept and f'href="/lampiran/{file_id}"' in kept
    assert _count(ui) == 1


def test_another_opd_cannot_download_or_remove(ui: Ui, store: Path) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    _upload(ui, draft, PDF, "kak.pdf")
    file_id = _attachment_id(ui, "kak.pdf")
    ui.post("/keluar", {})
    ui.login("dinsos.staf")
    assert ui.get(f"/lampiran/{file_id}").status_code == 404
    assert ui.post(f"/lampiran/{file_id}/hapus", {}).status_code == 404
    assert _count(ui) == 1
    ui.post("/keluar", {})
    ui.login("auditor")  # province-wide: sees it, downloads it, may not change it
    assert ui.get(f"/lampiran/{file_id}").status_code == 200
    assert "Hapus kak.pdf" not in text(ui.get(f"/kegiatan/{draft}"))


def test_a_hostile_file_name_cannot_break_the_download_header(ui: Ui, store: Path) -> None:
    draft = ui.create()
    ui.login("dpppa.staf")
    _page(ui, _upload(ui, draft, PDF, "x\x01\tX-Evil: 1; ñ.pdf"))
    with ui.harness.session() as s:
        record = s.execute(select(Attachment)).scalars().one()
    assert record.filename == "xX-Evil: 1; ñ.pdf"  # control characters dropped
    download = ui.get(f"/lampiran/{record.id}")
    assert "X-Evil" not in download.headers
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="xX-Evil: 1; _.pdf"; '
        "filename*=UTF-8''xX-Evil%3A%201%3B%20%C3%B1.pdf"
    )


def test_the_download_header_quotes_nothing_it_should_not() -> None:
    from web.attachment_files import disposition

    header = disposition('a"b\\c\r\nSet-Cookie: x.pdf')
    assert header.startswith('attachment; filename="a_b_c__Set-Cookie: x.pdf"; filename*=')
    assert "\r" not in header and "\n" not in header


def test_the_signed_sk_scan_on_the_sign_off(ui: Ui, store: Path) -> None:
    activity = ui.create()
    ui.harness.move(
        activity,
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
        ("gubernur", "sign", {"decree_number": "G/288/V.09/HK/2023"}),
    )
    ui.login("gubernur")
    page = text(ui.get(f"/kegiatan/{activity}"))
    assert "Pindaian SK bertanda tangan belum dilampirkan." in page and "Unggah pindaian SK" in page
    assert "Unggah berkas" not in page  # the activity itself is no longer editable
    action = next(
        line.split('action="')[1].split('"')[0]
        for line in page.splitlines()
        if "/penetapan/" in line and "/lampiran" in line and "action=" in line
    )
    response = ui.post(
        action, {"file": (io.BytesIO(PDF), "sk.pdf")}, content_type="multipart/form-data"
    )
    shown = _page(ui, response)
    assert "Berkas sk.pdf dilampirkan pada penetapan." in shown
    file_id = _attachment_id(ui, "sk.pdf")
    assert "Pindaian SK bertanda tangan" in shown and f'href="/lampiran/{file_id}"' in shown
    ui.post("/keluar", {})
    ui.login("dpppa.staf")  # sees the activity: reads the decree's scan, cannot add one
    staff_page = text(ui.get(f"/kegiatan/{activity}"))
    assert f'href="/lampiran/{file_id}"' in staff_page and "Unggah pindaian SK" not in staff_page
    assert ui.get(f"/lampiran/{file_id}").data == PDF
    refused = _page(
        ui,
        ui.post(action, {"file": (io.BytesIO(PDF), "x.pdf")}, content_type="multipart/form-data"),
    )
    assert "Berkas tidak disimpan" in refused
    ui.post("/keluar", {})
    ui.login("dinsos.staf")
    assert ui.get(f"/lampiran/{file_id}").status_code == 404
