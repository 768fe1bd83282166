"""Who may see what: the one place where scope is decided (what one may *do* with what one
sees is ``core.policy``'s, and moving an activity is the workflow's).

Everybody sees only their own province; OPD-scoped roles (``opd_staff``, ``opd_head`` and any
plugin role declared with ``scope="opd"``) see only their OPD's activities.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, select, union
from sqlalchemy.orm import Session

from core import acting, driver_sql
from core.acting import ActingMark
from core.errors import NotFound
from core.models import (
    ActingAppointment,
    Activity,
    Opd,
    Province,
    RoleAssignment,
    User,
    UTCDateTime,
)

CORE_OPD_ROLES = frozenset({"opd_staff", "opd_head"})


@dataclass(frozen=True)
class Grant:
    role: str
    opd_id: int | None
    opd_code: str | None
    opd_scoped: bool
    # Set on a grant an acting appointment (Plt./Plh.) gives for its window (core.acting).
    acting: ActingMark | None = None


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    province_id: int
    province_code: str
    grants: tuple[Grant, ...]
    # As stored when the actor was built: a seal signed in a transition names it (issue 17:
    # read with the user, not again at signing).
    nip: str | None = None

    @property
    def roles(self) -> list[str]:
        return sorted({g.role for g in self.grants})

    @property
    def opd_code(self) -> str | None:
        """The user's home OPD (the first grant that names one; an acting one only when the
        user has no other)."""
        return next((g.opd_code for g in self.grants if g.opd_code), None)

    @property
    def opd_id(self) -> int | None:
        return next((g.opd_id for g in self.grants if g.opd_id), None)

    def grant_for(self, role: str, opd_id: int | None = None) -> Grant | None:
        """The grant by which the actor holds ``role`` for ``opd_id``: their own before an
        acting one (an act in one's own right is not marked "Plt.")."""
        matching = [
            g for g in self.grants if g.role == role and (not g.opd_scoped or g.opd_id == opd_id)
        ]
        return next((g for g in matching if g.acting is None), None) or next(iter(matching), None)

    @property
    def province_wide(self) -> bool:
        return any(not g.opd_scoped for g in self.grants)

    @property
    def scoped_opd_ids(self) -> set[int]:
        return {g.opd_id for g in self.grants if g.opd_scoped and g.opd_id is not None}

    def holds(self, role: str, opd_id: int | None = None) -> bool:
        """Whether the actor holds ``role`` for an activity of ``opd_id``."""
        return any(g.role == role and (not g.opd_scoped or g.opd_id == opd_id) for g in self.grants)

    def can_see(self, province_id: int, opd_id: int) -> bool:
        if province_id != self.province_id:
            return False
        return self.province_wide or opd_id in self.scoped_opd_ids

    def can_see_activity(self, province_id: int, opd_id: int, details: dict[str, Any]) -> bool:
        """``can_see``, or the activity names one of the actor's OPDs among its partner OPDs
        (who commit staff and budget to it, and whose head may have to concur)."""
        if self.can_see(province_id, opd_id):
            return True
        if province_id != self.province_id:
            return False
        partners = details.get("partner_opds") or ()
        return any(g.opd_scoped and g.opd_code in partners for g in self.grants)

    def can_see_opd(self, opd_id: int) -> bool:
        return self.province_wide or opd_id in self.scoped_opd_ids


def activity_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition selecting the activities ``actor`` may see (never a discarded draft)."""
    in_province = and_(Activity.province_id == actor.province_id, Activity.discarded_at.is_(None))
    if actor.province_wide:
        return in_province
    ids = actor.scoped_opd_ids
    return and_(in_province, Activity.opd_id.in_(ids)) if ids else false()


def _actor_statement() -> Any:
    """The user, their province's code, their own grants (one row each, a user without any
    gives one row of NULLs) and whether an acting appointment of theirs is in force at ``at``:
    one round trip for the common case. Built once; a call binds ``user_id`` and ``at``."""
    a = ActingAppointment
    acting_now = (
        select(a.id)
        .where(
            a.user_id == User.id,
            a.province_id == User.province_id,
            acting.in_force(bindparam("at", type_=UTCDateTime)),
        )
        .exists()
    )
    return (
        select(
            User.id,
            User.username,
            User.full_name,
            User.nip,
            User.province_id,
            Province.code.label("province_code"),
            RoleAssignment.role,
            RoleAssignment.opd_id,
            Opd.code.label("opd_code"),
            acting_now.label("acting_now"),
        )
        .join(Province, Province.id == User.province_id)
        .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
        .outerjoin(Opd, Opd.id == RoleAssignment.opd_id)
        .where(User.id == bindparam("user_id"), User.active.is_(True))
        .order_by(RoleAssignment.id)
    )


_ACTOR = _actor_statement()


def load_actor(
    session: Session,
    user_id: int,
    opd_roles: frozenset[str] = CORE_OPD_ROLES,
    *,
    at: dt.datetime | None = None,
    roles_of: Callable[[str], frozenset[str] | None] | None = None,
) -> Actor:
    """Build the actor of a user; ``opd_roles`` are the roles limited to their OPD (or, with
    ``roles_of``, those it gives for the user's province code; None: the core's). Acting
    appointments in force ``at`` (default: now, ``core.acting.now``) add their grants after the
    user's own. One round trip unless the user acts for someone (issue 17: every request of
    the API and the pages builds one)."""
    when = at or acting.now()
    session.flush()  # grants the session holds unwritten count, as with an ORM query
    rows = driver_sql.execute(
        driver_sql.connection(session), _ACTOR, {"user_id": user_id, "at": when}
    ).rows
    if not rows:
        raise NotFound("Pengguna tidak ditemukan")
    row = rows[0]
    if roles_of is not None:
        opd_roles = roles_of(row.province_code) or CORE_OPD_ROLES
    own = tuple(
        Grant(r.role, r.opd_id, r.opd_code, r.role in opd_roles) for r in rows if r.role is not None
    )
    extra = (
        _acting_grants(session, user_id, row.province_id, opd_roles, when) if row.acting_now else ()
    )
    return Actor(
        user_id=row.id,
        username=row.username,
        full_name=row.full_name,
        province_id=row.province_id,
        province_code=row.province_code,
        grants=own + extra,
        nip=row.nip,
    )


def _acting_grants(
    session: Session, user_id: int, province_id: int, opd_roles: frozenset[str], at: dt.datetime
) -> tuple[Grant, ...]:
    """The grants of the user's appointments in force at ``at``, each marked with its
    appointment and the role's definitive holders (for whom the user acts)."""
    a = ActingAppointment
    rows = session.execute(
        select(a.id, a.role, a.opd_id, Opd.code, Opd.name, a.kind, a.decree_number)
        .outerjoin(Opd, Opd.id == a.opd_id)
        .where(a.user_id == user_id, a.province_id == province_id, acting.in_force(at))
        .order_by(a.id)
    ).all()
    out: list[Grant] = []
    for r in rows:
        scoped = r.role in opd_roles
        holders = session.execute(
            select(User.full_name)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(
                holders_clause(r.role, r.opd_id, opd_roles),
                User.province_id == province_id,
                User.active.is_(True),
                User.id != user_id,
            )
            .distinct()
            .order_by(User.full_name)
        ).scalars()
        mark = ActingMark(r.id, r.kind, r.decree_number, r.name if scoped else None, tuple(holders))
        out.append(
            Grant(r.role, r.opd_id if scoped else None, r.code if scoped else None, scoped, mark)
        )
    return tuple(out)


