"""Who may see what: the one place where scope is decided (what one may *do* with what one
sees is ``core.policy``'s, and moving an activity is the workflow's).

Everybody sees only their own province; OPD-scoped roles (``opd_staff``, ``opd_head`` and any
plugin role declared with ``scope="opd"``) see only their OPD's activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.models import Activity, Opd, Province, RoleAssignment, User

CORE_OPD_ROLES = frozenset({"opd_staff", "opd_head"})


@dataclass(frozen=True)
class Grant:
    role: str
    opd_id: int | None
    opd_code: str | None
    opd_scoped: bool


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    full_name: str
    province_id: int
    province_code: str
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> list[str]:
        return sorted({g.role for g in self.grants})

    @property
    def opd_code(self) -> str | None:
        """The user's home OPD (the first grant that names one)."""
        return next((g.opd_code for g in self.grants if g.opd_code), None)

    @property
    def opd_id(self) -> int | None:
        return next((g.opd_id for g in self.grants if g.opd_id), None)

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


def load_actor(session: Session, user_id: int, opd_roles: frozenset[str] = CORE_OPD_ROLES) -> Actor:
    """Build the actor of a user; ``opd_roles`` are the roles limited to their OPD."""
    row = session.execute(
        select(User.id, User.username, User.full_name, User.province_id, Province.code)
        .join(Province, Province.id == User.province_id)
        .where(User.id == user_id, User.active.is_(True))
    ).one_or_none()
    if row is None:
        raise NotFound("Pengguna tidak ditemukan")
    grants = session.execute(
        select(RoleAssignment.role, RoleAssignment.opd_id, Opd.code)
        .outerjoin(Opd, Opd.id == RoleAssignment.opd_id)
        .where(RoleAssignment.user_id == user_id)
        .order_by(RoleAssignment.id)
    ).all()
    return Actor(
        user_id=row[0],
        username=row[1],
        full_name=row[2],
        province_id=row[3],
        province_code=row[4],
        grants=tuple(Grant(g[0], g[1], g[2], g[0] in opd_roles) for g in grants),
    )


def holders_clause(role: str, opd_id: int | None, opd_roles: frozenset[str]) -> ColumnElement[bool]:
    """SQL condition on RoleAssignment for the holders of ``role`` relevant to ``opd_id``."""
    if role in opd_roles:
        return and_(RoleAssignment.role == role, RoleAssignment.opd_id == opd_id)
    return RoleAssignment.role == role


__all__ = ["Actor", "Grant", "activity_scope", "holders_clause", "load_actor"]
