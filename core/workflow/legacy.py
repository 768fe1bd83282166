"""Reading stored definitions written before moves and states carried their meaning as data.

Those versions (stored as JSON in ``workflow_definitions``) have no ``kind`` on their states and
none of the meaning flags on their transitions. They were all built from the core route, whose
names then *were* the meaning, so the meaning is derived from those names here — the one place
outside ``core.workflow.route`` that reads them. An activity in flight on such a version keeps
booking pagu at confirmation and needing a decree at signing.
"""

from __future__ import annotations

from typing import Any

from core.workflow.gate import Gate
from core.workflow.model import (
    STATE_FIELDS,
    TRANSITION_FIELDS,
    TRANSITION_MEANINGS,
    State,
    StateKind,
    Transition,
)

# The core route's names as they were when meaning lived in them.
_KIND_BY_CODE: dict[str, StateKind] = {
    "draft": StateKind.DRAFTING,
    "budget_review": StateKind.BUDGET,
    "governor_signoff": StateKind.SIGNOFF,
    "signed": StateKind.APPROVED,
    "returned": StateKind.RETURNED,
    "rejected": StateKind.REJECTED,
}


def _legacy_meaning(t: dict[str, Any]) -> dict[str, bool]:
    action, target = t["action"], t["target"]
    return {
        "books_budget": action == "confirm_budget",
        "releases_budget": action in ("return", "reject"),
        "requires_decree": target == "signed",
        "records_submitter": action == "submit",
        "sends_back": action == "return",
        # No version that old had a withdrawal; the name is read the same way for symmetry.
        "withdraws": action == "withdraw",
    }


def state_from_dict(data: dict[str, Any]) -> State:
    values = {k: v for k, v in data.items() if k in STATE_FIELDS}
    kind = values.get("kind")
    values["kind"] = StateKind(kind) if kind else _KIND_BY_CODE.get(data["code"], StateKind.REVIEW)
    # Versions stored before gates existed have no "gate" key: no gate.
    gate = values.get("gate")
    values["gate"] = Gate.from_dict(gate) if gate else None
    return State(**values)


def transition_from_dict(data: dict[str, Any]) -> Transition:
    values = {k: v for k, v in data.items() if k in TRANSITION_FIELDS}
    values["roles"] = tuple(data["roles"])
    if not any(name in data for name in TRANSITION_MEANINGS):
        values.update(_legacy_meaning(data))
    return Transition(**values)
