"""The empty matrix for a plan: the export's columns and title block, no rows, and a data
validation list on every coded column (pillar, locations, funding source, OPDs…) fed from a
hidden sheet holding the province's reference lists as people read them (labels)."""

from __future__ import annotations

from typing import IO

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from core.access import Actor
from core.documents.columns import CODES, Column
from core.documents.matrix_export import matrix_columns, plan_period, visible_plan
from core.documents.workbook import HEADER_ROW, cell, new_workbook, prepare_sheet, write_heading
from core.plugins import Registry

LISTS_SHEET = "Daftar"
TEMPLATE_ROWS = 1000  # rows offered with the lists; the import reads any row


def _validation(column: Column, ref: str) -> DataValidation:
    many = column.kind == CODES
    return DataValidation(
        type="list",
        formula1=ref,
        allow_blank=True,
        # Several codes go in one cell ("A; B"): Excel may only warn about what is not one item.
        errorStyle="warning" if many else "stop",
        showErrorMessage=True,
        errorTitle=column.header,
        error="Pilih dari daftar" + (" (beberapa dipisah titik koma)." if many else "."),
        promptTitle=column.header,
        prompt="Beberapa pilihan dipisah titik koma (;)." if many else "Pilih dari daftar.",
        showInputMessage=True,
    )


def write_template(
    session: Session, registry: Registry, actor: Actor, plan_id: int, out: IO[bytes]
) -> None:
    plan = visible_plan(session, actor, plan_id)
    runtime = registry.get(actor.province_code)
    matrix = matrix_columns(runtime, plan_period(plan))
    wb, ws = new_workbook()
    prepare_sheet(ws, matrix)
    coded = [(i, c) for i, c in enumerate(matrix.columns) if c.choices]
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    longest = max((len(c.choices) for _, c in coded), default=0)
    lists.append([cell(lists, c.header, "kepala") for _, c in coded])
    for r in range(longest):
        lists.append([c.choices[r].label if r < len(c.choices) else None for _, c in coded])
    first, last = HEADER_ROW + 1, HEADER_ROW + TEMPLATE_ROWS
    for n, (i, column) in enumerate(coded):
        letter = get_column_letter(n + 1)
        dv = _validation(column, f"{LISTS_SHEET}!${letter}$2:${letter}${len(column.choices) + 1}")
        target = get_column_letter(i + 1)
        dv.add(f"{target}{first}:{target}{last}")
        ws.data_validations.append(dv)
    write_heading(
        ws,
        matrix,
        f"Templat matriks {plan.title}",
        f"{runtime.info.name} · isi satu kegiatan per baris mulai baris {first}; "
        "kolom No. registrasi, Ditetapkan, OPD penanggung jawab dan Status diabaikan saat impor",
    )
    wb.save(out)
