"""Accounts in bulk from a CSV or XLSX file: one row per user, all or nothing.

Columns (the header row names them; Indonesian names are accepted too): ``username``,
``full_name`` (nama lengkap), ``email``, ``nip``, ``role`` (peran: a code or its label; several
separated by ``;``), ``opd`` (kode OPD, for OPD-scoped roles). Every row goes through the checks
of a single new account (``core.services.users.prepare_user``), against the database and the
rows above it (a username or address twice in one file is refused too); every problem is
reported as ``{row, column, message}`` and then nothing is created. Otherwise every account is
written in ONE transaction, each with its ``user.create`` audit entry; a dry run stops after the
checks. The accounts get no usable password: each holder chooses one through a reset link.

The file is recognised by its bytes: a ZIP is a workbook, opened with the upload checks of the
matrix import (``core.documents.upload``: size, signature, zip bombs); anything else must be
UTF-8 text (a BOM is fine), with ``,``, ``;`` or tab between the cells.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from core.access import Actor
from core.documents.matrix_import import ImportRefused, Problem
from core.documents.upload import ZIP_SIGNATURE, UploadLimits, open_workbook
from core.errors import RuleFailed, Violation
from core.messages import N_, msg
from core.models import User
from core.plugins import Registry
from core.policy import ensure_may_administer
from core.services.users import (
    PreparedUser,
    add_users,
    declared_roles,
    prepare_user,
    province_opds,
    taken_emails,
    taken_usernames,
    today_in,
)
from core.types import RoleInfo
from core.unit_of_work import unit_of_work

COLUMNS = ("username", "full_name", "email", "nip", "role", "opd")
REQUIRED = ("username", "full_name", "email", "role")
ALIASES = {
    "username": "username",
    "namapengguna": "username",
    "fullname": "full_name",
    "namalengkap": "full_name",
    "nama": "full_name",
    "email": "email",
    "surel": "email",
    "nip": "nip",
    "role": "role",
    "roles": "role",
    "peran": "role",
    "opd": "opd",
    "opdcode": "opd",
    "kodeopd": "opd",
}
SPLIT = re.compile(r"\s*[;\n]\s*")
IMPORT_REASON = "impor massal"


@dataclass(frozen=True)
class ImportedRow:
    row: int
    user: PreparedUser


@dataclass(frozen=True)
class UsersImport:
    dry_run: bool
    rows: tuple[ImportedRow, ...]
    created: tuple[User, ...] = ()


def _key(header: Any) -> str | None:
    text = re.sub(r"[^a-z]", "", str(header or "").lower())
    return ALIASES.get(text)


def _refused(problems: list[Problem]) -> ImportRefused:
    return ImportRefused(
        [Violation(p.code, p.message, p.column or "file") for p in problems], problems=problems
    )


def _file_problem(code: str, message: str) -> ImportRefused:
    return _refused([Problem(None, None, message, code)])


def _csv_rows(data: bytes, limits: UploadLimits) -> Iterator[tuple[Any, ...]]:
    if not data:
        raise _file_problem("file_empty", N_("Berkas kosong."))
    if len(data) > limits.max_bytes:
        raise _file_problem(
            "file_too_large",
            msg("Berkas terlalu besar (paling banyak {mb} MB).", mb=limits.max_bytes // 2**20),
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_problem(
            "file_not_csv", N_("Berkas bukan CSV (teks UTF-8) maupun buku kerja Excel (.xlsx).")
        ) from None
    if "\x00" in text:
        raise _file_problem(
            "file_not_csv", N_("Berkas bukan CSV (teks UTF-8) maupun buku kerja Excel (.xlsx).")
        )
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    yield from (tuple(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter))


def _sheet_rows(data: bytes, limits: UploadLimits) -> Iterator[tuple[Any, ...]]:
    try:
        wb = open_workbook(data, limits)
    except RuleFailed as err:
        raise _refused([Problem(None, None, v.message, v.code) for v in err.violations]) from None
    try:
        yield from wb.worksheets[0].iter_rows(values_only=True)
    except Exception:  # a sheet openpyxl opened but cannot read through is still the user's
        raise _file_problem("file_corrupt", "Berkas .xlsx rusak dan tidak dapat dibaca.") from None
    finally:
        wb.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class _Row:
    number: int
    cells: dict[str, Any]


def read_rows(data: bytes, limits: UploadLimits) -> tuple[dict[str, int], list[_Row]]:
    """The header's columns (name → 0-based index) and the non-blank rows below it."""
    rows = (_sheet_rows if data.startswith(ZIP_SIGNATURE) else _csv_rows)(data, limits)
    positions: dict[str, int] | None = None
    out: list[_Row] = []
    for number, values in enumerate(rows, 1):
        if all(_blank(v) for v in values):
            continue
        if positions is None:
            positions = {}
            for index, header in enumerate(values):
                key = _key(header)
                if key and key not in positions:
                    positions[key] = index
            missing = [c for c in REQUIRED if c not in positions]
            if missing:
                raise _refused(
                    [
                        Problem(number, c, msg("Kolom '{c}' tidak ada.", c=c), "column_missing")
                        for c in missing
                    ]
                )
            continue
        if len(out) >= limits.max_rows:
            message = msg("Paling banyak {n} baris pengguna per berkas.", n=limits.max_rows)
            raise _refused([Problem(number, None, message, "file_too_many_rows")])
        cells = {k: values[i] if i < len(values) else None for k, i in positions.items()}
        out.append(_Row(number, cells))
    if positions is None:
        raise _file_problem(
            "file_no_header", N_("Baris judul kolom tidak ditemukan; gunakan templat.")
        )
    if not out:
        raise _file_problem("file_no_rows", N_("Tidak ada baris pengguna."))
    return positions, out


