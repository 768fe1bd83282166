"""What a transition's notice tells: the facts frozen at the move, for ``core.notifications.text``
to word in each reader's language at delivery.

The notice reads the move by what it means (its flags, the kinds of its states) and its label,
never by its name, so a province that renames ``sign`` still sends "… telah ditetapkan …". It
also says whom the new stage asks to act (``asks``: role and OPD pairs), so delivery can tell a
reader who must act from one who is only told, and close the item once they have.
"""

from __future__ import annotations

from typing import Any

from core.access import Actor
from core.services.transitions.checks import Checked
from core.workflow.model import TRANSITION_MEANINGS


def _asks(c: Checked) -> list[list[str | None]]:
    """Who may act at the state the move leads to: a gate's parties, or the roles of its moves
    (an OPD-scoped role: in the activity's OPD)."""
    t, workflow, view = c.transition, c.workflow, c.loaded.view
    target = workflow.state(t.target)
    if target is None or target.final:
        return []
    if target.gate is not None:
        return [[r.role, r.opd] for r in target.gate.recipients(view) if r.role]
    roles = sorted(
        {
            r
            for m in workflow.candidates(target.code)
            if not workflow.is_engine_move(m)
            for r in m.roles
        }
    )
    return [[r, view.opd if r in c.runtime.opd_roles else None] for r in roles]


def _years(c: Checked) -> list[dict[str, Any]]:
    """Per year the proposal and, once Bappeda confirmed it, the confirmed amount (this move's
    when it books the budget)."""
    out = []
    for y in c.loaded.years:
        confirmed = c.amounts.get(y["year"], y["confirmed_budget"]) if c.amounts else None
        if confirmed is None and not c.transition.releases_budget:
            confirmed = y["confirmed_budget"]
        out.append({"year": y["year"], "proposed": y["proposed_budget"], "confirmed": confirmed})
    return out


def facts(c: Checked, actor: Actor) -> dict[str, Any]:
    """The outbox payload of a transition (the keys before issue 16 are kept: readers of the
    outbox and older deliveries use them)."""
    loaded, t, workflow = c.loaded, c.transition, c.workflow
    return {
        "activity_id": loaded.id,
        "title": loaded.view.title,
        "registration_number": loaded.registration_number,
        "opd": loaded.view.opd,
        "province": loaded.view.province,
        "action": t.action,
        "action_label": t.label,
        "from_state": loaded.state,
        "from_label": workflow.label(loaded.state),
        "from_kind": str(workflow.kind(loaded.state) or ""),
        "to_state": t.target,
        "to_label": workflow.label(t.target),
        "to_kind": str(workflow.kind(t.target) or ""),
        "final": bool((s := workflow.state(t.target)) and s.final),
        "meaning": {flag: bool(getattr(t, flag)) for flag in TRANSITION_MEANINGS},
        "actor": actor.full_name,
        "comment": c.comment,
        "years": _years(c),
        "decree_number": c.decree_number,
        "decree_date": c.decree_date.isoformat() if c.decree_date else None,
        "asks": _asks(c),
        # With ``to_state``, the visit of the stage the notice is about (delivery: still there?)
        "revision_round": loaded.revision_round + (1 if t.counts_round else 0),
    }
