"""Putting back the rows seeded once per session (OPDs, pagu) that a test changes: a snapshot
before, and after the test every seeded row as it was and every row the test added gone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.models import AdminAuditEntry, Ceiling, Opd, PasswordReset, RoleAssignment, User

OPD_FIELDS = ("name", "sipd_code", "active", "updated_at", "updated_by_id")


@contextmanager
def seeded_opds_and_pagu(factory: sessionmaker[Session]) -> Iterator[None]:
    with factory() as s:
        opds = {o.id: {f: getattr(o, f) for f in OPD_FIELDS} for o in s.scalars(select(Opd))}
        pagu = {c.id: c.amount for c in s.scalars(select(Ceiling))}
    try:
        yield
    finally:
        with factory() as s:
            s.execute(delete(Ceiling).where(Ceiling.id.not_in(pagu)))
            for cid, amount in pagu.items():
                s.execute(update(Ceiling).where(Ceiling.id == cid).values(amount=amount))
            # Two OPDs may swap SIPD codes in a test: clear them first (unique per province).
            s.execute(update(Opd).values(sipd_code=None))
            s.execute(delete(Opd).where(Opd.id.not_in(opds)))
            for oid, values in opds.items():
                row: dict[str, Any] = dict(values)
                s.execute(update(Opd).where(Opd.id == oid).values(**row))
            s.commit()


USER_FIELDS = (
    "username",
    "full_name",
    "email",
    "nip",
    "password_hash",
    "active",
    "session_generation",
)


@contextmanager
def seeded_users(factory: sessionmaker[Session]) -> Iterator[None]:
    """The seeded accounts and their roles as they were (a test that administers them through
    the pages may deactivate, rename or re-role a demo user); accounts it added, gone."""
    with factory() as s:
        users = {u.id: {f: getattr(u, f) for f in USER_FIELDS} for u in s.scalars(select(User))}
        roles = {
            (r.user_id, r.role, r.province_id, r.opd_id) for r in s.scalars(select(RoleAssignment))
        }
    try:
        yield
    finally:
        with factory() as s:
            added = select(User.id).where(User.id.not_in(users))
            s.execute(delete(AdminAuditEntry).where(AdminAuditEntry.actor_id.in_(added)))
            s.execute(delete(PasswordReset))
            s.execute(delete(RoleAssignment))
            s.execute(delete(User).where(User.id.not_in(users)))
            for uid, values in users.items():
                s.execute(update(User).where(User.id == uid).values(**values))
            for user_id, role, province_id, opd_id in sorted(roles, key=str):
                s.add(
                    RoleAssignment(
                        user_id=user_id, role=role, province_id=province_id, opd_id=opd_id
                    )
                )
            s.commit()
