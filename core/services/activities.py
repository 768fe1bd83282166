"""Creating and editing activities (only in an editable state, only by their OPD's staff)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed, StaleVersion, Violation
from core.messages import msg
from core.models import Activity, ActivityYear, Plan, utcnow
from core.plugins import ProvinceRuntime, Registry
from core.policy import DRAFTER_ROLE, ensure_may_draft, ensure_may_edit
from core.schemas import ActivityInputSchema
from core.services.common import (
    append_audit,
    plan_violations,
    snapshot,
    violations_from_marshmallow,
)
from core.services.opds import ensure_active_opd, live_reference
from core.services.registration import next_registration_number
from core.unit_of_work import unit_of_work

_input = ActivityInputSchema()
_partial_input = ActivityInputSchema(partial=True)

EDITABLE_FIELDS = ("title", "description", "pillar", "details", "years")


def _load_details(
    runtime: ProvinceRuntime, raw: dict[str, Any]
) -> tuple[dict[str, Any], list[Violation]]:
    """The province's form fields, loaded; or what is wrong with them (as ``details.*``) and
    the fields that did load (the province's rules still check those, in the same round)."""
    try:
        return runtime.details_schema.load(raw), []
    except ValidationError as err:
        valid = err.valid_data if isinstance(err.valid_data, dict) else {}
        return valid, violations_from_marshmallow(err, "details")


def _partial(err: ValidationError, payload: object) -> tuple[dict[str, Any], list[Violation]]:
    """What of a payload failing the core schema did load, and why the rest did not: the
    rules still run on what loaded, so the caller learns every problem in one round, not the
    core fields first, the province's next, a sub-activity code only once the budget is right.
    A failing field is left out (``years`` wholly, its rows being checked together)."""
    failed = violations_from_marshmallow(err)
    data = dict(err.valid_data) if isinstance(err.valid_data, dict) else {}
    if any(v.field == "years" or v.field.startswith("years.") for v in failed):
        data.pop("years", None)
    if isinstance(payload, dict) and isinstance(payload.get("details"), dict):
        data["details"] = payload["details"]  # loaded by the province's schema, field by field
    return data, failed


def _years_count(years: object, period: tuple[int, int]) -> Violation:
    """How many years this plan takes, in its own numbers (not the schema's bound of ten)."""
    start, end = period
    if start == end:
        text = msg("Isi anggaran tahun {year}.", year=start)
    else:
        text = msg(
            "Isi 1 sampai {count} tahun anggaran ({start}–{end}).",
            count=end - start + 1,
            start=start,
            end=end,
        )
    return Violation("years_count", text, "years")


def _in_form_order(violations: list[Violation], runtime: ProvinceRuntime) -> list[Violation]:
    """Every message once per field and source (a field that failed its schema is not also
    reported by a rule that read it empty), in the form's order: plan, title, description,
    pillar, the province's fields as it declares them, then the years."""
    order = ["plan_id", "title", "description", "pillar"]
    order += [f"details.{k}" for k in runtime.details_schema.fields]
    order.append("years")
    rank = {name: i for i, name in enumerate(order)}

    def position(v: Violation) -> tuple[int, str]:
        field = v.field or ""
        for name in (field, field.rsplit(".", 1)[0], ".".join(field.split(".")[:2])):
            if name in rank:
                return rank[name], field
        return (rank["years"], field) if field.startswith("years") else (len(order), field)

    return sorted(violations, key=position)


def _drop_repeats(schema: list[Violation], rules: list[Violation]) -> list[Violation]:
    """A core field that failed its schema (a missing pillar) is not also reported by a rule
    that read it empty ("Pilar '' tidak dikenal"); the province's fields keep both messages, its
    rules saying in words what a format is."""
    failed = {v.field for v in schema if v.field and not v.field.startswith("details.")}
    return schema + [v for v in rules if not v.field or v.field not in failed]


def _validate(
    session: Session,
    runtime: ProvinceRuntime,
    actor: Actor,
    data: dict[str, Any],
    opd_code: str,
    *,
    failed: Sequence[Violation] = (),
    raw_years: object = None,
    activity_id: int | None = None,
    state: str | None = None,
    revision_round: int = 0,
    submitted_by_id: int | None = None,
) -> tuple[Plan | None, dict[str, Any], list[Violation]]:
    """Every rule on a whole (merged) activity; all violations at once, in the form's order.

    ``failed`` are the core schema's violations when some fields did not load: ``data`` then
    holds what did, and the rules run on that too (a field left out reads as empty)."""
    schema = list(failed)
    rules: list[Violation] = []
    plan_id = data.get("plan_id")
    plan = session.get(Plan, plan_id) if isinstance(plan_id, int) else None
    if plan is None or plan.province_id != actor.province_id:
        if not any(v.field == "plan_id" for v in schema):
            rules.append(Violation("plan_unknown", "Rencana aksi tidak dikenal.", "plan_id"))
        plan = None
    details, more = _load_details(runtime, data.get("details") or {})
    schema.extend(more)
    if plan is not None:
        period = (plan.start_year, plan.end_year)
        if isinstance(raw_years, list) and any(v.field == "years" for v in schema):
            # the schema's "1 to 10 years": say this plan's own numbers instead
            schema = [v for v in schema if v.field != "years"] + [_years_count(raw_years, period)]
        years = data.get("years") or []
        rules.extend(plan_violations(years, period))
        view = snapshot(
            activity_id=activity_id,
            province=runtime.code,
            plan_id=plan.id,
            opd=opd_code,
            title=data.get("title") or "",
            pillar=data.get("pillar") or "",
            # as typed when the province's fields failed: its rules say what is wrong in words
            details=data.get("details") or {} if more else details,
            years=years,
            state=state or runtime.workflow.initial,
            revision_round=revision_round,
            submitted_by_id=submitted_by_id,
            plan_period=period,
        )
        # The OPDs as the admin keeps them: a partner must be an active OPD of the province.
        reference = live_reference(session, runtime, actor.province_id)
        for batch in runtime.pm.hook.validate_activity(activity=view, reference=reference):
            rules.extend(batch)
    return plan, details, _in_form_order(_drop_repeats(schema, rules), runtime)


@dataclass(frozen=True)
class Draft:
    """A new activity that passed every rule, not yet written (``insert_drafts`` writes it)."""

    activity: Activity
    plan: Plan


def build_draft(
    session: Session, registry: Registry, actor: Actor, payload: dict[str, Any]
) -> Draft:
    """A draft for the actor's own OPD, checked by every rule of ``create_activity`` and not
    written; raises ``RuleFailed`` listing every problem. The spreadsheet import checks each
    row with it, so a row is refused exactly when the API would refuse the same payload."""
    runtime = registry.get(actor.province_code)
    opd_id = ensure_may_draft(actor)
    ensure_active_opd(session, actor.province_id, opd_id)
    opd_code = next(g.opd_code for g in actor.grants if g.opd_id == opd_id)
    failed: list[Violation] = []
    try:
        data = _input.load(payload)
    except ValidationError as err:
        if not isinstance(payload, dict):
            raise RuleFailed(violations_from_marshmallow(err)) from None
        data, failed = _partial(err, payload)
    plan, details, violations = _validate(
        session, runtime, actor, data, str(opd_code), failed=failed, raw_years=payload.get("years")
    )
    errors = [v for v in violations if not v.warning]
    if errors or plan is None:
        raise RuleFailed(errors)
    activity = Activity(
        province_id=actor.province_id,
        plan_id=plan.id,
        opd_id=opd_id,
        title=data["title"],
        description=data["description"],
        pillar=data["pillar"],
        details=details,
        state=runtime.workflow.initial,
        workflow_version=runtime.register_current_workflow(session),
        revision_round=0,
        created_by_id=actor.user_id,
        years=[ActivityYear(**y) for y in data["years"]],
    )
    sum_years(activity)
    return Draft(activity, plan)


def insert_drafts(
    session: Session, registry: Registry, actor: Actor, drafts: Sequence[Draft]
) -> list[Activity]:
    """Write checked drafts in ONE transaction, each with its registration number and its
    audit entry: all of them or, on any failure, none."""
    info = registry.get(actor.province_code).info
    now = utcnow()
    with unit_of_work(session):
        for draft in drafts:
            activity = draft.activity
            activity.registration_number = next_registration_number(session, info, draft.plan)
            activity.created_at = activity.updated_at = activity.state_changed_at = now
            session.add(activity)
            session.flush()
            append_audit(
                session,
                activity_id=activity.id,
                actor_id=actor.user_id,
                actor=actor.username,
                role=DRAFTER_ROLE,
                action="create",
                from_state=None,
                to_state=activity.state,
                comment=None,
                payload={"registration_number": activity.registration_number},
                at=now,
            )
    return [d.activity for d in drafts]


def create_activity(
    session: Session, registry: Registry, actor: Actor, payload: dict[str, Any]
) -> Activity:
    """A new draft for the actor's own OPD; raises ``RuleFailed`` listing every problem."""
    draft = build_draft(session, registry, actor, payload)
    return insert_drafts(session, registry, actor, [draft])[0]


def _current_values(activity: Activity) -> dict[str, Any]:
    return {
        "plan_id": activity.plan_id,
        "title": activity.title,
        "description": activity.description,
        "pillar": activity.pillar,
        "details": dict(activity.details or {}),
        "years": [
            {"year": y.year, "target": y.target, "proposed_budget": y.proposed_budget}
            for y in activity.years
        ],
    }


def _replace_years(activity: Activity, years: list[dict[str, Any]]) -> None:
    """Update rows in place by year: deleting and re-inserting the same (activity, year) in one
    flush would trip the unique constraint, since the unit of work inserts before it deletes."""
    existing = {y.year: y for y in activity.years}
    wanted = {y["year"] for y in years}
    for row in list(activity.years):
        if row.year not in wanted:
            activity.years.remove(row)
    for y in years:
        found = existing.get(y["year"])
        if found is None:
            activity.years.append(ActivityYear(**y))
        else:
            found.target, found.proposed_budget = y["target"], y["proposed_budget"]
    sum_years(activity)


def sum_years(activity: Activity) -> None:
    """The activity's budget totals from its years (``Activity.proposed_total``)."""
    activity.proposed_total = sum(y.proposed_budget for y in activity.years)
    confirmed = [y.confirmed_budget for y in activity.years if y.confirmed_budget is not None]
    activity.confirmed_total = sum(confirmed) if confirmed else None


def update_activity(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_id: int,
    expected_version: int,
    payload: dict[str, Any],
) -> Activity:
    """Edit a draft or returned activity. ``details`` merges key by key (a null removes a key);
    ``years`` replaces the whole table. The merged activity is validated as a whole."""
    activity = session.execute(
        select(Activity).where(Activity.id == activity_id)
    ).scalar_one_or_none()
    if (
        activity is None
        or activity.discarded_at is not None
        or not actor.can_see(activity.province_id, activity.opd_id)
    ):
        raise NotFound("Kegiatan tidak ditemukan.")
    runtime = registry.get(actor.province_code)
    ensure_may_edit(actor, activity.opd_id)
    if activity.version != expected_version:
        raise StaleVersion("Kegiatan telah diubah orang lain; muat ulang lalu coba lagi.")
    workflow = runtime.workflow_version(session, activity.workflow_version)
    state = workflow.state(activity.state)
    if state is None or not state.editable:
        raise Conflict(
            msg(
                "Kegiatan berstatus '{state}' tidak dapat diubah.",
                state=workflow.label(activity.state),
            )
        )
    failed: list[Violation] = []
    try:
        changes = _partial_input.load(payload)
    except ValidationError as err:
        if not isinstance(payload, dict):
            raise RuleFailed(violations_from_marshmallow(err)) from None
        changes, failed = _partial(err, payload)
    if "plan_id" in changes and changes["plan_id"] != activity.plan_id:
        raise RuleFailed([Violation("plan_fixed", "Rencana aksi tidak dapat diganti.", "plan_id")])
    before = _current_values(activity)
    merged = {**before, **{k: v for k, v in changes.items() if k != "details"}}
    if "details" in changes:
        details = {**before["details"], **changes["details"]}
        merged["details"] = {k: v for k, v in details.items() if v is not None}
    _, details, violations = _validate(
        session,
        runtime,
        actor,
        merged,
        activity.opd.code,
        failed=failed,
        raw_years=payload.get("years", []),
        activity_id=activity.id,
        state=activity.state,
        revision_round=activity.revision_round,
        submitted_by_id=activity.submitted_by_id,
    )
    errors = [v for v in violations if not v.warning]
    if errors:
        raise RuleFailed(errors)
    merged["details"] = details
    diff = {k: [before[k], merged[k]] for k in EDITABLE_FIELDS if before[k] != merged[k]}
    if not diff:
        return activity
    now = utcnow()
    try:
        with unit_of_work(session):
            for key in ("title", "description", "pillar", "details"):
                setattr(activity, key, merged[key])
            if "years" in diff:
                _replace_years(activity, merged["years"])
            activity.updated_at = now
            session.flush()  # version_id_col: a concurrent edit raises StaleDataError here
            append_audit(
                session,
                activity_id=activity.id,
                actor_id=actor.user_id,
                actor=actor.username,
                role=DRAFTER_ROLE,
                action="edit",
                from_state=activity.state,
                to_state=activity.state,
                comment=None,
                payload={"changes": diff},
                at=now,
            )
    except StaleDataError:
        raise StaleVersion("Kegiatan telah diubah orang lain; muat ulang lalu coba lagi.") from None
    return activity
