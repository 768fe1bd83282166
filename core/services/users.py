"""Account administration by the province admin: list, create, edit, deactivate and reactivate
users, and grant or take back their roles per OPD.

Only the ``admin`` role may (``core.policy.ensure_may_administer``, a 403), and only in their own
province: another province's user is a 404, as if it did not exist. Accounts are never deleted
(audit entries and activities refer to them); a deactivated user cannot log in, and their page
sessions and API tokens end at once (``users.active`` is checked on every request, and the
session generation is raised). Every change is recorded in the admin audit log in its own unit
of work (``core.services.admin_audit.record``), with the account before and after, never a
password hash or a reset token.

The checks of a new account are ``prepare_user``'s, shared with the bulk import
(``core.documents.user_import``), which maps their violations back to rows and columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed, Violation
from core.messages import msg
from core.models import Opd, Province, RoleAssignment, User, utcnow
from core.nip import check_nip, format_nip
from core.plugins import Registry
from core.policy import ADMIN_ROLE, ensure_may_administer
from core.schemas import storable
from core.security import unusable_password
from core.services.accounts import end_sessions
from core.services.admin_audit import record
from core.services.common import violations_from_marshmallow
from core.services.password_reset import Issued, end_links, issue_link
from core.timezones import local_date
from core.types import RoleInfo
from core.unit_of_work import unit_of_work
from core.user_schemas import RoleGrantSchema, UserCreateSchema, UserEditSchema

MAX_LIST = 500
TARGET = "user"


@dataclass(frozen=True)
class Grant:
    """A role to give, resolved: the OPD's id and code for an OPD-scoped role."""

    role: str
    opd_id: int | None = None
    opd_code: str | None = None


@dataclass(frozen=True)
class PreparedUser:
    """A new account that passed every check, with the NIP's warnings."""

    username: str
    full_name: str
    email: str
    nip: str | None
    grants: tuple[Grant, ...]
    warnings: tuple[Violation, ...] = ()
    send_reset: bool = True


@dataclass(frozen=True)
class Saved:
    """What a change answers: the user and the warnings (the NIP's plausibility)."""

    user: User
    warnings: tuple[Violation, ...] = field(default_factory=tuple)


def today_in(session: Session, province_id: int) -> dt.date:
    zone = session.execute(select(Province.timezone).where(Province.id == province_id)).scalar_one()
    return local_date(utcnow(), zone)


def declared_roles(registry: Registry, actor: Actor) -> dict[str, RoleInfo]:
    return registry.get(actor.province_code).roles


def province_opds(session: Session, province_id: int) -> dict[str, Opd]:
    rows = session.execute(select(Opd).where(Opd.province_id == province_id)).scalars()
    return {o.code: o for o in rows}


# -- views ----------------------------------------------------------------------------------


def nip_warnings(user: User, today: dt.date) -> tuple[Violation, ...]:
    return check_nip(user.nip, today).warnings if user.nip else ()


def user_view(user: User, today: dt.date) -> dict[str, Any]:
    """The account as the API and the pages show it (no secret in it)."""
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "nip": user.nip,
        "nip_display": format_nip(user.nip),
        "nip_warnings": [{"code": w.code, "message": w.message} for w in nip_warnings(user, today)],
        "active": user.active,
        "created_at": user.created_at,
        "roles": [
            {"id": r.id, "role": r.role, "opd": r.opd.code if r.opd else None}
            for r in sorted(user.roles, key=lambda r: r.id or 0)
        ],
    }


def audit_view(user: User) -> dict[str, Any]:
    """The account as the admin audit log keeps it, before and after a change."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "nip": user.nip,
        "active": user.active,
        "roles": sorted(
            ({"role": r.role, "opd": r.opd.code if r.opd else None} for r in user.roles),
            key=lambda g: (g["role"], g["opd"] or ""),
        ),
    }


# -- reading --------------------------------------------------------------------------------


def find_user(session: Session, actor: Actor, user_id: int) -> User:
    """A user of the admin's province (403 for a non-admin first, then 404)."""
    ensure_may_administer(actor)
    user = session.get(User, user_id)
    if user is None or user.province_id != actor.province_id:
        raise NotFound("Pengguna tidak ditemukan.")
    return user


