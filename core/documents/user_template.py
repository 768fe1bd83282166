"""The bulk import's template (``core.documents.user_import``): the header row, one example
row, the NIP column formatted as text (an 18-digit number does not survive as an Excel number),
and a second sheet listing the province's roles and OPD codes."""

from __future__ import annotations

from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from core.access import Actor
from core.documents.user_import import COLUMNS
from core.plugins import Registry
from core.policy import ensure_may_administer
from core.services.users import declared_roles, province_opds

EXAMPLE = (
    "rina.dpppa",
    "Rina Wulandari",
    "rina@contoh.go.id",
    "19860926 201505 2 001",
    "opd_staff",
    "dpppa",
)
WIDTHS = (18, 30, 30, 24, 18, 14)


def write_user_template(session: Session, registry: Registry, actor: Actor, out: IO[bytes]) -> None:
    ensure_may_administer(actor)
    wb = Workbook()
    ws = wb.active
    ws.title = "Pengguna"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.append(list(EXAMPLE))
    for letter, width in zip("ABCDEF", WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    for row in range(2, 1002):
        ws[f"D{row}"].number_format = "@"
    ws.freeze_panes = "A2"
    ref = wb.create_sheet("Petunjuk")
    ref.append(["Peran (kolom role)", "Nama peran", "Perlu kode OPD"])
    for info in declared_roles(registry, actor).values():
        ref.append([info.code, info.label, "ya" if info.scope == "opd" else "tidak"])
    ref.append([])
    ref.append(["Kode OPD (kolom opd)", "Nama OPD"])
    for code, opd in sorted(province_opds(session, actor.province_id).items()):
        ref.append([code, opd.name])
    ref.column_dimensions["A"].width = 22
    ref.column_dimensions["B"].width = 50
    wb.save(out)
