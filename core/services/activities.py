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
_partial = ActivityInputSchema(partial=True)

EDITABLE_FIELDS = ("title", "description", "pillar", "details", "years")


def _load_details(
    runtime: ProvinceRuntime, raw: dict[str, Any]
) -> tuple[dict[str, Any], list[Violation]]:
    """The province's form fields, loaded; or what is wrong with them (as ``details.*``)."""
    try:
        return runtime.details_schema.load(raw), []
    except ValidationError as err:
        return {}, violations_from_marshmallow(err, "details")


def _schema_failure(
    err: ValidationError, runtime: ProvinceRuntime, raw_details: object
) -> RuleFailed:
    """A payload that fails the core schema still has its ``details`` checked, so the caller
    learns every failing field at once, not the core ones first and the province's next."""
    violations = violations_from_marshmallow(err)
    if isinstance(raw_details, dict):
        violations.extend(_load_details(runtime, raw_details)[1])
    return RuleFailed(violations)


def _validate(
    session: Session,
    runtime: ProvinceRuntime,
    actor: Actor,
    data: dict[str, Any],
    opd_code: str,
    *,
    activity_id: int | None = None,
    state: str | None = None,
    revision_round: int = 0,
    submitted_by_id: int | None = None,
) -> tuple[Plan | None, dict[str, Any], list[Violation]]:
    """Every rule on a whole (merged) activity; all violations at once."""
    violations: list[Violation] = []
    plan = session.get(Plan, data["plan_id"])
    if plan is None or plan.province_id != actor.province_id:
        violations.append(Violation("plan_unknown", "Rencana aksi tidak dikenal.", "plan_id"))
        plan = None
    details, more = _load_details(runtime, data.get("details") or {})
    violations.extend(more)
    if plan is not None:
        period = (plan.start_year, plan.end_year)
        violations.extend(plan_violations(data["years"], period))
        view = snapshot(
            activity_id=activity_id,
            province=runtime.code,
            plan_id=plan.id,
            opd=opd_code,
            title=data["title"],
            pillar=data["pillar"],
            details=details or data.get("details") or {},
            years=data["years"],
            state=state or runtime.workflow.initial,
            revision_round=revision_round,
            submitted_by_id=submitted_by_id,
            plan_period=period,
        )
        # The OPDs as the admin keeps them: a partner must be an active OPD of the province.
        reference = live_reference(session, runtime, actor.province_id)
        for batch in runtime.pm.hook.validate_activity(activity=view, reference=reference):
            violations.extend(batch)
    return plan, details, violations


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
    try:
        data = _input.load(payload)
    except ValidationError as err:
        raise _schema_failure(err, runtime, _get(payload, "details", {})) from None
    plan, details, violations = _validate(session, runtime, actor, data, str(opd_code))
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


def _get(payload: object, key: str, default: object) -> object:
    return payload.get(key, default) if isinstance(payload, dict) else None


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
    if activity is None or not actor.can_see(activity.province_id, activity.opd_id):
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
    try:
        changes = _partial.load(payload)
    except ValidationError as err:
        raw = _get(payload, "details", {})
        merged = (
            {k: v for k, v in {**(activity.details or {}), **raw}.items() if v is not None}
            if isinstance(raw, dict)
            else raw
        )
        raise _schema_failure(err, runtime, merged) from None
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