def _role_code(text: str, roles: dict[str, RoleInfo]) -> str:
    wanted = text.strip().lower()
    for info in roles.values():
        if wanted in (info.code.lower(), info.label.lower()):
            return info.code
    return text.strip()


def _payload(row: _Row, roles: dict[str, RoleInfo]) -> tuple[dict[str, Any], list[Problem]]:
    cells = row.cells
    problems: list[Problem] = []
    payload: dict[str, Any] = {}
    for key in ("username", "full_name", "email"):
        payload[key] = "" if _blank(cells.get(key)) else _text(cells[key])
    nip = cells.get("nip")
    if isinstance(nip, int | float) and not isinstance(nip, bool):
        # Excel holds an 18-digit number as a double: its last digits are already lost.
        problems.append(
            Problem(
                row.number,
                "nip",
                N_(
                    "NIP tersimpan sebagai angka sehingga digit terakhirnya hilang; ketik NIP "
                    "sebagai teks (format sel Teks, seperti pada templat)."
                ),
                "nip_number_cell",
            )
        )
    elif not _blank(nip):
        payload["nip"] = _text(nip)
    opd = None if _blank(cells.get("opd")) else _text(cells["opd"]).lower()
    wanted = [] if _blank(cells.get("role")) else SPLIT.split(_text(cells["role"]))
    grants = []
    for code in (_role_code(w, roles) for w in wanted if w):
        scoped = roles.get(code) is not None and roles[code].scope == "opd"
        grants.append({"role": code, "opd": opd if scoped else None})
    if not grants:
        problems.append(Problem(row.number, "role", N_("Isi peran pengguna."), "required"))
    payload["roles"] = grants
    return payload, problems


def _column(field: str) -> str:
    """The import's column a violation's field names (``roles.0.opd`` → ``opd``)."""
    parts = field.split(".")
    if parts[0] == "roles":
        return parts[-1] if len(parts) > 2 else "role"
    return parts[0]


def import_users(
    session: Session,
    registry: Registry,
    actor: Actor,
    data: bytes,
    limits: UploadLimits,
    *,
    dry_run: bool = False,
) -> UsersImport:
    """Check every row of ``data`` and, unless ``dry_run``, create every account (403 for a
    non-admin before the file is even read)."""
    ensure_may_administer(actor)
    _, rows = read_rows(data, limits)
    roles = declared_roles(registry, actor)
    opds = province_opds(session, actor.province_id)
    today = today_in(session, actor.province_id)
    payloads = [_payload(r, roles) for r in rows]
    names = taken_usernames(session, (p["username"].lower() for p, _ in payloads))
    emails = taken_emails(session, (p["email"] for p, _ in payloads if p["email"]))
    problems: list[Problem] = []
    prepared: list[ImportedRow] = []
    for row, (payload, early) in zip(rows, payloads, strict=True):
        problems += early
        try:
            user = prepare_user(
                payload, roles, opds, today, taken_names=names, taken_addresses=emails
            )
        except RuleFailed as err:
            problems += [
                Problem(row.number, _column(v.field), v.message, v.code) for v in err.violations
            ]
            names.add(payload["username"].lower())
            emails.add(payload["email"].lower())
            continue
        if not early:
            prepared.append(ImportedRow(row.number, user))
        names.add(user.username)
        emails.add(user.email.lower())
    if problems:
        raise _refused(problems)
    if dry_run:
        return UsersImport(True, tuple(prepared))
    with unit_of_work(session) as s:
        created = add_users(s, actor, [r.user for r in prepared], reason=IMPORT_REASON)
    return UsersImport(False, tuple(prepared), tuple(created))


__all__ = ["COLUMNS", "ImportedRow", "UsersImport", "import_users", "read_rows"]
