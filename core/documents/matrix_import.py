"""A filled template (or an export) becomes drafts of the importing operator's OPD.

Rows → payloads (the API's JSON shape) → ``core.services.activities.build_draft``, which applies
every rule of ``POST /activities``; a violation is mapped back to its row and column. All or
nothing: any problem refuses the whole file and nothing is written; otherwise every draft is
written in ONE transaction (``insert_drafts``). A dry run stops after the checks.

Read back: labels or codes for coded columns (the export writes labels), several codes
separated by ``;``, amounts as numbers (or text such as ``150.000.000``). Columns the import does
not read (registration number, confirmed amounts, responsible OPD, state) are ignored: drafts are
always the importer's own OPD's, numbered afresh.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from core.access import Actor
from core.documents.columns import (
    CODE,
    CODES,
    HEADING_MARK,
    INFO,
    MONEY,
    TOTAL_MARK,
    Column,
    Matrix,
    matrix_columns,
    year_columns,
)
from core.documents.matrix_export import plan_period, visible_plan
from core.documents.upload import UploadLimits, open_workbook
from core.errors import RuleFailed, Violation
from core.messages import msg
from core.models import Activity
from core.plugins import Registry
from core.policy import ensure_may_draft
from core.services.activities import Draft, build_draft, insert_drafts

HEADER_SCAN = 20  # the header row is looked for in the first rows (the title block above it)
YEAR_HEADER = re.compile(r"^(target|usulan|ditetapkan)\s+(\d{4})\b", re.IGNORECASE)
THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$|^\d+$")
SPLIT = re.compile(r"\s*[;\n]\s*")


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: ``row`` is the sheet's row number, ``column`` the header (None for
    the whole file or the whole row), ``cell`` e.g. ``H7`` when both are known."""

    row: int | None
    column: str | None
    message: str
    code: str
    cell: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "message": self.message,
            "code": self.code,
        }


@dataclass
class ImportRefused(RuleFailed):
    """The file is refused (422), every problem listed; nothing was written."""

    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class RowPayload:
    row: int
    payload: dict[str, Any]
    years: tuple[int, ...]  # the payload's years in order, to map ``years.N`` back


@dataclass(frozen=True)
class ImportResult:
    dry_run: bool
    rows: tuple[RowPayload, ...]
    created: tuple[Activity, ...] = ()


@dataclass(frozen=True)
class Layout:
    """Where each read column is in the sheet (0-based index) and the header row's number."""

    header_row: int
    positions: dict[int, Column]

    def letter(self, path: str) -> tuple[str | None, str | None]:
        for index, column in self.positions.items():
            if column.path == path:
                return column.header, get_column_letter(index + 1)
        return None, None


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).lower() if value is not None else ""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_layout(rows: Sequence[tuple[int, tuple[Any, ...]]], matrix: Matrix) -> Layout:
    """The header row and its columns; a year outside the plan still gets its columns, so its
    cells are refused by the API's rule (year outside the plan) rather than silently dropped."""
    by_header = {_norm(c.header): c for c in matrix.columns}
    title = _norm(matrix.by_path["title"].header)
    for number, values in rows:
        if title not in (_norm(v) for v in values):
            continue
        positions: dict[int, Column] = {}
        for index, value in enumerate(values):
            key = _norm(value)
            column = by_header.get(key)
            if column is None and (m := YEAR_HEADER.match(key)):
                extra = {_norm(c.header): c for c in year_columns(int(m.group(2)))}
                column = extra.get(key)
            if column is not None:
                positions[index] = column
        return Layout(number, positions)
    raise ImportRefused(
        [Violation("file_no_header", "Baris judul kolom tidak ditemukan.", "file")],
        problems=[
            Problem(
                None,
                None,
                msg(
                    "Baris judul kolom (dengan kolom '{title}') tidak ditemukan; gunakan templat.",
                    title=matrix.by_path["title"].header,
                ),
                "file_no_header",
            )
        ],
    )


def as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def as_money(value: Any) -> Any:
    """An amount as an int where it plainly is one; anything else is passed on unchanged for
    the API's schema to refuse in its own words ("Harus berupa bilangan bulat.")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().removeprefix("Rp").removeprefix(".").strip()
        if THOUSANDS.match(text):
            return int(re.sub(r"[.,\s]", "", text))
        return value
    return as_text(value) if isinstance(value, dt.date) else value


def as_code(column: Column, value: Any) -> str:
    """A label or code as its code; an unknown one unchanged, for the API's rules to name."""
    text = as_text(value)
    wanted = _norm(text)
    for c in column.choices:
        if wanted in (_norm(c.code), _norm(c.label)):
            return c.code
    return text


