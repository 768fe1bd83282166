"""Accounts set up by an operator: the first province admin of a production install, and a new
password. (The demo's accounts are ``core.seed``'s.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed, Violation
from core.messages import msg
from core.models import Province, RoleAssignment, User
from core.policy import PAGU_ROLE
from core.security import hash_password, password_problems, verify_password
from core.unit_of_work import unit_of_work

ADMIN_ROLE = PAGU_ROLE  # the province admin (sets the pagu, sees the whole province)


@dataclass(frozen=True)
class NewAdmin:
    province: str  # the province's code, e.g. ``lampung``
    username: str
    full_name: str
    email: str
    password: str


def check_password(password: str, username: str, email: str = "", field: str = "password") -> None:
    problems = password_problems(password, username, email)
    if problems:
        raise RuleFailed([Violation("weak_password", p, field=field) for p in problems])


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


def change_own_password(session: Session, actor: Actor, current: str, new: str) -> User:
    """The logged-in user's new password: the current one must be right and the new one meet
    the policy (every problem at once). Every other session and token of the user ends; the
    caller keeps the current one alive (a fresh token, the page session's new generation)."""
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise NotFound("Pengguna tidak ditemukan.")
    problems: list[Violation] = []
    if not verify_password(user.password_hash, current):
        problems.append(
            Violation("wrong_password", "Kata sandi saat ini salah.", "current_password")
        )
    problems += [
        Violation("weak_password", p, "new_password")
        for p in password_problems(new, user.username, user.email or "")
    ]
    if current and new == current:
        problems.append(
            Violation(
                "same_password",
                "Kata sandi baru harus berbeda dari kata sandi saat ini.",
                "new_password",
            )
        )
    if problems:
        raise RuleFailed(problems)
    with unit_of_work(session) as s:
        user.password_hash = hash_password(new)
        end_sessions(s, user.id)
    session.refresh(user)
    return user
