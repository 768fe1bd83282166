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
from core.workflow.model import TRANSITION_MEANINGS, Transition, Workflow

# Who the next stage asks, when it is no gate: (role, whether the role is the OPD's own).
_Asks = tuple[tuple[str, bool], ...] | None

# What a move's notice says that depends only on its workflow version and the move (labels,
# kinds, meaning, who the next stage asks): worked out once per process, not per transition.
# Keyed by the workflow's identity (a frozen definition the registry caches per version) and
# the move; the entry holds the workflow, so its id cannot be reused while it is cached.
_STATIC: dict[tuple[int, Transition], tuple[Workflow, dict[str, Any], _Asks]] = {}
_STATIC_MAX = 1024  # definitions × moves; cleared whole when full (workflow versions pile up)


def _static(c: Checked) -> tuple[dict[str, Any], _Asks]:
    t, workflow = c.transition, c.workflow
    key = (id(workflow), t)
    hit = _STATIC.get(key)
    if hit is not None and hit[0] is workflow:
        return hit[1], hit[2]
    target = workflow.state(t.target)
    words = {
        "action": t.action,
        "action_label": t.label,
        "from_state": t.source,  # the activity's state: ``resolve`` found the move from it
        "from_label": workflow.label(t.source),
        "from_kind": str(workflow.kind(t.source) or ""),
        "to_state": t.target,
        "to_label": workflow.label(t.target),
        "to_kind": str(workflow.kind(t.target) or ""),
        "final": bool(target and target.final),
        "meaning": {flag: bool(getattr(t, flag)) for flag in TRANSITION_MEANINGS},
    }
    asks: _Asks = None  # a gate's parties depend on the activity: asked per notice
    if target is None or target.final:
        asks = ()
    elif target.gate is None:
        roles = sorted(
            {
                r
                for m in workflow.candidates(target.code)
                if not workflow.is_engine_move(m)
                for r in m.roles
            }
        )
        asks = tuple((r, r in c.runtime.opd_roles) for r in roles)
    if len(_STATIC) >= _STATIC_MAX:
        _STATIC.clear()
    _STATIC[key] = (workflow, words, asks)
    return words, asks


def _asks(c: Checked, asks: _Asks) -> list[list[str | None]]:
    """Who may act at the state the move leads to: a gate's parties, or the roles of its moves
    (an OPD-scoped role: in the activity's OPD)."""
    view = c.loaded.view
    if asks is None:
        target = c.workflow.state(c.transition.target)
        assert target is not None and target.gate is not None
        return [[r.role, r.opd] for r in target.gate.recipients(view) if r.role]
    return [[r, view.opd if opd_scoped else None] for r, opd_scoped in asks]


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
    loaded, t = c.loaded, c.transition
    words, asks = _static(c)
    # The cached words are copied: a reader of one payload cannot change another's.
    return {
        "activity_id": loaded.id,
        "title": loaded.view.title,
        "registration_number": loaded.registration_number,
        "opd": loaded.view.opd,
        "province": loaded.view.province,
        **words,
        "from_state": loaded.state,
        "meaning": dict(words["meaning"]),
        "actor": actor.full_name,
        "comment": c.comment,
        "years": _years(c),
        "decree_number": c.decree_number,
        "decree_date": c.decree_date.isoformat() if c.decree_date else None,
        "asks": _asks(c, asks),
        # With ``to_state``, the visit of the stage the notice is about (delivery: still there?)
        "revision_round": loaded.revision_round + (1 if t.counts_round else 0),
    }
