"""*Hapus draf*: the OPD's operator sets aside a draft that was never submitted.

The activity's audit chain is per activity and append-only (a PostgreSQL trigger refuses any
UPDATE or DELETE of its entries), so the row is never deleted: it is marked ``discarded_at``
(and by whom) under the optimistic lock, and a ``discard`` entry closes its chain. From then
on every read (``core.access.activity_scope``) and every move (the transition load) treats it
as gone; its registration number is not given again.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import NotFound, StaleVersion
from core.models import Activity, utcnow
from core.plugins import Registry
from core.policy import DRAFTER_ROLE, ensure_may_discard_draft
from core.services.common import activities_t, append_audit
from core.unit_of_work import unit_of_work

DISCARD = "discard"  # the audit action (not a workflow move: the state stays)
STALE = "Kegiatan telah diubah orang lain; muat ulang lalu coba lagi."


def discard_draft(
    session: Session, registry: Registry, actor: Actor, activity_id: int, expected_version: int
) -> None:
    """Set the draft aside, audited; ``NotFound`` outside the actor's scope, ``NotAllowed``
    for a role that does not draft, ``Conflict`` once it was submitted or is no draft,
    ``StaleVersion`` when it changed since ``expected_version``."""
    activity = session.execute(
        select(Activity).where(Activity.id == activity_id, Activity.discarded_at.is_(None))
    ).scalar_one_or_none()
    if activity is None or not actor.can_see(activity.province_id, activity.opd_id):
        raise NotFound("Kegiatan tidak ditemukan.")
    workflow = registry.get(actor.province_code).workflow_version(
        session, activity.workflow_version
    )
    state = workflow.state(activity.state)
    ensure_may_discard_draft(actor, activity.opd_id, state, activity.submitted_by_id)
    if activity.version != expected_version:
        raise StaleVersion(STALE)
    now = utcnow()
    with unit_of_work(session):
        # Guarded like a transition: a submit or an edit that got there first wins.
        done = session.connection().execute(
            update(activities_t)
            .where(
                activities_t.c.id == activity_id,
                activities_t.c.version == expected_version,
                activities_t.c.discarded_at.is_(None),
                activities_t.c.submitted_by_id.is_(None),
                activities_t.c.state == activity.state,
            )
            .values(
                discarded_at=now,
                discarded_by_id=actor.user_id,
                version=activities_t.c.version + 1,
                updated_at=now,
            )
        )
        if done.rowcount != 1:
            raise StaleVersion(STALE)
        append_audit(
            session,
            activity_id=activity_id,
            actor_id=actor.user_id,
            actor=actor.username,
            role=DRAFTER_ROLE,
            action=DISCARD,
            from_state=activity.state,
            to_state=activity.state,
            comment=None,
            payload={"registration_number": activity.registration_number},
            at=now,
        )
    session.expire(activity)
