"""``transition``: check, write, commit — or raise a ``DomainError`` and change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import raise_if_any
from core.plugins import Registry
from core.services.transitions import gates
from core.services.transitions.checks import check
from core.services.transitions.write import TransitionResult, write
from core.unit_of_work import unit_of_work


def transition(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_id: int,
    action: str,
    expected_version: int,
    payload: dict[str, Any] | None = None,
) -> TransitionResult:
    """Move an activity along its workflow, or raise a ``DomainError`` and change nothing."""
    payload = payload or {}
    with unit_of_work(session):
        checked = check(session, registry, actor, activity_id, action, expected_version, payload)
        warnings = raise_if_any(checked.violations)
        if isinstance(checked, gates.GateChecked):
            result = gates.write_decision(session, actor, checked)
        else:
            result = write(session, actor, checked)
    result.warnings = warnings
    return result
