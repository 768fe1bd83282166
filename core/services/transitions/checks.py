"""Every check a transition passes before it writes, in the order that decides the status code:
404 (not there, or not visible), 422 (unknown action), 409 (stale version, or the action is not
available in this state), 403 (the actor's roles), then 422 with every rule failure at once
(guards, the comment, the pagu, the decree, the submission window of the planning calendar,
the province's ``transition_rules``). The same checks for every workflow type (``subject``):
what only an activity has is skipped for the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core import acting
from core.access import Actor, Grant
from core.errors import Conflict, NotAllowed, NotFound, RuleFailed, StaleVersion, Violation
from core.messages import msg
from core.models import utcnow
from core.plugins import ProvinceRuntime, Registry
from core.services.pagu_booking import confirmed_amounts, pagu_after
from core.services.planning_calendar import submission_violations
from core.services.transitions import gates
from core.services.transitions.load import Loaded
from core.services.transitions.subject import ACTIVITY, Subject
from core.timezones import local_date
from core.workflow import Transition, Workflow

NOT_FOUND = ACTIVITY.texts.not_found


@dataclass
class Checked:
    """A transition that may be written (when ``violations`` holds no error)."""

    loaded: Loaded
    runtime: ProvinceRuntime
    workflow: Workflow
    transition: Transition
    role: str  # the role the actor takes it in
    amounts: dict[int, int]  # year → confirmed budget, when it books the budget
    comment: str | None
    decree_number: str | None  # when it requires a decree
    decree_date: dt.date | None = None  # with the decree number: the tanggal penetapan
    violations: list[Violation] = field(default_factory=list)
    # Taken as an acting official (Plt./Plh.): what the audit and the notice record.
    acting: dict[str, Any] | None = None
    subject: Subject = ACTIVITY  # what moves: an activity, a progress report


def taking_grant(actor: Actor, t: Transition, opd_id: int) -> Grant | None:
    """The grant the actor takes ``t`` by: one of their own roles before an acting one."""
    grants = [g for r in t.roles if (g := actor.grant_for(r, opd_id)) is not None]
    return next((g for g in grants if g.acting is None), None) or next(iter(grants), None)


def acting_role(actor: Actor, t: Transition, opd_id: int) -> str | None:
    grant = taking_grant(actor, t, opd_id)
    return grant.role if grant is not None else None


def actor_guards(
    actor: Actor, t: Transition, loaded: Loaded, subject: Subject = ACTIVITY
) -> list[Violation]:
    """Rules that depend only on who acts (also used to compute available actions)."""
    if t.four_eyes and loaded.submitted_by_id == actor.user_id:
        return [Violation("four_eyes", subject.texts.four_eyes)]
    if t.withdraws and loaded.submitted_by_id != actor.user_id:
        return [
            Violation(
                "withdraw_not_submitter", "Hanya pengaju yang dapat menarik kembali pengajuannya."
            )
        ]
    return []


def visible(session: Session, actor: Actor, subject_id: int, subject: Subject = ACTIVITY) -> Loaded:
    """The subject as a transition sees it, if the actor may see it: a report is seen by whoever
    sees its activity (its OPD, the partner OPDs, the province-wide roles)."""
    loaded = subject.load(session, subject_id)
    if loaded is None or not actor.can_see_activity(
        loaded.province_id, loaded.opd_id, loaded.view.details
    ):
        raise NotFound(subject.texts.not_found)
    return loaded


def check(
    session: Session,
    registry: Registry,
    actor: Actor,
    subject_id: int,
    action: str,
    expected_version: int,
    payload: dict[str, Any],
    subject: Subject = ACTIVITY,
) -> Checked | gates.GateChecked:
    loaded = visible(session, actor, subject_id, subject)
    runtime = registry.get(loaded.view.province)
    workflow = runtime.workflow_version(session, loaded.workflow_version)
    if action not in workflow.actions:
        text = msg("Aksi '{action}' tidak dikenal.", action=action)
        raise RuleFailed([Violation("action_unknown", text, "action")])
    gate = workflow.gate(loaded.state) if subject.activity_only else None
    if gate is not None and action in gate.decision_actions:  # a party's decision at a gate
        return gates.check_decision(
            session, runtime, workflow, actor, loaded, gate, action, expected_version, payload
        )
    if loaded.version != expected_version:
        raise StaleVersion(subject.texts.changed)
    t = workflow.resolve(loaded.state, action, loaded.subject_view, runtime.conditions)
    if t is None:
        raise Conflict(
            msg(
                "Aksi '{action}' tidak tersedia untuk kegiatan berstatus '{state}'.",
                action=action,
                state=workflow.label(loaded.state),
            )
        )
    grant = taking_grant(actor, t, loaded.opd_id)
    if grant is None:
        raise NotAllowed(subject.texts.not_allowed)
    role = grant.role
    as_acting = None
    if grant.acting is not None:
        as_acting = acting.audit_payload(grant.acting, role, runtime.roles, runtime.info.name)
    violations = actor_guards(actor, t, loaded, subject)
    comment = (payload.get("comment") or "").strip() or None
    if t.comment_required and not comment:
        violations.append(Violation("comment_required", "Catatan wajib diisi.", "comment"))
    amounts: dict[int, int] = {}
    ceilings: dict[int, dict[str, int]] = {}
    if t.books_budget and subject.activity_only:
        amounts, more = confirmed_amounts(loaded.years, payload)
        violations.extend(more)
        ceilings, more = pagu_after(loaded.pagu, amounts)
        violations.extend(more)
    if t.records_submitter and workflow.gated_states and subject.activity_only:
        violations.extend(gates.party_gaps(session, loaded.province_id, workflow, loaded.view))
    if t.records_submitter and subject.activity_only:  # the planning calendar's window
        violations.extend(
            submission_violations(
                session, workflow, loaded.view, loaded.province_id, runtime.info.timezone
            )
        )
    decree: str | None = None
    day: dt.date | None = None
    if t.requires_decree and subject.activity_only:
        decree = (payload.get("decree_number") or "").strip() or None
        if decree is None:
            missing = "Nomor keputusan wajib diisi."
            violations.append(Violation("decree_required", missing, "decree_number"))
        day, problem = decree_date(payload.get("decree_date"), runtime.info.timezone)
        violations.extend(problem)
    for batch in subject.rules(runtime, loaded, t, actor.user_id, payload, ceilings):
        violations.extend(batch)
    return Checked(
        loaded,
        runtime,
        workflow,
        t,
        role,
        amounts,
        comment,
        decree,
        day,
        violations,
        as_acting,
        subject,
    )


def decree_date(value: object, zone: str) -> tuple[dt.date | None, list[Violation]]:
    """The decree date a signing move records: the payload's (a ``date`` from the schema, or
    ISO text from a caller that skipped it), else today in the province's zone, so clients
    that send only the number keep working."""
    if value is None or value == "":
        return local_date(utcnow(), zone), []
    if isinstance(value, dt.date):
        return value, []
    try:
        return dt.date.fromisoformat(str(value)), []
    except ValueError:
        text = "Harus berupa tanggal dengan format TTTT-BB-HH."
        return None, [Violation("invalid", text, "decree_date")]
