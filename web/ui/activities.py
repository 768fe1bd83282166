"""The activity pages: list (filters, search, keyset pagination), create/edit form, detail."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed
from core.models import Activity, Plan, Signoff
from core.money import parse_rupiah
from core.policy import may_discard_draft, may_draft, may_edit, may_edit_now
from core.schemas import LIST_SORTS, MAX_ID, ActivityListSchema
from core.services import (
    ListFilters,
    activity_history,
    available_actions,
    clarifications,
    create_activity,
    gate_status,
    get_activity,
    list_activities,
    list_totals,
    opd_ceilings,
    seals,
    update_activity,
)
from core.services.opds import live_reference
from core.workflow import StateKind, Transition, Workflow
from web.extensions import session
from web.ui import attachments as attachments_page
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.deadlines import waiting_of
from web.ui.diagram import gate_rule
from web.ui.forms import (
    ID,
    FieldSpec,
    FormValues,
    describe,
    field_errors,
    field_label,
    filter_opds,
    form_fields,
    from_activity,
    from_request,
    parse_query,
    plan_years,
    to_payload,
    whole_number,
)
from web.ui.layout import registry, runtime, workflow_of
from web.ui.messages import error_text
from web.ui.report_section import activity_periods
from web.ui.revisions import changes_since_return, last_return, note_of, timeline

bp = ui_blueprint("activities", __name__, "/kegiatan")

PAGE_SIZE = 20


def _plans(actor: Actor) -> Sequence[Plan]:
    return (
        session()
        .execute(select(Plan).where(Plan.province_id == actor.province_id).order_by(Plan.id))
        .scalars()
        .all()
    )


_filters = ActivityListSchema()
# The columns a reader may sort by, and the order a first click gives (amounts: largest first).
SORTABLE = {"title": "title", "proposed": "-proposed", "confirmed": "-confirmed"}


@dataclass(frozen=True)
class SortLink:
    """A sortable column's header: where a click leads and, when the list is sorted by it,
    its ``aria-sort``."""

    url: str
    aria: str | None


def sort_links(sort: str, args: Mapping[str, Any]) -> dict[str, SortLink]:
    out: dict[str, SortLink] = {}
    for column, first in SORTABLE.items():
        current = sort.removeprefix("-") == column
        descending = sort.startswith("-")
        following = (column if descending else f"-{column}") if current else first
        aria = ("descending" if descending else "ascending") if current else None
        query: dict[str, Any] = {**args, "sort": following}
        out[column] = SortLink(url_for(".index", **query), aria)
    return out


def row_amounts(activity: Activity, year: int | None) -> tuple[int, int | None]:
    """A row's proposed and confirmed amount (None: nothing confirmed yet), of the filtered
    year only when the list is filtered on one, as the totals are."""
    years = [y for y in activity.years if not year or y.year == year]
    confirmed = [y.confirmed_budget for y in years if y.confirmed_budget is not None]
    return sum(y.proposed_budget for y in years), (sum(confirmed) if confirmed else None)


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = current_actor()
    rt = runtime()
    # The API's own filter schema: a value it refuses is a 422 page, never a 500 from SQL.
    query = parse_query(_filters, request.args)
    cursor = query.pop("cursor", None)
    sort = query.pop("sort", "newest")
    filters = ListFilters(**query)
    error = None
    totals = None
    try:
        items, next_cursor = list_activities(session(), actor, filters, PAGE_SIZE, cursor, sort)
        totals = list_totals(session(), actor, filters)
    except RuleFailed as err:
        items, next_cursor, error = [], None, error_text(err)
    plans = _plans(actor)
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k != "cursor" and v}
    return render_template(
        "ui/activities/list.html",
        items=items,
        next_url=url_for(".index", **args, cursor=next_cursor) if next_cursor else None,
        first_url=url_for(".index", **args) if cursor else None,
        filters=filters,
        workflow=rt.workflow,
        workflow_of=workflow_of,
        states=rt.workflow.states,
        years=plan_years(plans),
        pillars=rt.reference.lists.get("pillars", []),
        opds=filter_opds(rt, actor),
        pillar_label=lambda code: rt.reference.label("pillars", code),
        can_create=may_draft(actor),
        matrix_args={k: v for k, v in args.items() if k not in ("plan_id", "sort")},
        error=error,
        sort=sort,
        sort_links=sort_links(sort, {k: v for k, v in args.items() if k != "sort"}),
        totals=totals,
        sort_options=LIST_SORTS,
        amounts=lambda a: row_amounts(a, filters.year),
    )


def _render_form(
    specs: list[FieldSpec],
    values: FormValues,
    *,
    activity: Activity | None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    actor = current_actor()
    plans = _plans(actor)
    years = plan_years(plans, values.years)
    note = None
    if activity is not None:  # revising: the note it was sent back with, above the form
        workflow = workflow_of(activity)
        note = note_of(activity_history(session(), actor, activity.id), workflow, activity.state)
    return (
        render_template(
            "ui/activities/form.html",
            returned=note,
            specs=specs,
            values=values,
            activity=activity,
            plans=plans,
            years=years,
            errors=errors or {},
            labels=error_labels(specs, years),
        ),
        status,
    )


def error_labels(specs: Sequence[FieldSpec], years: Sequence[int]) -> dict[str, Any]:
    """What the error summary calls each input."""
    labels: dict[str, Any] = {s.name: s.label for s in specs}
    labels.update(plan_id=field_label("plan_id"), years=field_label("years"))
    for y in years:
        labels[f"years.{y}.year"] = str(y)
        labels[f"years.{y}.target"] = _("Target %(y)s", y=y)
        labels[f"years.{y}.budget"] = _("Anggaran %(y)s", y=y)
    return labels


@bp.route("/baru", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    actor = current_actor()
    specs = form_fields(runtime(), live_reference(session(), runtime(), actor.province_id))
    if request.method == "GET":
        if not may_draft(actor):
            abort(403)
        plans = _plans(actor)
        first = str(plans[0].id) if plans else ""
        return _render_form(specs, FormValues(plan_id=first), activity=None)
    values = from_request(request.form, specs)
    payload, year_index = to_payload(values, specs, for_update=False)
    try:
        activity = create_activity(session(), registry(), actor, payload)
    except RuleFailed as err:
        errors = field_errors(err.violations, specs, year_index)
        return _render_form(specs, values, activity=None, errors=errors, status=422)
    flash(_("Draf kegiatan tersimpan."), "success")
    return redirect(url_for(".detail", activity_id=activity.id))


@bp.route(f"/<{ID}:activity_id>/ubah", methods=["GET", "POST"])
def edit(activity_id: int) -> ResponseReturnValue:
    actor = current_actor()
    activity = get_activity(session(), actor, activity_id)
    specs = form_fields(runtime(), live_reference(session(), runtime(), actor.province_id))
    if request.method == "GET":
        state = workflow_of(activity).state(activity.state)
        if not may_edit(actor, activity.opd_id):
            abort(403)
        if state is None or not state.editable:
            flash(_("Kegiatan ini tidak dapat diubah pada status sekarang."), "error")
            return redirect(url_for(".detail", activity_id=activity_id))
        return _render_form(specs, from_activity(activity, specs), activity=activity)
    values = from_request(request.form, specs)
    payload, year_index = to_payload(values, specs, for_update=True)
    version = whole_number(values.version)
    if not isinstance(version, int) or not 0 <= version <= MAX_ID:
        version = -1  # names no version: a stale page (409), what was typed is kept
    try:
        update_activity(session(), registry(), actor, activity_id, version, payload)
    except RuleFailed as err:
        errors = field_errors(err.violations, specs, year_index)
        return _render_form(specs, values, activity=activity, errors=errors, status=422)
    except Conflict as err:  # stale version or no longer editable: keep what was typed
        session().expire_all()
        activity = get_activity(session(), actor, activity_id)
        return _render_form(
            specs, values, activity=activity, errors={"_form": [error_text(err)]}, status=409
        )
    flash(_("Perubahan tersimpan."), "success")
    return redirect(url_for(".detail", activity_id=activity_id))


@dataclass(frozen=True)
class ActionForm:
    """One action the user may take, and the inputs it needs."""

    action: str
    label: str
    comment_required: bool
    books_budget: bool
    decree: bool
    setback: bool  # sends back or refuses: shown after the moves forward


def action_forms(workflow: Workflow, state: str, actions: Sequence[str]) -> list[ActionForm]:
    out: list[ActionForm] = []
    gate = workflow.gate(state)
    for action in actions:
        if gate is not None and action in gate.decision_actions:  # a party's decision
            objects = gate.decision_actions[action] == "object"
            label = gate.object_label if objects else gate.concur_label
            out.append(ActionForm(action, label, objects, False, False, objects))
            continue
        t: Transition = workflow.candidates(state, action)[0]
        out.append(
            ActionForm(
                action=action,
                label=t.label,
                comment_required=t.comment_required,
                books_budget=t.books_budget,
                decree=t.requires_decree,
                setback=workflow.is_setback(t),
            )
        )
    return sorted(out, key=lambda a: a.setback)


def confirmation_total(years: Sequence[Any], typed: Mapping[str, str]) -> int | None:
    """What a budget confirmation would book: the amounts as typed (after a failed try) or the
    proposals the inputs start from; None while a year has no readable amount."""
    total = 0
    for y in years:
        text = typed.get(f"confirmed.{y.year}")
        amount = y.proposed_budget if text is None else parse_rupiah(text)
        if amount is None:
            return None
        total += amount
    return total


def _readable_seal(s: Session, actor: Actor, activity: Activity) -> Signoff | None:
    """The seal that signed the activity, when the actor may read it: a batch of several
    OPDs' activities is read by those who see all of them (``seals.visible``), so an OPD's
    operator sees their signed activity without the seal of another OPD's signing."""
    seal = seals.latest_of(s, activity.id) if activity.decree_number else None
    if seal is None:
        return None
    try:
        return seals.visible(s, actor, seal.id)
    except NotFound:
        return None


