"""One-time, expiring password-reset links.

The token is 32 random bytes (URL-safe text) e-mailed to the account's address as
``PUBLIC_URL/sandi/atur-ulang/<token>``; the database keeps only its SHA-256, so the table itself
opens no account. A link works once, until ``PASSWORD_RESET_TTL`` minutes after it was made, for
an active account only; issuing a new one ends the user's older links, and so does deactivating
the account. Using it sets the password (the policy of ``core.security``) and ends every session
and API token of the user (the session generation rises; a token carries the old hash's
fingerprint).

Asked for from the login page (``request_link``), the answer never says whether the account
exists: the caller shows the same page either way and sends the mail only when one was made.
The admin's own trigger is ``core.services.users.send_reset`` (audited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core.errors import DomainError, RuleFailed, Violation
from core.messages import N_
from core.models import PasswordReset, User, utcnow
from core.schemas import storable
from core.security import hash_password, password_problems
from core.unit_of_work import unit_of_work

TOKEN_BYTES = 32
# Asked for again from the login page within this time, no new link (nor mail) is made: the
# page cannot be used to flood someone's mailbox.
RESEND_SECONDS = 60

UNKNOWN = N_("Tautan atur ulang kata sandi tidak dikenal. Mintalah tautan baru.")
USED = N_("Tautan ini sudah pernah dipakai. Mintalah tautan baru bila perlu.")
EXPIRED = N_("Tautan ini sudah kedaluwarsa. Mintalah tautan baru.")


class ResetLinkRefused(DomainError):
    """The link cannot be used: ``reason`` is ``unknown``, ``used`` or ``expired``."""

    def __init__(self, message: str, reason: str = "unknown") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Issued:
    """A link made: the token (only ever in the e-mail), its expiry and whom it is for."""

    user_id: int
    name: str
    email: str | None
    token: str
    expires_at: dt.datetime
    zone: str  # the user's province's, for the expiry written in the mail


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def end_links(session: Session, user_id: int, now: dt.datetime) -> None:
    """Every unused link of the user stops working (in the caller's transaction)."""
    session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == user_id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(expires_at=now)
    )


def issue_link(
    session: Session, user: User, ttl_minutes: int, now: dt.datetime, requested_by: int | None
) -> Issued:
    """A new link for ``user`` (in the caller's unit of work); older ones end."""
    end_links(session, user.id, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + dt.timedelta(minutes=ttl_minutes)
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires,
            requested_by_id=requested_by,
        )
    )
    return Issued(user.id, user.full_name, user.email, token, expires, user.province.timezone)


def request_link(
    session: Session, login: str, ttl_minutes: int, now: dt.datetime | None = None
) -> Issued | None:
    """A link for the active account whose username or e-mail address is ``login``, or None
    (no such account, inactive, no address, or a link made for it less than
    ``RESEND_SECONDS`` ago): the page answers the same in every case."""
    wanted = login.strip().lower()
    if not wanted or len(wanted) > 200 or not storable(wanted):
        return None
    user = (
        session.execute(
            select(User).where(
                User.active.is_(True),
                User.email.is_not(None),
                or_(User.username == wanted, func.lower(User.email) == wanted),
            )
        )
        .scalars()
        .first()
    )
    if user is None:
        return None
    moment = now or utcnow()
    recent = session.execute(
        select(PasswordReset.id).where(
            PasswordReset.user_id == user.id,
            PasswordReset.created_at > moment - dt.timedelta(seconds=RESEND_SECONDS),
        )
    ).first()
    if recent is not None:
        return None
    with unit_of_work(session) as s:
        issued = issue_link(s, user, ttl_minutes, moment, requested_by=None)
    return issued


def check_link(session: Session, token: str, now: dt.datetime | None = None) -> User:
    """The account the link is for, or ``ResetLinkRefused`` saying why not."""
    moment = now or utcnow()
    row = session.execute(
        select(PasswordReset, User)
        .join(User, User.id == PasswordReset.user_id)
        .where(PasswordReset.token_hash == token_hash(token))
    ).one_or_none()
    if row is None or not row[1].active:
        raise ResetLinkRefused(UNKNOWN, "unknown")
    link, user = row
    if link.used_at is not None:
        raise ResetLinkRefused(USED, "used")
    if link.expires_at <= moment:
        raise ResetLinkRefused(EXPIRED, "expired")
    return user


def use_link(session: Session, token: str, password: str, now: dt.datetime | None = None) -> User:
    """Set the password chosen on the link's page; the link is then used, and every session
    and token of the user ends. The link is claimed by one guarded UPDATE, so two submissions
    racing with the same link cannot both succeed."""
    moment = now or utcnow()
    user = check_link(session, token, moment)
    problems = password_problems(password, user.username, user.email or "")
    if problems:
        raise RuleFailed([Violation("weak_password", p, "password") for p in problems])
    with unit_of_work(session) as s:
        claimed: int = s.execute(  # type: ignore[attr-defined]
            update(PasswordReset)
            .where(
                PasswordReset.token_hash == token_hash(token),
                PasswordReset.used_at.is_(None),
                PasswordReset.expires_at > moment,
            )
            .values(used_at=moment)
        ).rowcount
        if claimed != 1:
            raise ResetLinkRefused(USED, "used")
        user.password_hash = hash_password(password)
        user.session_generation = User.session_generation + 1
        end_links(s, user.id, moment)
    session.refresh(user)
    return user


__all__ = [
    "EXPIRED",
    "UNKNOWN",
    "USED",
    "Issued",
    "ResetLinkRefused",
    "check_link",
    "end_links",
    "issue_link",
    "request_link",
    "token_hash",
    "use_link",
]
