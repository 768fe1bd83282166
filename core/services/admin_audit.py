"""The administrative audit log: every admin action, who did it, to what, before and after.

A use case that changes an account, an OPD, a pagu, an acting appointment or a calendar window
calls ``record`` inside its own unit of work, so the entry and the change commit (or roll back)
together: there is never a change without its entry, nor an entry for a change that did not
happen. The rows only grow (migration 0009's trigger on PostgreSQL).

Who may read it is ``core.policy.may_read_admin_audit`` (the province admin and the ``viewer``
auditor); scope is the reader's province, never another's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor
from core.models import AdminAuditEntry
from core.policy import ensure_may_read_admin_audit
from core.schemas import storable

MAX_PAGE = 200


def record(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AdminAuditEntry:
    """Add one entry to the session (the caller's unit of work commits it with the change).

    ``action`` is ``<target>.<verb>`` (``user.create``, ``pagu.set``); ``before``/``after`` are
    JSON-able views of the record without secrets (never a password hash or a reset token)."""
    entry = AdminAuditEntry(
        province_id=actor.province_id,
        actor_id=actor.user_id,
        actor=actor.username,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        reason=reason or None,
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Sequence[AdminAuditEntry]:
    """The reader's province's entries, newest first; ``before_id`` pages on (keyset)."""
    ensure_may_read_admin_audit(actor)
    if not all(storable(f) for f in (action, target_type, target_id) if f):
        return []  # no entry holds a NUL or a lone surrogate: nothing matches
    stmt = select(AdminAuditEntry).where(AdminAuditEntry.province_id == actor.province_id)
    if action:
        stmt = stmt.where(AdminAuditEntry.action == action)
    if target_type:
        stmt = stmt.where(AdminAuditEntry.target_type == target_type)
    if target_id:
        stmt = stmt.where(AdminAuditEntry.target_id == target_id)
    if before_id is not None:
        stmt = stmt.where(AdminAuditEntry.id < before_id)
    limit = max(1, min(limit, MAX_PAGE))
    return session.execute(stmt.order_by(AdminAuditEntry.id.desc()).limit(limit)).scalars().all()


__all__ = ["MAX_PAGE", "entries", "record"]
