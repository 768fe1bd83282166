"""The consolidated report as an Excel workbook, with the same numbers as the PDF
(``core.documents.monitoring_pdf``): one sheet per table — the summary per pillar, per OPD,
every activity, and the activities that have not reported — each under the title block and
header row every Sepakat workbook has (``core.documents.workbook``), with its totals in a last
row. Amounts are numbers in Rupiah format and shares numbers in a percent format, so a reader
can add them up in the sheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from openpyxl.styles import Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.documents.monitoring_pdf import title_of
from core.documents.workbook import HEADER_ROW, cell, styled_workbook
from core.services.monitoring import Consolidation, Group

PERCENT = '0.0"%"'
TOTAL = "Jumlah seluruhnya"
_thin = Side(style="thin", color="999999")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_STYLES = (
    NamedStyle("persen", number_format=PERCENT, border=_border),
    NamedStyle(
        "jumlah_persen",
        number_format=PERCENT,
        font=Font(bold=True),
        fill=PatternFill("solid", fgColor="F2F2F2"),
        border=_border,
    ),
)
# What each kind of value is styled as, in a body row and in the totals row.
_BODY = {"text": "isi", "money": "uang", "percent": "persen", "number": "isi"}
_TOTAL = {"text": "jumlah", "money": "jumlah_uang", "percent": "jumlah_persen", "number": "jumlah"}

Columns = Sequence[tuple[str, str, int]]  # (header, kind, width)

GROUP_COLUMNS: Columns = (
    ("", "text", 34),  # the group's name: "Pilar" or "OPD"
    ("Kegiatan", "number", 10),
    ("Laporan diterima", "number", 10),
    ("Anggaran terkonfirmasi (Rp)", "money", 20),
    ("Realisasi anggaran (Rp)", "money", 20),
    ("Realisasi anggaran (%)", "percent", 12),
    ("Capaian output rata-rata (%)", "percent", 14),
)
ACTIVITY_COLUMNS: Columns = (
    ("No.", "number", 6),
    ("Nomor registrasi", "text", 18),
    ("Kegiatan", "text", 44),
    ("Pilar", "text", 18),
    ("OPD", "text", 28),
    ("Status laporan", "text", 22),
    ("Anggaran terkonfirmasi (Rp)", "money", 20),
    ("Realisasi anggaran (Rp)", "money", 20),
    ("Realisasi anggaran (%)", "percent", 12),
    ("Target output", "number", 10),
    ("Realisasi output", "number", 10),
    ("Satuan", "text", 12),
    ("Capaian output (%)", "percent", 12),
)
MISSING_COLUMNS: Columns = (
    ("No.", "number", 6),
    ("Nomor registrasi", "text", 18),
    ("Kegiatan", "text", 44),
    ("Pilar", "text", 18),
    ("OPD", "text", 28),
    ("Keadaan", "text", 22),
    ("Terlambat (hari)", "number", 10),
)
NO_REPORT = "Belum ada laporan"


class _Sheet:
    def __init__(self, ws: Worksheet, columns: Columns, found: Consolidation, title: str) -> None:
        self.ws, self.columns = ws, columns
        for i, (_, _, width) in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.append([cell(ws, f"{title_of(found)} — {title}", "judul")])
        scope = "" if found.province_wide else " · hanya OPD pembaca"
        subtitle = f"{found.province} · {found.plan_title} · per {found.today:%d-%m-%Y}{scope}"
        ws.append([cell(ws, subtitle, "subjudul")])
        ws.append([])
        ws.append([cell(ws, header, "kepala") for header, _, _ in columns])

    def row(self, values: Sequence[Any], total: bool = False) -> None:
        styles = _TOTAL if total else _BODY
        self.ws.append(
            [
                cell(self.ws, v, styles[kind])
                for (_, kind, _), v in zip(self.columns, values, strict=True)
            ]
        )


def _group_values(g: Group, label: str) -> list[Any]:
    return [
        label,
        g.activities,
        g.accepted,
        g.confirmed,
        g.realised,
        g.budget_percent,
        g.output_percent,
    ]


def _groups(sheet: _Sheet, groups: Sequence[Group], found: Consolidation) -> None:
    for g in groups:
        sheet.row(_group_values(g, g.label))
    sheet.row(_group_values(found.total, TOTAL), total=True)


def write(found: Consolidation, out: IO[bytes]) -> None:
    """Write the workbook of ``found`` to ``out``."""
    wb = styled_workbook()
    for style in _STYLES:
        wb.add_named_style(style)
    for name, first, groups in (
        ("Ringkasan per pilar", "Pilar", found.pillars),
        ("Per OPD", "OPD", found.opds),
    ):
        columns = ((first, "text", 34), *GROUP_COLUMNS[1:])
        _groups(_Sheet(wb.create_sheet(name), columns, found, name), groups, found)

    sheet = _Sheet(wb.create_sheet("Per kegiatan"), ACTIVITY_COLUMNS, found, "Per kegiatan")
    for n, a in enumerate(found.activities, start=1):
        sheet.row(
            [
                n,
                a.registration_number,
                a.title,
                a.pillar_label,
                a.opd_name,
                a.state_label or NO_REPORT,
                a.confirmed,
                a.realised if a.accepted else None,
                a.budget_percent,
                a.output_target if a.accepted else None,
                a.output_realised if a.accepted else None,
                a.output_unit if a.accepted else None,
                a.output_percent,
            ]
        )
    t = found.total
    sheet.row(
        [
            *(None, None, f"{TOTAL} ({len(found.activities)} kegiatan)", None, None, None),
            *(t.confirmed, t.realised, t.budget_percent, None, None, None, t.output_percent),
        ],
        total=True,
    )

    missing = _Sheet(wb.create_sheet("Belum melapor"), MISSING_COLUMNS, found, "Belum melapor")
    if not found.overdue:
        due = f"{found.period.due_on:%d-%m-%Y}"
        missing.ws.append([cell(missing.ws, f"Batas laporan {due} belum terlewati.", "isi")])
    for n, m in enumerate(found.missing, start=1):
        missing.row(
            [
                n,
                m.registration_number,
                m.title,
                m.pillar_label,
                m.opd_name,
                m.state_label or NO_REPORT,
                m.days_late,
            ]
        )
    wb.save(out)
