"""Progress reports on the pages (issue 14): the "Laporan realisasi" section of a signed
activity's page, the report list (*Laporan*), the report form (create, and edit while the
report is editable), and the report page with its evidence, its actions and its history.

Every rule is ``core.services.reports``' (the API's): the pages only shape what an official
types into the API's payload (``web.ui.report_forms``) and show what the core answers. A form
the core refuses comes back with every message by its field and nothing written; a move the
core refuses comes back on the report page. The report workflow is data: the pages branch on a
state's kind and a transition's flags, never on their names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from core.deadlines import report_windows
from core.errors import Conflict, RuleFailed
from core.models import Activity, Plan, ProgressReport
from core.policy import may_edit, may_edit_now
from core.schemas import TransitionInputSchema
from core.services import attachments, get_activity, report_periods
from core.services.common import violations_from_marshmallow
from core.services.reports import (
    ReportFilter,
    create_report,
    get_report,
    list_reports,
    report_actions,
    report_actions_many,
    report_history,
    transition_report,
    update_report,
)
from core.types import ReportingPeriod
from core.workflow import StateKind
from web import attachment_files
from web.extensions import session
from web.ui.actions import transition_payload
from web.ui.activities import action_forms
from web.ui.attachments import KIND_LABELS, REPORT_KINDS
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID, parse_query, plan_years
from web.ui.layout import registry, runtime, workflow_of
from web.ui.messages import error_text, translate
from web.ui.report_forms import (
    LABELS,
    NewReportSchema,
    ReportListSchema,
    ReportValues,
    field_errors,
    from_form,
    from_report,
    percent,
    quantity,
    to_payload,
    version_of,
)
from web.ui.report_section import plan_code, report_workflow
from web.ui.revisions import note_of, timeline

bp = ui_blueprint("reports", __name__, "/laporan")

PAGE_SIZE = 50
_new = NewReportSchema()
_filters = ReportListSchema()
_move = TransitionInputSchema()
# "60 orang" → 60 and "orang": a year's target as the activity form took it, to start from.
_TARGET = re.compile(r"\s*([0-9][0-9.,]*)\s*(.*)")


def _period(plan: str, year: int, code: str) -> ReportingPeriod | None:
    return report_periods.period(runtime(), plan, year, code)


def _due_period(plan: str, year: int, code: str) -> ReportingPeriod | None:
    """The period with the due date that counts (the planning calendar's when it moved it)."""
    found = _period(plan, year, code)
    if found is None:
        return None
    moved = report_windows(session(), current_actor().province_id, [year])
    return report_periods.effective(found, year, moved)


def _confirmed(activity: Activity, year: int) -> int | None:
    return next((y.confirmed_budget for y in activity.years if y.year == year), None)


# --- the list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    report: ProgressReport
    activity: Activity
    period_label: str
    state_label: str
    kind: StateKind | None
    waiting: bool  # the actor has a move to take on it


def _period_choices(plans: Sequence[Plan]) -> dict[str, str]:
    """Every period code the province's plans declare, with its label (the filter's list)."""
    out: dict[str, str] = {}
    for plan in plans:
        for year in range(plan.start_year, plan.end_year + 1):
            for p in report_periods.periods(runtime(), plan.code, year):
                out.setdefault(p.code, p.label)
    return out


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = current_actor()
    s = session()
    query = parse_query(_filters, request.args)  # a value it refuses: a 422 page naming it
    before = query.pop("before", None)
    where = ReportFilter(**query)
    found = list_reports(s, actor, where, limit=PAGE_SIZE + 1, before_id=before)
    more, found = len(found) > PAGE_SIZE, list(found[:PAGE_SIZE])
    activities = {
        a.id: a
        for a in s.execute(
            select(Activity).where(Activity.id.in_({r.activity_id for r in found}))
        ).scalars()
    }
    plans = (
        s.execute(select(Plan).where(Plan.province_id == actor.province_id).order_by(Plan.id))
        .scalars()
        .all()
    )
    codes = {p.id: p.code for p in plans}
    # What the actor may do, for the whole page in one read (not a query per row).
    actions = report_actions_many(s, registry(), actor, [r.id for r in found])
    rows: list[ListRow] = []
    for r in found:
        workflow = report_workflow(r)
        period = _period(codes.get(r.plan_id, ""), r.year, r.period)
        rows.append(
            ListRow(
                report=r,
                activity=activities[r.activity_id],
                period_label=period.label if period else r.period,
                state_label=workflow.label(r.state),
                kind=workflow.kind(r.state),
                waiting=bool(actions.get(r.id)),
            )
        )
    rows.sort(key=lambda row: not row.waiting)  # stable: newest first within each group
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template(
        "ui/reports/list.html",
        rows=rows,
        where=where,
        years=plan_years(plans),
        periods=_period_choices(plans),
        states=runtime().report_workflow.states,
        next_url=url_for(".index", **args, before=found[-1].id) if more else None,
        first_url=url_for(".index", **args) if before else None,
    )


# --- the form -----------------------------------------------------------------------------


def _render_form(
    activity: Activity,
    year: int,
    code: str,
    values: ReportValues,
    *,
    report: ProgressReport | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    period = _due_period(plan_code(activity.plan_id), year, code)
    returned = None
    if report is not None:  # revising: the note it was sent back with, above the form
        entries = report_history(session(), current_actor(), report.id)
        returned = note_of(entries, report_workflow(report), report.state)
    target = next((y.target for y in activity.years if y.year == year), "")
    return (
        render_template(
            "ui/reports/form.html",
            activity=activity,
            report=report,
            year=year,
            code=code,
            period=period,
            target=target,
            confirmed=_confirmed(activity, year),
            values=values,
            errors=errors or {},
            labels=LABELS,
            returned=returned,
        ),
        status,
    )


def _first_values(activity: Activity, year: int) -> ReportValues:
    """A new report starts from the year's target ("60 orang": 60, orang)."""
    target = next((y.target for y in activity.years if y.year == year), "") or ""
    match = _TARGET.fullmatch(target)
    if not match:
        return ReportValues()
    return ReportValues({"output_target": match[1], "output_unit": match[2][:60]})


@bp.route("/baru", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """*Buat laporan*: the link names the activity, year and period (hidden in the form)."""
    actor = current_actor()
    s = session()
    source = request.args if request.method == "GET" else request.form
    which = parse_query(_new, source)  # missing or refused: a 422 page naming it
    activity = get_activity(s, actor, which["kegiatan"])  # 404 for one the actor may not see
    year, code = which["tahun"], which["periode"]
    if request.method == "GET":
        if not may_edit(actor, activity.opd_id):
            abort(403)
        if workflow_of(activity).kind(activity.state) is not StateKind.APPROVED:
            flash(_("Hanya kegiatan yang telah ditetapkan yang dilaporkan realisasinya."), "error")
            return redirect(url_for("activities.detail", activity_id=activity.id))
        where = ReportFilter(activity_id=activity.id, year=year, period=code)
        existing = list_reports(s, actor, where, limit=1)  # the operator's OPD's: in scope
        if existing:  # filed meanwhile (another tab): open it
            return redirect(url_for(".detail", report_id=existing[0].id))
        return _render_form(activity, year, code, _first_values(activity, year))
    values = from_form(request.form)
    payload = {"activity_id": activity.id, "year": year, "period": code, **to_payload(values)}
    try:
        report = create_report(s, registry(), actor, payload)
    except RuleFailed as err:
        s.rollback()
        errors, status = field_errors(err.violations), 422
    except Conflict as err:  # not signed, or that period's report exists already
        s.rollback()
        errors, status = {"_form": [error_text(err)]}, 409
    else:
        flash(_("Draf laporan tersimpan. Lampirkan bukti, lalu ajukan."), "success")
        return redirect(url_for(".detail", report_id=report.id))
    return _render_form(activity, year, code, values, errors=errors, status=status)


@bp.route(f"/<{ID}:report_id>/ubah", methods=["GET", "POST"])
def edit(report_id: int) -> ResponseReturnValue:
    actor = current_actor()
    s = session()
    report = get_report(s, actor, report_id)
    activity = get_activity(s, actor, report.activity_id)
    if request.method == "GET":
        if not may_edit(actor, report.opd_id):
            abort(403)
        state = report_workflow(report).state(report.state)
        if state is None or not state.editable:
            flash(_("Laporan ini tidak dapat diubah pada status sekarang."), "error")
            return redirect(url_for(".detail", report_id=report_id))
        return _render_form(
            activity, report.year, report.period, from_report(report), report=report
        )
    values = from_form(request.form)
    try:
        update_report(s, registry(), actor, report_id, version_of(values), to_payload(values))
    except RuleFailed as err:
        s.rollback()
        errors, status = field_errors(err.violations), 422
    except Conflict as err:  # stale page or no longer editable: keep what was typed
        s.rollback()
        s.expire_all()
        report = get_report(s, actor, report_id)
        errors, status = {"_form": [error_text(err)]}, 409
    else:
        flash(_("Perubahan laporan tersimpan."), "success")
        return redirect(url_for(".detail", report_id=report_id))
    return _render_form(
        activity, report.year, report.period, values, report=report, errors=errors, status=status
    )


# --- the report page ----------------------------------------------------------------------


def render_detail(
    report_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    active: str | None = None,
    typed: dict[str, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The report page; after a refused move, ``active`` names it and ``typed`` keeps input."""
    actor = current_actor()
    s = session()
    report = get_report(s, actor, report_id)
    activity = get_activity(s, actor, report.activity_id)
    workflow = report_workflow(report)
    entries = report_history(s, actor, report_id)
    state = workflow.state(report.state)
    can_edit = may_edit_now(actor, report.opd_id, state)
    confirmed = _confirmed(activity, report.year)
    return (
        render_template(
            "ui/reports/detail.html",
            report=report,
            activity=activity,
            workflow=workflow,
            kind=workflow.kind(report.state),
            state_label=workflow.label(report.state),
            activity_workflow=workflow_of(activity),
            period=_due_period(plan_code(report.plan_id), report.year, report.period),
            target=next((y.target for y in activity.years if y.year == report.year), None),
            confirmed=confirmed,
            output_share=percent(report.output_realised, report.output_target),
            budget_share=percent(report.budget_realised, confirmed),
            quantity=quantity,
            returned=note_of(entries, workflow, report.state),
            timeline=timeline(entries, workflow),
            actions=action_forms(
                workflow, report.state, report_actions(s, registry(), actor, report_id)
            ),
            files=attachments.of_report(s, actor, report_id),
            kind_labels=KIND_LABELS,
            report_kinds=REPORT_KINDS,
            max_bytes=attachment_files.limits().max_bytes,
            can_edit=can_edit,
            errors=errors or {},
            # A submit rule names a report field: listed on top, with the way to the form.
            field_problems={
                k: v for k, v in (errors or {}).items() if k not in ("_form", "comment")
            },
            labels=LABELS,
            active=active,
            typed=typed or {},
        ),
        status,
    )


@bp.route(f"/<{ID}:report_id>")
def detail(report_id: int) -> ResponseReturnValue:
    return render_detail(report_id)


def _move_errors(err: RuleFailed) -> dict[str, list[str]]:
    """The note's message by its input; a submit rule by the report field it names (the page
    shows the value and links to the form); anything else on top."""
    return field_errors(err.violations, known=("comment", *LABELS))


# One rule for both methods (see web.ui.actions): a GET of the address leads to the page.
@bp.route(f"/<{ID}:report_id>/aksi", methods=["GET", "POST"])
def act(report_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        return redirect(url_for(".detail", report_id=report_id))
    actor = current_actor()
    s = session()
    raw = transition_payload(request.form)
    action = str(raw.get("action"))
    g.page_url = url_for(".detail", report_id=report_id)  # errors answer with the report page
    try:
        try:
            data = _move.load({k: raw[k] for k in ("action", "version", "comment") if k in raw})
        except ValidationError as err:
            raise RuleFailed(violations_from_marshmallow(err)) from None
        body = {"comment": data["comment"]} if data.get("comment") else {}
        result = transition_report(
            s, registry(), actor, report_id, data["action"], data["version"], body
        )
    except RuleFailed as err:
        s.rollback()
        typed = request.form.to_dict()
        errors = _move_errors(err)
        return render_detail(report_id, errors=errors, active=action, typed=typed, status=422)
    except Conflict as err:  # stale page or somebody else acted first: show the current state
        s.rollback()
        s.expire_all()
        return render_detail(report_id, errors={"_form": [error_text(err)]}, status=409)
    report = get_report(s, actor, report_id)
    label = translate(report_workflow(report).label(result.to_state))
    flash(_("Berhasil. Status laporan sekarang: %(state)s.", state=label), "success")
    for warning in result.warnings:
        flash(translate(warning.message), "warning")
    return redirect(url_for(".detail", report_id=report_id))