def list_users(session: Session, actor: Actor, filters: Mapping[str, Any]) -> Sequence[User]:
    """The province's users, by username; ``q`` searches username, name, e-mail and NIP."""
    ensure_may_administer(actor)
    stmt = select(User).where(User.province_id == actor.province_id)
    if filters.get("q"):
        like = f"%{filters['q'].replace(' ', '')}%" if _nip_like(filters["q"]) else None
        pattern = f"%{filters['q'].strip().lower()}%"
        conditions = [
            func.lower(User.username).like(pattern),
            func.lower(User.full_name).like(pattern),
            func.lower(User.email).like(pattern),
        ]
        if like:
            conditions.append(User.nip.like(like))
        stmt = stmt.where(or_(*conditions))
    if filters.get("role") or filters.get("opd"):
        held = select(RoleAssignment.user_id).outerjoin(Opd, Opd.id == RoleAssignment.opd_id)
        if filters.get("role"):
            held = held.where(RoleAssignment.role == filters["role"])
        if filters.get("opd"):
            held = held.where(Opd.code == filters["opd"])
        stmt = stmt.where(User.id.in_(held))
    if filters.get("active") is not None:
        stmt = stmt.where(User.active.is_(bool(filters["active"])))
    return session.execute(stmt.order_by(User.username).limit(MAX_LIST)).scalars().all()


def _nip_like(text: str) -> bool:
    digits = text.replace(" ", "")
    return len(digits) >= 4 and digits.isascii() and digits.isdigit()


# -- checks ---------------------------------------------------------------------------------


def resolve_grants(
    grants: Iterable[Mapping[str, Any]],
    roles: Mapping[str, RoleInfo],
    opds: Mapping[str, Opd],
    prefix: str = "roles",
) -> tuple[list[Grant], list[Violation]]:
    """Each wanted role checked against the province's declared roles and OPDs; violations
    name ``<prefix>.<i>.role`` / ``.opd`` (``prefix=""``: just ``role`` / ``opd``)."""
    out: list[Grant] = []
    problems: list[Violation] = []
    for i, wanted in enumerate(grants):
        at = f"{prefix}.{i}." if prefix else ""
        code, opd_code = wanted.get("role"), wanted.get("opd") or None
        if code is None:  # the schema refused it already (a partly valid row keeps the rest)
            continue
        info = roles.get(code)
        if info is None:
            problems.append(
                Violation(
                    "role_unknown",
                    msg(
                        "Peran '{role}' tidak dikenal; pilih salah satu dari: {choices}.",
                        role=code,
                        choices=", ".join(sorted(roles)),
                    ),
                    f"{at}role",
                )
            )
            continue
        if info.scope == "opd":
            if opd_code is None:
                problems.append(
                    Violation(
                        "role_needs_opd",
                        msg("Peran {label} harus disertai OPD.", label=info.label),
                        f"{at}opd",
                    )
                )
                continue
            opd = opds.get(opd_code)
            if opd is None:
                problems.append(
                    Violation(
                        "opd_unknown",
                        msg("OPD '{opd}' tidak ada di provinsi ini.", opd=opd_code),
                        f"{at}opd",
                    )
                )
                continue
            if not opd.active:  # deactivated by the admin: no new roles there
                problems.append(
                    Violation(
                        "opd_inactive",
                        msg("OPD {name} sudah tidak aktif.", name=opd.name),
                        f"{at}opd",
                    )
                )
                continue
            grant = Grant(code, opd.id, opd.code)
        elif opd_code is not None:
            problems.append(
                Violation(
                    "role_no_opd",
                    msg("Peran {label} berlaku se-provinsi; kosongkan OPD.", label=info.label),
                    f"{at}opd",
                )
            )
            continue
        else:
            grant = Grant(code)
        if grant not in out:
            out.append(grant)
    return out, problems


def taken_usernames(session: Session, names: Iterable[str]) -> set[str]:
    # Only what a column can hold is looked up: the rest is never taken (the schema refuses it).
    wanted = {n for n in names if storable(n)}
    if not wanted:
        return set()
    rows = session.execute(select(User.username).where(User.username.in_(wanted))).scalars()
    return set(rows)


def taken_emails(session: Session, emails: Iterable[str], except_id: int | None = None) -> set[str]:
    """E-mail addresses (lower case) already on another account: a reset asked for by address
    must reach exactly one person."""
    wanted = {e.lower() for e in emails if storable(e)}
    if not wanted:
        return set()
    stmt = select(func.lower(User.email)).where(func.lower(User.email).in_(wanted))
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return {e for e in session.execute(stmt).scalars() if e}


def _nip_value(
    text: str | None, today: dt.date
) -> tuple[str | None, list[Violation], list[Violation]]:
    if text is None or not text.strip():
        return None, [], []
    checked = check_nip(text, today)
    return checked.digits, list(checked.errors), list(checked.warnings)


