"""Who is told, and the outbox rows that tell them: shared by transitions and reminders.

Plugins name recipients as ``Recipient`` values (a role, a role in one OPD, or one user). Here
they become one SQL condition on users, built once per *shape* (which kinds of clause, which
roles) and cached, so the hot path only binds values. A transition inserts its outbox rows with
``INSERT ... SELECT`` over that condition in the same statement as its write; a reminder reads
the user ids first (nobody to tell: nothing is recorded) and inserts the same rows.

A role's holders are its definitive holders and whoever acts in it at the message's moment
(``o_at``: an acting official, Plt./Plh., inside their window; ``core.acting``).

Bind names start with ``o_``: a transition shares its parameters with an UPDATE, which would take
a parameter named like a column as a value to SET.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from core import acting
from core.models import ActingAppointment, Opd, RoleAssignment, User, UTCDateTime
from core.notifications.store import insert_new, outbox_t
from core.types import Recipient

Shape = tuple[tuple[str, str | None], ...]

OUTBOX_COLUMNS = ["key", "kind", "activity_id", "recipient_id", "payload", "created_at", "attempts"]


@dataclass(frozen=True)
class Audience:
    """Recipients as a statement shape and the values it binds."""

    shape: Shape
    params: dict[str, Any]


def audience(
    recipients: Iterable[Recipient],
    *,
    opd: str,
    opd_roles: frozenset[str],
    at: dt.datetime | None = None,
) -> Audience:
    """``recipients`` of an activity of OPD ``opd``; OPD-scoped roles (``opd_roles``) mean their
    holders in that OPD unless the recipient names another one, and those acting in them at
    ``at`` (default: now)."""
    shape: list[tuple[str, str | None]] = []
    params: dict[str, Any] = {"o_at": at or acting.now()}
    for i, r in enumerate(recipients):
        if r.user_id is not None:
            shape.append(("user", None))
            params[f"o_r{i}"] = r.user_id
        elif r.role is not None and r.role in opd_roles:
            if r.opd in (None, opd):
                shape.append(("opd_role", r.role))
            else:
                shape.append(("other_opd_role", r.role))
                params[f"o_r{i}"] = r.opd
        elif r.role is not None:
            shape.append(("role", r.role))
    return Audience(tuple(shape), params)


def _role_clauses(shape: Shape, role_col: Any, opd_col: Any) -> list[ColumnElement[bool]]:
    """The shape's role clauses on a table of (role, opd_id): role assignments or acting
    appointments."""
    clauses: list[ColumnElement[bool]] = []
    for i, (kind, role) in enumerate(shape):
        if kind == "opd_role":
            clauses.append(and_(role_col == role, opd_col == bindparam("o_opd_id")))
        elif kind == "other_opd_role":
            other = select(Opd.id).where(
                Opd.code == bindparam(f"o_r{i}"), Opd.province_id == bindparam("o_province_id")
            )
            clauses.append(and_(role_col == role, opd_col.in_(other)))
        elif kind == "role":
            clauses.append(role_col == role)
    return clauses


def _clauses(shape: Shape) -> list[ColumnElement[bool]]:
    users = [User.id == bindparam(f"o_r{i}") for i, (kind, _) in enumerate(shape) if kind == "user"]
    return users + _role_clauses(shape, RoleAssignment.role, RoleAssignment.opd_id)


def _user_filter(shape: Shape, *, skip_actor: bool) -> list[ColumnElement[bool]]:
    """Active users of the province matching the shape; binds ``o_province_id``, ``o_opd_id``,
    ``o_r<i>`` and, with ``skip_actor``, ``o_actor_id`` (nobody needs telling what they just
    did)."""
    matching = (
        select(User.id)
        .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(or_(*_clauses(shape)))
    )
    held: ColumnElement[bool] = User.id.in_(matching)
    a = ActingAppointment
    acting_roles = _role_clauses(shape, a.role, a.opd_id)
    if acting_roles:
        at = bindparam("o_at", type_=UTCDateTime)
        held = or_(
            held, User.id.in_(select(a.user_id).where(or_(*acting_roles), acting.in_force(at)))
        )
    out = [
        held,
        User.province_id == bindparam("o_province_id"),
        User.active.is_(True),
    ]
    if skip_actor:
        out.append(User.id != bindparam("o_actor_id"))
    return out


@lru_cache(maxsize=512)
def users_select(shape: Shape, *, skip_actor: bool = False) -> Select[Any]:
    """The ids of the users to tell, in id order."""
    return select(User.id).where(*_user_filter(shape, skip_actor=skip_actor)).order_by(User.id)


@dataclass(frozen=True)
class OutboxBatch:
    """One message for many recipients: every row shares kind, activity, payload and time; its
    key is ``key_prefix`` + the recipient's id, unique, which makes delivery idempotent."""

    kind: str
    key_prefix: str
    activity_id: int
    payload: dict[str, Any]
    created_at: dt.datetime

    def rows(self, user_ids: Sequence[int]) -> list[dict[str, Any]]:
        return [
            {
                "key": f"{self.key_prefix}{uid}",
                "kind": self.kind,
                "activity_id": self.activity_id,
                "recipient_id": uid,
                "payload": self.payload,
                "created_at": self.created_at,
                "attempts": 0,
            }
            for uid in user_ids
        ]

    def params(self) -> dict[str, Any]:
        """The values ``rows_select`` binds besides the audience's."""
        return {
            "o_kind": self.kind,
            "o_key_prefix": self.key_prefix,
            "o_activity_id": self.activity_id,
            "o_payload": self.payload,
            "o_created_at": self.created_at,
        }


