"""The look every matrix workbook shares (export and template): styles, the title block, the
header row, column widths, frozen header and print setup. openpyxl's write-only mode: rows go
to a temporary file as they are appended, so a workbook never holds its rows in memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.documents.columns import Column, Matrix

RUPIAH = '"Rp" #,##0'
SHEET_TITLE = "Matriks"
HEADER_ROW = 4  # after the title block: title, subtitle, a blank row
_thin = Side(style="thin", color="999999")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def _styles() -> list[NamedStyle]:
    wrap = Alignment(wrap_text=True, vertical="top")
    return [
        NamedStyle("judul", font=Font(bold=True, size=14)),
        NamedStyle("subjudul", font=Font(italic=True, color="555555")),
        NamedStyle(
            "kepala",
            font=Font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor="1F4E79"),
            alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
            border=_border,
        ),
        NamedStyle("isi", alignment=wrap, border=_border),
        NamedStyle("uang", number_format=RUPIAH, border=_border, alignment=wrap),
        NamedStyle(
            "kelompok",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="DDEBF7"),
            border=_border,
        ),
        NamedStyle(
            "jumlah",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="F2F2F2"),
            border=_border,
        ),
        NamedStyle(
            "jumlah_uang",
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="F2F2F2"),
            number_format=RUPIAH,
            border=_border,
        ),
    ]


def styled_workbook() -> Workbook:
    """A write-only workbook with the shared named styles (``judul``, ``kepala``, ``uang``...)."""
    wb = Workbook(write_only=True)
    for style in _styles():
        wb.add_named_style(style)
    return wb


def new_workbook() -> tuple[Workbook, Worksheet]:
    wb = styled_workbook()
    return wb, wb.create_sheet(SHEET_TITLE)


def prepare_sheet(ws: Worksheet, matrix: Matrix) -> None:
    """What must be set before the first row: widths, frozen header, print setup."""
    for i, column in enumerate(matrix.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    title_col = get_column_letter(matrix.index("title") + 1)
    ws.freeze_panes = f"{title_col}{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def cell(ws: Worksheet, value: Any, style: str) -> WriteOnlyCell:
    out = WriteOnlyCell(ws, value=value)
    out.style = style
    return out


def write_heading(ws: Worksheet, matrix: Matrix, title: str, subtitle: str) -> None:
    ws.append([cell(ws, title, "judul")])
    ws.append([cell(ws, subtitle, "subjudul")])
    ws.append([])
    ws.append([cell(ws, c.header, "kepala") for c in matrix.columns])


def styled_row(ws: Worksheet, columns: Sequence[Column], values: Iterable[Any]) -> list[Any]:
    return [
        cell(ws, v, "uang" if c.path.endswith("_budget") else "isi")
        for c, v in zip(columns, values, strict=True)
    ]