def prepare_user(
    data: Mapping[str, Any],
    roles: Mapping[str, RoleInfo],
    opds: Mapping[str, Opd],
    today: dt.date,
    *,
    taken_names: set[str],
    taken_addresses: set[str],
) -> PreparedUser:
    """A new account's every check at once (``RuleFailed`` listing them all): the schema, the
    username and e-mail not taken (``taken_*`` lists what is, from the database and from earlier
    rows of an import), the NIP's shape, the roles and their OPDs."""
    problems: list[Violation] = []
    try:
        loaded: dict[str, Any] = UserCreateSchema().load(dict(data))
    except ValidationError as err:
        problems = violations_from_marshmallow(err)
        valid = err.valid_data
        loaded = dict(valid) if isinstance(valid, dict) else {}
    username, email = loaded.get("username"), loaded.get("email")
    if username and username in taken_names:
        problems.append(
            Violation(
                "username_taken",
                msg("Nama pengguna '{username}' sudah dipakai.", username=username),
                "username",
            )
        )
    if email and email.lower() in taken_addresses:
        problems.append(
            Violation(
                "email_taken", msg("E-mail {email} sudah dipakai akun lain.", email=email), "email"
            )
        )
    nip, nip_errors, warnings = _nip_value(loaded.get("nip"), today)
    problems += nip_errors
    grants, grant_problems = resolve_grants(loaded.get("roles") or [], roles, opds)
    problems += grant_problems
    if problems:
        raise RuleFailed(problems)
    return PreparedUser(
        username=loaded["username"],
        full_name=loaded["full_name"].strip(),
        email=loaded["email"],
        nip=nip,
        grants=tuple(grants),
        warnings=tuple(warnings),
        send_reset=bool(loaded.get("send_reset", True)),
    )


# -- writing --------------------------------------------------------------------------------


def add_users(
    session: Session, actor: Actor, prepared: Sequence[PreparedUser], reason: str | None = None
) -> list[User]:
    """Write the accounts and their audit entries (inside the caller's unit of work). A new
    account has no usable password: its holder chooses one through a reset link."""
    users = []
    for p in prepared:
        user = User(
            username=p.username,
            full_name=p.full_name,
            email=p.email,
            nip=p.nip,
            password_hash=unusable_password(),
            province_id=actor.province_id,
            active=True,
        )
        for g in p.grants:
            user.roles.append(
                RoleAssignment(role=g.role, province_id=actor.province_id, opd_id=g.opd_id)
            )
        session.add(user)
        users.append(user)
    session.flush()
    for user in users:
        record(
            session, actor, "user.create", TARGET, user.id, after=audit_view(user), reason=reason
        )
    return users


def create_user(
    session: Session,
    registry: Registry,
    actor: Actor,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> tuple[Saved, PreparedUser]:
    """One new account of the admin's province (422 naming every failing field)."""
    ensure_may_administer(actor)
    day = today or today_in(session, actor.province_id)
    names = taken_usernames(session, [str(data.get("username", "")).strip().lower()])
    emails = taken_emails(session, [str(data.get("email", "")).strip()])
    opds = province_opds(session, actor.province_id)
    prepared = prepare_user(
        data, declared_roles(registry, actor), opds, day, taken_names=names, taken_addresses=emails
    )
    with unit_of_work(session) as s:
        (user,) = add_users(s, actor, [prepared])
    return Saved(user, prepared.warnings), prepared


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    data: Mapping[str, Any],
    today: dt.date | None = None,
) -> Saved:
    """Change the full name, the e-mail address or the NIP (422 naming every failing field)."""
    user = find_user(session, actor, user_id)
    try:
        loaded: dict[str, Any] = UserEditSchema().load(dict(data))
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None
    problems: list[Violation] = []
    warnings: list[Violation] = []
    changes: dict[str, Any] = {}
    if "full_name" in loaded:
        changes["full_name"] = loaded["full_name"].strip()
    if "email" in loaded:
        email = loaded["email"]
        if email.lower() in taken_emails(session, [email], except_id=user.id):
            problems.append(
                Violation(
                    "email_taken",
                    msg("E-mail {email} sudah dipakai akun lain.", email=email),
                    "email",
                )
            )
        changes["email"] = email
    if "nip" in loaded:
        nip, errors, warnings = _nip_value(
            loaded["nip"], today or today_in(session, user.province_id)
        )
        problems += errors
        changes["nip"] = nip
    if problems:
        raise RuleFailed(problems)
    before = audit_view(user)
    with unit_of_work(session) as s:
        for key, value in changes.items():
            setattr(user, key, value)
        after = audit_view(user)
        if after != before:
            record(
                s,
                actor,
                "user.update",
                TARGET,
                user.id,
                before=before,
                after=after,
                reason=loaded.get("reason"),
            )
    return Saved(user, tuple(warnings))


