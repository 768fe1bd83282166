"""The actions an actor could take now: role, scope and the actor-only guards (not the rules
that depend on the payload, such as the comment or the pagu)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from core.access import Actor
from core.plugins import Registry
from core.services.transitions import gates
from core.services.transitions.checks import acting_role, actor_guards, visible
from core.services.transitions.load import Loaded
from core.services.transitions.subject import ACTIVITY, Subject


def available_actions(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_id: int,
    subject: Subject = ACTIVITY,
) -> list[str]:
    """Actions the actor could take now (role, scope and actor-only guards; not the rules that
    depend on the payload, such as the comment or the pagu)."""
    loaded = visible(session, actor, activity_id, subject)
    return _actions_of(session, registry, actor, loaded, subject)


def activity_and_actions(
    session: Session, registry: Registry, actor: Actor, activity_id: int
) -> tuple[Loaded, list[str]]:
    """The activity as the actor may see it (``NotFound`` otherwise) and the actions they could
    take now, from one read: what the API answers a request on one activity with."""
    loaded = visible(session, actor, activity_id)
    return loaded, _actions_of(session, registry, actor, loaded, ACTIVITY)


def available_actions_many(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_ids: Sequence[int],
    subject: Subject = ACTIVITY,
) -> dict[int, list[str]]:
    """``available_actions`` for a page of activities (or reports) in one query (ids the actor
    may not see are left out)."""
    return {
        loaded.id: _actions_of(session, registry, actor, loaded, subject)
        for loaded in subject.load_many(session, activity_ids)
        if actor.can_see_activity(loaded.province_id, loaded.opd_id, loaded.view.details)
    }


def _actions_of(
    session: Session, registry: Registry, actor: Actor, loaded: Loaded, subject: Subject
) -> list[str]:
    runtime = registry.get(loaded.view.province)
    workflow = runtime.workflow_version(session, loaded.workflow_version)
    out: list[str] = []
    gated = subject.activity_only and workflow.gate(loaded.state) is not None
    if gated:  # a party's decisions, when it has one to give
        gate = gates.status_of_loaded(session, workflow, actor, loaded)
        out.extend(gate.available if gate else ())
    for t in workflow.candidates(loaded.state):
        if t.action in out:
            continue
        view = loaded.subject_view
        resolved = workflow.resolve(loaded.state, t.action, view, runtime.conditions)
        if resolved is None or acting_role(actor, resolved, loaded.opd_id) is None:
            continue
        if not actor_guards(actor, resolved, loaded, subject):
            out.append(t.action)
    return out
