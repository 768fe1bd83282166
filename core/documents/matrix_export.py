"""The plan's matrix as an Excel workbook: the activities the caller may see (the list filters
apply), grouped by pillar and within it by responsible OPD, with a subtotal per OPD and per
pillar and a grand total.

Memory stays flat whatever the plan's size: the ids are read first (three small columns), then
the activities in chunks of ``CHUNK`` in the printed order, each chunk written and dropped from
the session; openpyxl's write-only mode keeps the written rows in a temporary file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor
from core.documents.columns import (
    CODE,
    CODES,
    HEADING_MARK,
    LIST_SEPARATOR,
    TOTAL_MARK,
    Column,
    Matrix,
    matrix_columns,
)
from core.documents.workbook import cell, new_workbook, prepare_sheet, styled_row, write_heading
from core.errors import NotFound
from core.models import Activity, Opd, Plan, utcnow
from core.plugins import ProvinceRuntime, Registry
from core.services.queries import ListFilters, apply_filters
from core.timezones import local_date

CHUNK = 500


def visible_plan(session: Session, actor: Actor, plan_id: int) -> Plan:
    """The plan, if it is the caller's province's; another province's is not found."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.province_id != actor.province_id:
        raise NotFound("Rencana aksi tidak ditemukan.")
    return plan


def plan_period(plan: Plan) -> tuple[int, ...]:
    return tuple(range(plan.start_year, plan.end_year + 1))


def code_labels(column: Column, value: Any) -> str:
    """A coded value as people read it: each code's label from the reference data."""
    labels = {c.code: c.label for c in column.choices}
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    return LIST_SEPARATOR.join(labels.get(str(v), str(v)) for v in values)


@dataclass
class Totals:
    """Sums of proposed and confirmed budget per year for one group."""

    proposed: dict[int, int] = field(default_factory=dict)
    confirmed: dict[int, int] = field(default_factory=dict)

    def add(self, activity: Activity) -> None:
        for y in activity.years:
            self.proposed[y.year] = self.proposed.get(y.year, 0) + y.proposed_budget
            self.confirmed[y.year] = self.confirmed.get(y.year, 0) + (y.confirmed_budget or 0)


class MatrixWriter:
    """Turns activities into rows of ``matrix``'s columns."""

    def __init__(self, session: Session, runtime: ProvinceRuntime, matrix: Matrix) -> None:
        self.session, self.runtime, self.matrix = session, runtime, matrix
        self._labels: dict[str, Any] = {}

    def state_label(self, activity: Activity) -> str:
        version = activity.workflow_version
        if version not in self._labels:
            self._labels[version] = self.runtime.workflow_version(self.session, version)
        return str(self._labels[version].label(activity.state))

    def value(self, column: Column, activity: Activity, number: int) -> Any:
        path = column.path
        if path == "no":
            return number
        if path == "registration_number":
            return activity.registration_number
        if path == "opd":
            return activity.opd.name
        if path == "state":
            return self.state_label(activity)
        if path.startswith("years."):
            _, year, key = path.split(".")
            row = next((y for y in activity.years if y.year == int(year)), None)
            return None if row is None else getattr(row, key)
        raw = (
            (activity.details or {}).get(path.removeprefix("details."))
            if path.startswith("details.")
            else getattr(activity, path)
        )
        if column.kind in (CODE, CODES) and column.choices:
            return code_labels(column, raw)
        if isinstance(raw, list):
            return LIST_SEPARATOR.join(str(v) for v in raw)
        return raw

    def row(self, activity: Activity, number: int) -> list[Any]:
        return [self.value(c, activity, number) for c in self.matrix.columns]

    def total_row(self, label: str, totals: Totals) -> list[Any]:
        out: list[Any] = []
        for c in self.matrix.columns:
            if c.path == "no":
                out.append(TOTAL_MARK)
            elif c.path == "title":
                out.append(label)
            elif c.year is not None and c.path.endswith("proposed_budget"):
                out.append(totals.proposed.get(c.year, 0))
            elif c.year is not None and c.path.endswith("confirmed_budget"):
                out.append(totals.confirmed.get(c.year, 0))
            else:
                out.append(None)
        return out

    def heading_row(self, label: str) -> list[Any]:
        return [
            HEADING_MARK if c.path == "no" else label if c.path == "title" else None
            for c in self.matrix.columns
        ]


def ordered_ids(
    session: Session, actor: Actor, runtime: ProvinceRuntime, plan: Plan, filters: ListFilters
) -> list[int]:
    """The visible activities' ids in the printed order: pillar (reference order), OPD, id."""
    pillars = {c.code: i for i, c in enumerate(runtime.reference.lists.get("pillars", []))}
    scoped = ListFilters(**{**filters.__dict__, "plan_id": plan.id})
    stmt = apply_filters(
        select(Activity.id, Activity.pillar, Opd.name).join(Opd, Opd.id == Activity.opd_id),
        actor,
        scoped,
    )
    rows = list(session.execute(stmt).all())
    rows.sort(key=lambda r: (pillars.get(r[1], len(pillars)), r[1], r[2], r[0]))
    return [r[0] for r in rows]


