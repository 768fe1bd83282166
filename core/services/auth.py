"""Checking credentials (the web layer turns a user into a token or a session)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import User
from core.schemas import storable
from core.security import hash_password, verify_password

# Verifying against a dummy hash when the user is unknown keeps the response time the same,
# so timing does not reveal which usernames exist.
_DUMMY_HASH: str | None = None


def authenticate(session: Session, username: str, password: str) -> User | None:
    global _DUMMY_HASH
    user = (
        session.execute(
            select(User).where(User.username == username, User.active.is_(True))
        ).scalar_one_or_none()
        if storable(username)
        else None  # no user has it, and PostgreSQL refuses to even compare it (a DataError)
    )
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("sepakat-dummy")
        verify_password(_DUMMY_HASH, password)
        return None
    return user if verify_password(user.password_hash, password) else None
