"""Is an uploaded file a workbook openpyxl may open? Checked from the bytes, never the name,
before openpyxl sees them: the size, the signature (an HTML page or an encrypted workbook named
.xlsx is refused with its own message), the zip's entries and their total uncompressed size
(zip bombs), and only then the parse, where any failure is a refusal, never a crash."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from core.errors import RuleFailed, Violation
from core.messages import msg

ZIP_SIGNATURE = b"PK\x03\x04"
# Encrypted (password-protected) workbooks, and old .xls files, are OLE compound files.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ENTRIES = 2000
REQUIRED_ENTRIES = ("[Content_Types].xml", "xl/workbook.xml")


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_uncompressed: int
    max_rows: int


def refuse(code: str, message: str) -> RuleFailed:
    return RuleFailed([Violation(code, message, "file")])


def _signature_problem(data: bytes) -> RuleFailed | None:
    if data.startswith(ZIP_SIGNATURE):
        return None
    if data.startswith(OLE_SIGNATURE):
        return refuse(
            "file_encrypted",
            "Berkas dilindungi kata sandi atau berformat .xls lama; buka di Excel, hapus kata "
            "sandinya dan simpan sebagai .xlsx.",
        )
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<table", b"<")):
        return refuse(
            "file_html", "Berkas ini halaman HTML/XML yang dinamai .xlsx, bukan buku kerja Excel."
        )
    return refuse("file_not_xlsx", "Berkas bukan buku kerja Excel (.xlsx).")


def _zip_problem(data: bytes, limits: UploadLimits) -> RuleFailed | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return refuse("file_corrupt", "Berkas .xlsx rusak dan tidak dapat dibaca.")
    if len(entries) > MAX_ENTRIES:
        return refuse("file_too_many_parts", "Berkas .xlsx memuat terlalu banyak bagian.")
    # zipfile stops reading an entry at its declared size, so the declared sizes bound what
    # decompression can produce.
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed:
        return refuse(
            "file_too_large_unpacked",
            msg(
                "Isi berkas .xlsx terlalu besar setelah diurai (paling banyak {mb} MB).",
                mb=limits.max_uncompressed // (1024 * 1024),
            ),
        )
    names = {e.filename for e in entries}
    if any(name not in names for name in REQUIRED_ENTRIES):
        return refuse("file_not_xlsx", "Berkas bukan buku kerja Excel (.xlsx).")
    if any(e.flag_bits & 0x1 for e in entries):
        return refuse("file_encrypted", "Berkas dilindungi kata sandi; hapus kata sandinya dulu.")
    return None


def open_workbook(data: bytes, limits: UploadLimits) -> Any:
    """The workbook (read-only, values not formulas), or ``RuleFailed`` saying why not."""
    if not data:
        raise refuse("file_empty", "Berkas kosong.")
    if len(data) > limits.max_bytes:
        raise refuse(
            "file_too_large",
            msg("Berkas terlalu besar (paling banyak {mb} MB).", mb=limits.max_bytes // 2**20),
        )
    problem = _signature_problem(data) or _zip_problem(data, limits)
    if problem is not None:
        raise problem
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parse failure of a hostile or broken file is the user's 4xx
        raise refuse("file_corrupt", "Berkas .xlsx rusak dan tidak dapat dibaca.") from None