def set_active(
    session: Session, actor: Actor, user_id: int, active: bool, reason: str | None = None
) -> User:
    """Deactivate (every session and token of the user ends, open reset links too) or
    reactivate an account. An admin cannot deactivate their own account."""
    user = find_user(session, actor, user_id)
    if not active and user.id == actor.user_id:
        raise RuleFailed(
            [
                Violation(
                    "own_account", "Anda tidak dapat menonaktifkan akun Anda sendiri.", "active"
                )
            ]
        )
    if user.active == active:
        return user
    before = audit_view(user)
    with unit_of_work(session) as s:
        user.active = active
        if not active:
            end_sessions(s, user.id)
            end_links(s, user.id, utcnow())
        record(
            s,
            actor,
            "user.reactivate" if active else "user.deactivate",
            TARGET,
            user.id,
            before=before,
            after=audit_view(user),
            reason=reason,
        )
    session.refresh(user)
    return user


def grant_role(
    session: Session, registry: Registry, actor: Actor, user_id: int, data: Mapping[str, Any]
) -> User:
    """Give the user one of the province's roles (with its OPD when OPD-scoped); holding it
    already is a 409."""
    user = find_user(session, actor, user_id)
    try:
        loaded: dict[str, Any] = RoleGrantSchema().load(dict(data))
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None
    grants, problems = resolve_grants(
        [loaded], declared_roles(registry, actor), province_opds(session, actor.province_id), ""
    )
    if problems:
        raise RuleFailed(problems)
    (grant,) = grants
    if any(r.role == grant.role and r.opd_id == grant.opd_id for r in user.roles):
        raise Conflict("Pengguna sudah memegang peran ini.")
    before = audit_view(user)
    with unit_of_work(session) as s:
        user.roles.append(
            RoleAssignment(role=grant.role, province_id=actor.province_id, opd_id=grant.opd_id)
        )
        s.flush()
        s.refresh(user)
        record(s, actor, "user.role_grant", TARGET, user.id, before=before, after=audit_view(user))
    return user


def revoke_role(
    session: Session, actor: Actor, user_id: int, assignment_id: int, reason: str | None = None
) -> User:
    """Take back one role assignment. The admin cannot take their own last ``admin`` role
    (nobody could administer the province through them any more, themselves included)."""
    user = find_user(session, actor, user_id)
    assignment = next((r for r in user.roles if r.id == assignment_id), None)
    if assignment is None:
        raise NotFound("Peran pengguna tidak ditemukan.")
    own_admins = sum(1 for r in user.roles if r.role == ADMIN_ROLE)
    if user.id == actor.user_id and assignment.role == ADMIN_ROLE and own_admins == 1:
        raise RuleFailed(
            [
                Violation(
                    "own_last_admin",
                    "Anda tidak dapat mencabut peran admin terakhir Anda sendiri.",
                    "role",
                )
            ]
        )
    before = audit_view(user)
    with unit_of_work(session) as s:
        user.roles.remove(assignment)
        s.flush()
        record(
            s,
            actor,
            "user.role_revoke",
            TARGET,
            user.id,
            before=before,
            after=audit_view(user),
            reason=reason,
        )
    return user


def send_reset(
    session: Session, actor: Actor, user_id: int, ttl_minutes: int, now: dt.datetime | None = None
) -> Issued:
    """A reset link for the user, to be e-mailed to them (the caller sends it after the commit):
    the admin never sees or sets the password. 422 when the account is inactive or has no
    e-mail address."""
    user = find_user(session, actor, user_id)
    problems = []
    if not user.active:
        problems.append(
            Violation(
                "inactive", "Akun nonaktif; aktifkan dulu sebelum mengatur ulang sandi.", "active"
            )
        )
    if not user.email:
        problems.append(Violation("no_email", "Pengguna belum memiliki alamat e-mail.", "email"))
    if problems:
        raise RuleFailed(problems)
    with unit_of_work(session) as s:
        issued = issue_link(s, user, ttl_minutes, now or utcnow(), requested_by=actor.user_id)
        record(
            s,
            actor,
            "user.password_reset",
            TARGET,
            user.id,
            after={
                "username": user.username,
                "email": user.email,
                "expires_at": issued.expires_at.isoformat(),
            },
        )
    return issued


__all__ = [
    "Grant",
    "PreparedUser",
    "Saved",
    "add_users",
    "audit_view",
    "create_user",
    "declared_roles",
    "find_user",
    "grant_role",
    "list_users",
    "prepare_user",
    "province_opds",
    "resolve_grants",
    "revoke_role",
    "send_reset",
    "set_active",
    "taken_emails",
    "taken_usernames",
    "today_in",
    "update_user",
    "user_view",
]