def holders_clause(role: str, opd_id: int | None, opd_roles: frozenset[str]) -> ColumnElement[bool]:
    """SQL condition on RoleAssignment for the definitive holders of ``role`` relevant to
    ``opd_id`` (acting officials are ``acting_holders_clause``'s)."""
    if role in opd_roles:
        return and_(RoleAssignment.role == role, RoleAssignment.opd_id == opd_id)
    return RoleAssignment.role == role


def acting_holders_clause(
    role: str, opd_id: int | None, opd_roles: frozenset[str], at: Any
) -> ColumnElement[bool]:
    """SQL condition on ActingAppointment for who acts in ``role`` for ``opd_id`` at ``at``."""
    a = ActingAppointment
    held = a.role == role
    if role in opd_roles:
        held = and_(held, a.opd_id == opd_id)
    return and_(held, acting.in_force(at))


def holder_ids(role: str, opd_id: int | None, opd_roles: frozenset[str], at: Any) -> Any:
    """SQL: the ids of the users who hold ``role`` for ``opd_id`` at ``at`` — its definitive
    holders and whoever acts in it then (the general answer to "who holds R for Y"; active
    users and the province are the caller's to add)."""
    return union(
        select(RoleAssignment.user_id).where(holders_clause(role, opd_id, opd_roles)),
        select(ActingAppointment.user_id).where(acting_holders_clause(role, opd_id, opd_roles, at)),
    )


__all__ = [
    "Actor",
    "Grant",
    "acting_holders_clause",
    "activity_scope",
    "holder_ids",
    "holders_clause",
    "load_actor",
]
