"""Accounts made by the user-administration tests. Users are seeded once per test session, so
every test account is named ``uji.<something>`` and removed (with its roles, reset links and the
admin log rows it wrote) by ``forget_test_users`` when the test ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import delete, or_, select

from core.models import AdminAuditEntry, PasswordReset, RoleAssignment, User
from core.security import hash_password
from core.testing import Harness

PREFIX = "uji."
GOOD_PASSWORD = "kopi-tubruk-pagi-hari-7"


def forget_test_users(harness: Harness) -> None:
    with harness.session() as s:
        ids = list(s.execute(select(User.id).where(User.username.like(f"{PREFIX}%"))).scalars())
        if ids:
            s.execute(delete(AdminAuditEntry).where(AdminAuditEntry.actor_id.in_(ids)))
            s.execute(
                delete(PasswordReset).where(
                    or_(PasswordReset.user_id.in_(ids), PasswordReset.requested_by_id.in_(ids))
                )
            )
            s.execute(delete(RoleAssignment).where(RoleAssignment.user_id.in_(ids)))
            s.execute(delete(User).where(User.id.in_(ids)))
        s.commit()


@contextmanager
def cleaned_users(harness: Harness) -> Iterator[None]:
    forget_test_users(harness)
    try:
        yield
    finally:
        forget_test_users(harness)


def user_id(harness: Harness, username: str) -> int:
    with harness.session() as s:
        return int(s.execute(select(User.id).where(User.username == username)).scalar_one())


def set_password(harness: Harness, username: str, password: str = GOOD_PASSWORD) -> None:
    """Give a test account a password directly (a new account has none)."""
    with harness.session() as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        user.password_hash = hash_password(password)
        s.commit()
