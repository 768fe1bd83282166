"""The plan's matrix pages: download the matrix (with the list's filters) and the empty
template, and the import of a filled spreadsheet by an OPD operator. The work is
``core.documents``; the page shows every problem of a refused file by row and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core.access import Actor
from core.documents.columns import MONEY, Column
from core.documents.matrix_export import PlanMatrix, plan_matrix, visible_plan, write_matrix
from core.documents.matrix_import import ImportRefused, ImportResult, import_matrix
from core.documents.sipd_export import sipd_rows, write_sipd_csv, write_sipd_xlsx
from core.documents.template import write_template
from core.models import Plan
from core.policy import may_draft
from core.schemas import MatrixFilterSchema
from core.services import ListFilters
from web.extensions import session
from web.spreadsheets import csv_download, import_limits, xlsx_download
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.formatting import ribuan
from web.ui.forms import ID, filter_opds, parse_query
from web.ui.layout import registry, runtime

bp = ui_blueprint("matrix", __name__, "/rencana")

FILTERS = ("state", "year", "pillar", "opd", "q")


@bp.before_request
def _cap_upload() -> None:
    if request.endpoint == "matrix.upload":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


_filter_schema = MatrixFilterSchema()


def _filters() -> ListFilters:
    """The API's matrix filters: a value it refuses is a 422 page, never a 500 from the
    sheet (a control character in its heading) or from SQL."""
    return ListFilters(**parse_query(_filter_schema, request.args))


@bp.route("/")
def index() -> ResponseReturnValue:
    """The caller's province's plans; with one plan, straight to its page (filters kept)."""
    actor = current_actor()
    plans = (
        session()
        .execute(select(Plan).where(Plan.province_id == actor.province_id).order_by(Plan.id))
        .scalars()
        .all()
    )
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in FILTERS and v}
    if len(plans) == 1:
        return redirect(url_for(".plan", plan_id=plans[0].id, **args))
    return render_template("ui/matrix/plans.html", plans=plans, args=args)


# The page shows the matrix itself (to read and to print) up to this many activities; a
# larger one is the workbook's (it streams): the page says so and offers the filters.
MAX_SHOWN = 1000


@dataclass(frozen=True)
class Cell:
    header: str
    text: str
    money: bool


def _money(column: Column) -> bool:
    """Rupiah, proposed or confirmed (the confirmed column is read-only, not of kind MONEY)."""
    return column.kind == MONEY or column.path.endswith("_budget")


def _shown(actor: Actor, plan_id: int, filters: ListFilters) -> tuple[PlanMatrix, list[Any]]:
    """The matrix and its lines as table rows (``(kind, cells)``), or no rows when it holds
    more than ``MAX_SHOWN`` activities."""
    found = plan_matrix(session(), registry(), actor, plan_id, filters)
    if found.count > MAX_SHOWN:
        return found, []
    columns = found.matrix.columns
    rows = []
    for line in found.lines:
        cells = [
            Cell(
                c.header,
                ribuan(v) if c.kind == MONEY else "" if v is None else str(v),
                c.kind == MONEY,
            )
            for c, v in zip(columns, line.values, strict=True)
        ]
        rows.append((line.kind, cells))
    return found, rows


@bp.route(f"/<{ID}:plan_id>/")
def plan(plan_id: int) -> ResponseReturnValue:
    actor = current_actor()
    found = visible_plan(session(), actor, plan_id)
    args = {k: v for k, v in request.args.items() if k in FILTERS and v}
    rt = runtime()
    filters = _filters()
    shown, rows = _shown(actor, plan_id, filters)
    return render_template(
        "ui/matrix/plan.html",
        plan=found,
        args=args,
        matrix=shown,
        rows=rows,
        max_shown=MAX_SHOWN,
        filters=filters,
        states=rt.workflow.states,
        pillars=rt.reference.lists.get("pillars", []),
        opds=filter_opds(rt, actor),
        years=range(found.start_year, found.end_year + 1),
        can_import=may_draft(actor),
    )


@bp.route(f"/<{ID}:plan_id>/matriks.xlsx")
def download(plan_id: int) -> ResponseReturnValue:
    s, actor, filters = session(), current_actor(), _filters()
    return xlsx_download(
        lambda out: write_matrix(s, registry(), actor, plan_id, filters, out),
        f"matriks-rencana-{plan_id}.xlsx",
    )


@bp.route(f"/<{ID}:plan_id>/sipd.<any(csv, xlsx):kind>")
def sipd(plan_id: int, kind: str) -> ResponseReturnValue:
    """The SIPD-keyed export (``core.documents.sipd_export``), the list's filters applied."""
    rows = sipd_rows(session(), current_actor(), plan_id, _filters())
    name = f"sipd-rencana-{plan_id}.{kind}"
    if kind == "xlsx":
        return xlsx_download(lambda out: write_sipd_xlsx(rows, out), name)
    return csv_download(lambda out: write_sipd_csv(rows, out), name)


@bp.route(f"/<{ID}:plan_id>/templat.xlsx")
def template(plan_id: int) -> ResponseReturnValue:
    s, actor = session(), current_actor()
    return xlsx_download(
        lambda out: write_template(s, registry(), actor, plan_id, out),
        f"templat-rencana-{plan_id}.xlsx",
    )


def _page(plan: Plan, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template("ui/matrix/import.html", plan=plan, **context), status


@bp.route(f"/<{ID}:plan_id>/impor", methods=["GET", "POST"])
def upload(plan_id: int) -> ResponseReturnValue:
    actor = current_actor()
    found = visible_plan(session(), actor, plan_id)
    if not may_draft(actor):
        abort(403)  # as the API: only an OPD's operator drafts
    if request.method == "GET":
        return _page(found)
    file = request.files.get("file")
    dry_run = request.form.get("dry_run") == "1"
    try:
        result: ImportResult = import_matrix(
            session(),
            registry(),
            actor,
            plan_id,
            file.read() if file is not None else b"",
            import_limits(),
            dry_run=dry_run,
        )
    except ImportRefused as err:
        return _page(found, 422, problems=err.problems, dry_run=dry_run)
    if not dry_run:
        return _page(found, created=result.created)
    return _page(found, rows=result.rows, dry_run=True)
