"""The SIPD-keyed export: one row per sub-kegiatan code × OPD SIPD unit code × year with the
confirmed amount, so Bappeda can load a plan into SIPD without re-keying it.

What counts is what is *confirmed*: an activity year whose ``confirmed_budget`` is set. That is
exactly the budget booked against the OPD's pagu (the move that ``books_budget`` sets it, one
that ``releases_budget`` clears it again), so an activity waiting for sign-off, signed, or in a
province's later step counts, and a draft, a returned or a rejected one never does, whatever
the province calls its states. Scope is the caller's, as in the matrix export; an OPD without
a SIPD unit code keeps its rows with the column empty, so the gap is visible, not lost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor
from core.documents.matrix_export import visible_plan
from core.documents.workbook import RUPIAH
from core.models import Activity, ActivityYear, Opd
from core.services.queries import ListFilters, apply_filters

HEADERS = (
    "kode_sub_kegiatan",
    "kode_unit_sipd",
    "kode_opd",
    "nama_opd",
    "tahun",
    "anggaran_terkonfirmasi",
    "jumlah_kegiatan",
)
LABELS = (
    "Kode sub-kegiatan",
    "Kode unit SIPD",
    "Kode OPD",
    "Nama OPD",
    "Tahun",
    "Anggaran terkonfirmasi (Rp)",
    "Jumlah kegiatan",
)


@dataclass(frozen=True)
class SipdRow:
    sub_activity_code: str
    sipd_code: str
    opd: str
    opd_name: str
    year: int
    confirmed: int
    activities: int

    def values(self) -> tuple[str | int, ...]:
        return (
            self.sub_activity_code,
            self.sipd_code,
            self.opd,
            self.opd_name,
            self.year,
            self.confirmed,
            self.activities,
        )


def sipd_rows(
    session: Session, actor: Actor, plan_id: int, filters: ListFilters | None = None
) -> list[SipdRow]:
    """The plan's confirmed amounts the caller may see, summed per sub-kegiatan code, OPD and
    year, in that order."""
    plan = visible_plan(session, actor, plan_id)
    # The year filter picks the rows' own year here (the list's EXISTS over the activity's
    # years would correlate away the activity_years this query already joins).
    given = (filters or ListFilters()).__dict__
    scoped = ListFilters(**{**given, "plan_id": plan.id, "year": None})
    stmt = apply_filters(
        select(
            Activity.details,
            Opd.code,
            Opd.name,
            Opd.sipd_code,
            ActivityYear.year,
            ActivityYear.confirmed_budget,
        )
        .join(Opd, Opd.id == Activity.opd_id)
        .join(ActivityYear, ActivityYear.activity_id == Activity.id)
        .where(ActivityYear.confirmed_budget.is_not(None)),
        actor,
        scoped,
    )
    if given.get("year"):
        stmt = stmt.where(ActivityYear.year == given["year"])
    sums: dict[tuple[str, str, str, int], list[int]] = {}
    names: dict[str, str] = {}
    for details, opd, name, sipd, year, amount in session.execute(stmt):
        code = str((details or {}).get("sub_activity_code") or "")
        key = (code, sipd or "", opd, int(year))
        total = sums.setdefault(key, [0, 0])
        total[0] += int(amount)
        total[1] += 1
        names[opd] = name
    return [
        SipdRow(code, sipd, opd, names[opd], year, total, count)
        for (code, sipd, opd, year), (total, count) in sorted(sums.items())
    ]


def write_sipd_csv(rows: list[SipdRow], out: IO[bytes]) -> None:
    """UTF-8 with a byte-order mark (Excel opens it with the right characters), comma
    separated, machine headers; amounts as plain integer rupiah."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(r.values() for r in rows)
    text.flush()
    text.detach()  # the caller owns ``out``


def _sheet_rows(rows: list[SipdRow]) -> Iterator[tuple[str | int, ...]]:
    yield LABELS
    yield from (r.values() for r in rows)


def write_sipd_xlsx(rows: list[SipdRow], out: IO[bytes]) -> None:
    """One sheet, the header row frozen, amounts in the Rupiah format."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("SIPD")
    ws.freeze_panes = "A2"
    for i, width in enumerate((22, 26, 16, 40, 8, 22, 10)):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    bold = Font(bold=True)
    for n, values in enumerate(_sheet_rows(rows)):
        cells = []
        for i, value in enumerate(values):
            c = WriteOnlyCell(ws, value=value)
            if n == 0:
                c.font = bold
            elif i == 5:
                c.number_format = RUPIAH
            cells.append(c)
        ws.append(cells)
    wb.save(out)


__all__ = ["HEADERS", "SipdRow", "sipd_rows", "write_sipd_csv", "write_sipd_xlsx"]