def row_payload(plan_id: int, number: int, cells: dict[Column, Any]) -> RowPayload:
    payload: dict[str, Any] = {"plan_id": plan_id, "details": {}}
    years: dict[int, dict[str, Any]] = {}
    for column, value in cells.items():
        if column.kind == INFO or _is_blank(value):
            continue
        if column.year is not None:
            key = column.path.rsplit(".", 1)[-1]
            entry = years.setdefault(column.year, {"year": column.year})
            entry[key] = as_money(value) if column.kind == MONEY else as_text(value)
            continue
        if column.kind == CODES:
            parsed: Any = [as_code(column, v) for v in SPLIT.split(as_text(value)) if v]
        elif column.kind == CODE:
            parsed = as_code(column, value)
        else:
            parsed = as_text(value)
        if column.path.startswith("details."):
            payload["details"][column.path.removeprefix("details.")] = parsed
        else:
            payload[column.path] = parsed
    ordered = sorted(years)
    payload["years"] = [years[y] for y in ordered]
    return RowPayload(number, payload, tuple(ordered))


def read_rows(ws: Any, matrix: Matrix, max_rows: int) -> tuple[Layout, list[RowPayload]]:
    values = ws.iter_rows(values_only=True)
    head: list[tuple[int, tuple[Any, ...]]] = []
    for number, row in enumerate(values, 1):
        head.append((number, tuple(row)))
        if number >= HEADER_SCAN:
            break
    layout = find_layout(head, matrix)
    marks = {HEADING_MARK, TOTAL_MARK}
    out: list[RowPayload] = []

    def rows() -> Iterable[tuple[int, tuple[Any, ...]]]:
        yield from (r for r in head if r[0] > layout.header_row)
        yield from enumerate(values, len(head) + 1)

    for number, row in rows():
        cells = {c: row[i] if i < len(row) else None for i, c in layout.positions.items()}
        if all(_is_blank(v) for v in cells.values()):
            continue
        if row and isinstance(row[0], str) and row[0].strip().upper() in marks:
            continue
        if len(out) >= max_rows:
            message = msg("Paling banyak {n} baris kegiatan per berkas.", n=max_rows)
            raise ImportRefused(
                [Violation("file_too_many_rows", message, "file")],
                problems=[Problem(number, None, message, "file_too_many_rows")],
            )
        out.append(row_payload(0, number, cells))
    return layout, out


def column_of(field_path: str, row: RowPayload) -> str:
    """The matrix path a violation's field names (``years.1.proposed_budget`` → that year's)."""
    parts = field_path.split(".")
    if parts[0] == "years" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        year = row.years[index] if index < len(row.years) else None
        key = parts[2] if len(parts) > 2 and parts[2] != "year" else "proposed_budget"
        return f"years.{year}.{key}" if year is not None else "years"
    if parts[0] == "details" and len(parts) >= 2:
        return f"details.{parts[1]}"
    return parts[0]


def _problems(err: RuleFailed, row: RowPayload, layout: Layout) -> list[Problem]:
    out = []
    for v in err.violations:
        header, letter = layout.letter(column_of(v.field, row))
        out.append(
            Problem(row.row, header, v.message, v.code, f"{letter}{row.row}" if letter else None)
        )
    return out


def _refused(problems: list[Problem]) -> ImportRefused:
    return ImportRefused(
        [Violation(p.code, p.message, p.column or "file") for p in problems], problems=problems
    )


def import_matrix(
    session: Session,
    registry: Registry,
    actor: Actor,
    plan_id: int,
    data: bytes,
    limits: UploadLimits,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row of the workbook ``data`` and, unless ``dry_run``, create the drafts.
    404 for another province's plan and 403 for a caller who may not draft come first."""
    plan = visible_plan(session, actor, plan_id)
    ensure_may_draft(actor)
    runtime = registry.get(actor.province_code)
    matrix = matrix_columns(runtime, plan_period(plan))
    try:
        wb = open_workbook(data, limits)
    except RuleFailed as err:
        raise _refused([Problem(None, None, v.message, v.code) for v in err.violations]) from None
    try:
        layout, parsed = read_rows(wb.worksheets[0], matrix, limits.max_rows)
    except ImportRefused:
        raise
    except Exception:  # a sheet openpyxl opened but cannot read through is still the user's
        raise _refused(
            [Problem(None, None, "Berkas .xlsx rusak dan tidak dapat dibaca.", "file_corrupt")]
        ) from None
    finally:
        wb.close()
    missing = [
        c.header for c in matrix.columns if c.required and c not in layout.positions.values()
    ]
    if missing:
        raise _refused(
            [
                Problem(layout.header_row, h, msg("Kolom '{h}' tidak ada.", h=h), "column_missing")
                for h in missing
            ]
        )
    if not parsed:
        raise _refused([Problem(None, None, "Tidak ada baris kegiatan.", "file_no_rows")])
    rows = tuple(RowPayload(r.row, {**r.payload, "plan_id": plan.id}, r.years) for r in parsed)
    drafts: list[Draft] = []
    problems: list[Problem] = []
    try:
        for row in rows:
            try:
                drafts.append(build_draft(session, registry, actor, row.payload))
            except RuleFailed as err:
                problems.extend(_problems(err, row, layout))
        if problems:
            raise _refused(problems)
        if dry_run:
            return ImportResult(True, rows)
    finally:
        if problems or dry_run:
            session.rollback()  # e.g. a workflow definition the checks stored for the drafts
    created = insert_drafts(session, registry, actor, drafts)
    return ImportResult(False, rows, tuple(created))