def render_detail(
    activity_id: int,
    *,
    errors: dict[str, list[str]] | None = None,
    active: str | None = None,
    typed: dict[str, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The detail page; after a failed action, ``active`` names it and ``typed`` keeps input."""
    actor = current_actor()
    s = session()
    activity = get_activity(s, actor, activity_id)
    rt = runtime()
    workflow = workflow_of(activity)
    # Labels of what the activity names, inactive OPDs included (its history stays readable).
    specs = form_fields(rt, live_reference(s, rt, actor.province_id, active_only=False))
    entries = activity_history(s, actor, activity_id)
    history = timeline(entries, workflow)
    back = last_return(entries, workflow)
    actions = action_forms(
        workflow, activity.state, available_actions(s, registry(), actor, activity_id)
    )
    ceilings = None
    if any(a.books_budget for a in actions):
        years = {y.year for y in activity.years}
        ceilings = {
            c["year"]: c for c in opd_ceilings(s, actor, activity.opd.code) if c["year"] in years
        }
    state = workflow.state(activity.state)

    gate = gate_status(s, workflow, actor, activity)
    questions = clarifications.thread(s, actor, activity_id)
    details = [
        (spec, describe(spec, (activity.details or {}).get(spec.key)))
        for spec in specs
        if spec.name.startswith("details.")
    ]
    seal = _readable_seal(s, actor, activity)
    can_edit = may_edit_now(actor, activity.opd_id, state)
    return (
        render_template(
            "ui/activities/detail.html",
            activity=activity,
            seal=seal,
            **attachments_page.page_context(activity.id, seal.id if seal else None, can_edit),
            workflow=workflow,
            state_label=workflow.label(activity.state),
            pillar_label=rt.reference.label("pillars", activity.pillar),
            details=details,
            timeline=history,
            changes=changes_since_return(entries, specs, workflow),
            # The note that sent it back, while it is still back with the OPD.
            returned=next((item for item in history if item.entry is back), None)
            if workflow.kind(activity.state) is StateKind.RETURNED
            else None,
            rejected=note_of(entries, workflow, activity.state)
            if workflow.kind(activity.state) is StateKind.REJECTED
            else None,
            actions=actions,
            gate=gate,
            gate_rule=gate_rule(gate.gate) if gate else None,
            questions=questions,
            may_ask=clarifications.may_ask(actor, activity),
            may_answer=clarifications.may_answer(actor, activity),
            ceilings=ceilings,
            deadline=waiting_of([activity])[activity.id].deadline,
            confirm_total=confirmation_total,
            can_edit=can_edit,
            report_periods=activity_periods(activity),
            can_discard=may_discard_draft(actor, activity.opd_id, state, activity.submitted_by_id),
            errors=errors or {},
            active=active,
            typed=typed or {},
        ),
        status,
    )


@bp.route(f"/<{ID}:activity_id>")
def detail(activity_id: int) -> ResponseReturnValue:
    return render_detail(activity_id)