def _activities(session: Session, ids: Sequence[int]) -> Iterator[Activity]:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = {
            a.id: a
            for a in session.execute(select(Activity).where(Activity.id.in_(chunk))).scalars()
        }
        for activity_id in chunk:
            if activity_id in found:  # one removed since the ids were read is left out
                yield found[activity_id]
        for activity in found.values():
            for year in activity.years:
                session.expunge(year)
            session.expunge(activity)


def subtitle(runtime: ProvinceRuntime, plan: Plan, filters: ListFilters) -> str:
    today = local_date(utcnow(), runtime.info.timezone)
    shown = [
        f"{k}={v}"
        for k, v in (
            ("status", filters.state),
            ("tahun", filters.year),
            ("pilar", filters.pillar),
            ("opd", filters.opd),
            ("cari", filters.q),
        )
        if v
    ]
    parts = [runtime.info.name, plan.decree_number, f"dicetak {today:%d-%m-%Y}"]
    if shown:
        parts.append("saringan: " + ", ".join(shown))
    return " · ".join(parts)


@dataclass(frozen=True)
class MatrixLine:
    """One line of the matrix in printed order: a pillar's ``heading``, an ``activity`` or a
    ``total`` (per OPD, per pillar, and the grand total last); ``values`` follow the columns."""

    kind: str
    values: list[Any]


@dataclass
class PlanMatrix:
    """A plan's matrix for the caller: its columns, the subtitle, and its lines (a generator:
    read once, in chunks, as the workbook or the page consumes it)."""

    plan: Plan
    matrix: Matrix
    subtitle: str
    count: int  # activities in it (as their ids were read, before the lines)
    lines: Iterator[MatrixLine]


def plan_matrix(
    session: Session, registry: Registry, actor: Actor, plan_id: int, filters: ListFilters
) -> PlanMatrix:
    """The matrix of the plan's activities the caller may see, under the list ``filters``."""
    plan = visible_plan(session, actor, plan_id)
    runtime = registry.get(actor.province_code)
    matrix = matrix_columns(runtime, plan_period(plan))
    ids = ordered_ids(session, actor, runtime, plan, filters)
    lines = _lines(session, runtime, matrix, ids)
    return PlanMatrix(plan, matrix, subtitle(runtime, plan, filters), len(ids), lines)


def _lines(
    session: Session, runtime: ProvinceRuntime, matrix: Matrix, ids: Sequence[int]
) -> Iterator[MatrixLine]:
    pillar_labels = {c.code: c.label for c in runtime.reference.lists.get("pillars", [])}
    writer = MatrixWriter(session, runtime, matrix)

    def total(label: str, totals: Totals) -> MatrixLine:
        return MatrixLine("total", writer.total_row(label, totals))

    grand, pillar_totals, opd_totals = Totals(), Totals(), Totals()
    pillar: str | None = None
    opd: Opd | None = None
    for number, activity in enumerate(_activities(session, ids), start=1):
        if opd is not None and (activity.pillar != pillar or activity.opd_id != opd.id):
            yield total(f"Jumlah {opd.name}", opd_totals)
            opd_totals = Totals()
        if pillar is not None and activity.pillar != pillar:
            yield total(f"Jumlah pilar {pillar_labels.get(pillar, pillar)}", pillar_totals)
            pillar_totals = Totals()
        if activity.pillar != pillar:
            pillar = activity.pillar
            label = f"Pilar {pillar_labels.get(pillar, pillar)}"
            yield MatrixLine("heading", writer.heading_row(label))
        opd = activity.opd
        yield MatrixLine("activity", writer.row(activity, number))
        for totals in (grand, pillar_totals, opd_totals):
            totals.add(activity)
    if opd is not None and pillar is not None:
        yield total(f"Jumlah {opd.name}", opd_totals)
        yield total(f"Jumlah pilar {pillar_labels.get(pillar, pillar)}", pillar_totals)
    yield total("Jumlah seluruhnya", grand)


def write_matrix(
    session: Session,
    registry: Registry,
    actor: Actor,
    plan_id: int,
    filters: ListFilters,
    out: IO[bytes],
) -> int:
    """Write the plan's matrix workbook to ``out``; returns how many activities it holds."""
    found = plan_matrix(session, registry, actor, plan_id, filters)
    matrix, columns = found.matrix, found.matrix.columns
    wb, ws = new_workbook()
    prepare_sheet(ws, matrix)
    write_heading(ws, matrix, f"Matriks {found.plan.title}", found.subtitle)
    for line in found.lines:
        if line.kind == "heading":
            ws.append([cell(ws, v, "kelompok") for v in line.values])
        elif line.kind == "activity":
            ws.append(styled_row(ws, columns, line.values))
        else:
            ws.append(
                [
                    cell(ws, v, "jumlah_uang" if c.path.endswith("_budget") else "jumlah")
                    for c, v in zip(columns, line.values, strict=True)
                ]
            )
    wb.save(out)
    return found.count