def rows_select(shape: Shape) -> Select[Any]:
    """One outbox row per user to tell (the actor left out), for ``INSERT ... SELECT``."""
    return (
        select(
            bindparam("o_key_prefix", type_=String) + sql_cast(User.id, String),
            bindparam("o_kind", type_=String),
            bindparam("o_activity_id", type_=Integer),
            User.id,
            bindparam("o_payload", type_=JSON),
            bindparam("o_created_at", type_=DateTime),
            literal(0),
        )
        .where(*_user_filter(shape, skip_actor=True))
        .order_by(User.id)
    )


@lru_cache(maxsize=512)
def insert_rows(shape: Shape) -> Any:
    """The outbox rows in one round trip, returning their ids; built once per shape."""
    return insert(outbox_t).from_select(OUTBOX_COLUMNS, rows_select(shape)).returning(outbox_t.c.id)


INSERT = insert(outbox_t).returning(outbox_t.c.id)  # rows given as values (reminders)


def role_holders(
    session: Session,
    roles: Iterable[str],
    *,
    opd: str,
    opd_id: int,
    province_id: int,
    opd_roles: frozenset[str],
) -> list[int]:
    """The ids of who holds (or acts in) one of ``roles`` for an item of OPD ``opd``: an
    OPD-scoped role in that OPD, any other in the province. For reminders, which read the
    recipients before they write anything."""
    told = audience([Recipient(role=r) for r in roles], opd=opd, opd_roles=opd_roles)
    params = told.params | {"o_province_id": province_id, "o_opd_id": opd_id}
    return list(session.execute(users_select(told.shape), params).scalars())


def record_once(
    session: Session,
    table: Table,
    key: dict[str, Any],
    batch: OutboxBatch,
    user_ids: Sequence[int],
) -> list[int]:
    """A reminder's row in ``table`` (its unique ``key`` columns) and its outbox rows, in the
    caller's transaction; nothing when another run wrote the same key first (so each reminder is
    sent once, also by two runs at the same moment)."""
    if insert_new(session, table, key | {"created_at": batch.created_at}, list(key)) is None:
        return []
    return list(session.execute(INSERT, batch.rows(user_ids)).scalars())
