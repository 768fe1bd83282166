"""Accounts set up by an operator: the first province admin of a production install, and a new
password. (The demo's accounts are ``core.seed``'s.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound, RuleFailed, Violation
from core.messages import msg
from core.models import Province, RoleAssignment, User
from core.policy import PAGU_ROLE
from core.security import hash_password, password_problems
from core.unit_of_work import unit_of_work

ADMIN_ROLE = PAGU_ROLE  # the province admin (sets the pagu, sees the whole province)


@dataclass(frozen=True)
class NewAdmin:
    province: str  # the province's code, e.g. ``lampung``
    username: str
    full_name: str
    email: str
    password: str


def check_password(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise RuleFailed([Violation("weak_password", p, field="password") for p in problems])


def create_admin(session: Session, new: NewAdmin) -> User:
    """A province admin with the password they chose; the province must exist (``init-db``)."""
    username = new.username.strip()
    check_password(new.password, username)
    with unit_of_work(session) as s:
        province = s.execute(
            select(Province).where(Province.code == new.province)
        ).scalar_one_or_none()
        if province is None:
            raise NotFound(
                msg("Provinsi '{code}' tidak ada; jalankan `sepakat init-db`.", code=new.province)
            )
        taken = s.execute(select(User.id).where(User.username == username)).first()
        if taken is not None:
            raise Conflict(msg("Nama pengguna '{username}' sudah dipakai.", username=username))
        user = User(
            username=username,
            full_name=new.full_name.strip(),
            email=new.email.strip() or None,
            password_hash=hash_password(new.password),
            province_id=province.id,
        )
        user.roles.append(RoleAssignment(role=ADMIN_ROLE, province_id=province.id))
        s.add(user)
    return user


def end_sessions(session: Session, user_id: int) -> None:
    """Every page session of the user stops working (their next request is sent to login)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=User.session_generation + 1)
    )


def set_password(session: Session, username: str, password: str) -> None:
    """A new password (policy checked); the user's open sessions end with the old one."""
    check_password(password, username)
    with unit_of_work(session) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound(msg("Pengguna '{username}' tidak ada.", username=username))
        user.password_hash = hash_password(password)
        end_sessions(s, user.id)
