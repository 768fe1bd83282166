"""``transition``: check, write, commit — or raise a ``DomainError`` and change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import raise_if_any
from core.plugins import Registry
from core.services import seals
from core.services.transitions import gates
from core.services.transitions.checks import Checked, check
from core.services.transitions.subject import ACTIVITY, Subject
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
    *,
    seal: bool = True,
    subject: Subject = ACTIVITY,
) -> TransitionResult:
    """Move an activity (or another workflow type's ``subject``: a progress report, whose id
    ``activity_id`` then is) along its workflow, or raise a ``DomainError`` and change nothing.

    A move that ``requires_decree`` is sealed in the same transaction (``core.services.seals``)
    unless ``seal`` is false: the batch sign-off seals its whole batch once instead."""
    payload = payload or {}
    with unit_of_work(session):
        checked = check(
            session, registry, actor, activity_id, action, expected_version, payload, subject
        )
        warnings = raise_if_any(checked.violations)
        if isinstance(checked, gates.GateChecked):
            result = gates.write_decision(session, actor, checked)
        else:
            result = write(session, actor, checked, seal=seal)
        decreed = isinstance(checked, Checked) and checked.transition.requires_decree
        # Sealed by the write's own statement where it could (``write._seals_here``).
        if seal and decreed and subject.activity_only and result.signoff_id is None:
            assert isinstance(checked, Checked)
            assert checked.decree_number and checked.decree_date  # checked above
            record = seals.seal(
                session,
                actor,
                province_id=checked.loaded.province_id,
                plan_id=checked.loaded.view.plan_id,
                activity_ids=[activity_id],
                decree_number=checked.decree_number,
                decree_date=checked.decree_date,
                acting=checked.acting,
            )
            result.signoff_id, result.signoff_code = record.id, record.code
    result.warnings = warnings
    return result
