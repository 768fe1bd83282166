"""The province admin's acting appointments (Plt./Plh.): record one, list them, end one early.

What an appointment grants and when is ``core.acting``'s; this module is the administration:
who may appoint whom to what (``validate``), and every change recorded in the admin audit log
in the same unit of work (``acting.create``, ``acting.end``). Appointments are never deleted.

**Overlaps are refused**: one acting official per post (role, and OPD for an OPD-scoped role)
at a time, so "for whom and by which surat perintah" has one answer on every act. An overlap
is a rule failure naming the appointment in the way; ending that one early frees its days.
An appointment that ended early never comes back (record a new one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import acting
from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed, Violation
from core.messages import N_, msg
from core.models import ActingAppointment, Opd, RoleAssignment, User
from core.plugins import ProvinceRuntime, Registry
from core.policy import ADMIN_ROLE, AUDITOR_ROLE, DRAFTER_ROLE, ensure_may_administer
from core.schemas import Choice, Day, IdSchema, Line, Str, length
from core.services import admin_audit
from core.services.common import violations_from_marshmallow
from core.timezones import local_date
from core.types import Code, RoleInfo
from core.unit_of_work import unit_of_work

NOT_FOUND = "Penunjukan pejabat tidak ditemukan."
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
KIND_CODES = tuple(Code(code, label) for code, label in acting.KINDS.items())


class ActingInputSchema(IdSchema):
    """A new appointment: who (``username``), as what (``role``, ``opd`` for an OPD-scoped
    role), ``kind`` (``plt``/``plh``), the days (both included, in the province's zone) and the
    surat perintah."""

    username = Line(required=True, validate=length(1, 80))
    role = Line(required=True, validate=length(1, 40))
    opd = Line(load_default=None, allow_none=True, validate=length(max=40))
    kind = Choice(KIND_CODES, required=True)
    start_date = Day(required=True)
    end_date = Day(required=True)
    decree_number = Line(required=True, validate=length(1, 120))
    reason = Str(load_default=None, allow_none=True, validate=length(max=1000))


class EndInputSchema(IdSchema):
    reason = Str(load_default=None, allow_none=True, validate=length(max=1000))


def appointable_roles(runtime: ProvinceRuntime) -> list[RoleInfo]:
    """The roles an acting official may hold: every role that moves or decides in the
    province's workflow (the governor's included), but not the drafter's (an operator is no
    post to cover), nor the admin's or the auditor's."""
    workflow = runtime.workflow
    used = {r for t in workflow.transitions for r in t.roles}
    used |= {s.stage_role for s in workflow.states if s.stage_role}
    used |= {s.gate.role for s in workflow.states if s.gate is not None and s.gate.role}
    used -= {DRAFTER_ROLE, ADMIN_ROLE, AUDITOR_ROLE}
    return [info for code, info in runtime.roles.items() if code in used]


@dataclass(frozen=True)
class AppointmentView:
    """One appointment as the API and the page show it."""

    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    opd: str | None
    opd_name: str | None
    kind: str
    title: str  # "Plt. Kepala Dinas Sosial"
    start_date: dt.date
    end_date: dt.date
    decree_number: str
    created_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    status: str  # current / upcoming / past

    def audit(self) -> dict[str, Any]:
        """JSON for the admin audit log."""
        return {
            "username": self.username,
            "role": self.role,
            "opd": self.opd,
            "kind": self.kind,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "decree_number": self.decree_number,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def view(
    session: Session, runtime: ProvinceRuntime, a: ActingAppointment, at: dt.datetime
) -> AppointmentView:
    info = runtime.roles.get(a.role)
    opd_name = a.opd.name if a.opd is not None else None
    creator = session.get(User, a.created_by_id)
    office = acting.office(info, a.role, opd_name, runtime.info.name)
    return AppointmentView(
        id=a.id,
        username=a.user.username,
        full_name=a.user.full_name,
        role=a.role,
        role_label=info.label if info is not None else a.role,
        opd=a.opd.code if a.opd is not None else None,
        opd_name=opd_name,
        kind=a.kind,
        title=acting.title({"kind": a.kind, "office": office}),
        start_date=a.start_date,
        end_date=a.end_date,
        decree_number=a.decree_number,
        created_by=creator.username if creator is not None else "",
        created_at=a.created_at,
        revoked_at=a.revoked_at,
        status=acting.status(a, at),
    )


def appointments(
    session: Session, registry: Registry, actor: Actor, *, status: str | None = None
) -> list[AppointmentView]:
    """The province's appointments, newest window first; ``status`` keeps one group
    (``current``, ``upcoming``, ``past``)."""
    ensure_may_administer(actor)
    runtime = registry.get(actor.province_code)
    at = acting.now()
    rows = session.execute(
        select(ActingAppointment)
        .where(ActingAppointment.province_id == actor.province_id)
        .order_by(ActingAppointment.start_date.desc(), ActingAppointment.id.desc())
    ).scalars()
    out = [view(session, runtime, a, at) for a in rows]
    return [v for v in out if status is None or v.status == status]


def appointment(
    session: Session, registry: Registry, actor: Actor, appointment_id: int
) -> AppointmentView:
    ensure_may_administer(actor)
    a = _of_province(session, actor, appointment_id)
    return view(session, registry.get(actor.province_code), a, acting.now())


def _of_province(session: Session, actor: Actor, appointment_id: int) -> ActingAppointment:
    a = session.get(ActingAppointment, appointment_id)
    if a is None or a.province_id != actor.province_id:
        raise NotFound(NOT_FOUND)
    return a


def parse(schema: IdSchema, data: Any) -> dict[str, Any]:
    """Raw input (a page's form) loaded by ``schema``, or ``RuleFailed`` naming every field
    (the API loads the same schemas itself)."""
    try:
        return dict(schema.load(data if isinstance(data, dict) else {}))
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None


def _checked(
    session: Session, runtime: ProvinceRuntime, actor: Actor, data: dict[str, Any]
) -> tuple[User | None, Opd | None, list[Violation]]:
    """Who and which OPD the input names, and every reason it cannot be appointed."""
    out: list[Violation] = []
    user = session.execute(
        select(User).where(User.username == data["username"])
    ).scalar_one_or_none()
    if user is None or user.province_id != actor.province_id or not user.active:
        text = N_("Pengguna tidak ditemukan atau tidak aktif di provinsi ini.")
        out.append(Violation("user_unknown", text, "username"))
        user = None
    roles = {r.code: r for r in appointable_roles(runtime)}
    role = data["role"]
    scoped = role in runtime.opd_roles
    if role not in roles:
        choices = ", ".join(sorted(roles))
        text = msg(
            "Peran '{role}' tidak dapat dijabat pelaksana (pilih: {choices}).",
            role=role,
            choices=choices,
        )
        out.append(Violation("role_unknown", text, "role"))
    opd: Opd | None = None
    if data.get("opd"):
        opd = session.execute(
            select(Opd).where(Opd.province_id == actor.province_id, Opd.code == data["opd"])
        ).scalar_one_or_none()
        if opd is None:
            text = msg("OPD '{opd}' tidak dikenal.", opd=data["opd"])
            out.append(Violation("opd_unknown", text, "opd"))
        elif role in roles and not scoped:
            text = N_("Peran ini berlaku se-provinsi: OPD tidak diisi.")
            out.append(Violation("opd_not_allowed", text, "opd"))
    elif role in roles and scoped:
        text = N_("OPD wajib diisi untuk peran ini.")
        out.append(Violation("opd_required", text, "opd"))
    start, end = data["start_date"], data["end_date"]
    # Bounded: no plan reaches further, and the window's arithmetic stays in range.
    unbounded = [n for n, d in (("start_date", start), ("end_date", end)) if not FIRST <= d <= LAST]
    for name in unbounded:
        text = msg("Tanggal harus antara {first} dan {last}.", first=FIRST, last=LAST)
        out.append(Violation("window_out_of_range", text, name))
    if unbounded:  # the order of days out of range says nothing more
        pass
    elif end < start:
        text = N_("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        out.append(Violation("window_reversed", text, "end_date"))
    elif end < local_date(acting.now(), runtime.info.timezone):
        text = N_("Tanggal selesai sudah lewat.")
        out.append(Violation("window_past", text, "end_date"))
    if user is not None and role in roles and not out:
        holds = select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            *([RoleAssignment.opd_id == opd.id] if scoped and opd is not None else []),
        )
        if session.execute(holds).first() is not None:
            text = N_("Pengguna ini sudah memegang jabatan tersebut secara definitif.")
            out.append(Violation("already_holder", text, "username"))
        out.extend(_overlaps(session, actor, role, opd if scoped else None, start, end))
    return user, opd if scoped else None, out


def _overlaps(
    session: Session, actor: Actor, role: str, opd: Opd | None, start: dt.date, end: dt.date
) -> list[Violation]:
    """The appointments (not ended early) of the same post whose days meet ``start``–``end``."""
    a = ActingAppointment
    clash = session.execute(
        select(a)
        .where(
            a.province_id == actor.province_id,
            a.role == role,
            a.opd_id == opd.id if opd is not None else a.opd_id.is_(None),
            a.revoked_at.is_(None),
            a.start_date <= end,
            a.end_date >= start,
        )
        .order_by(a.start_date)
    ).scalars()
    return [
        Violation(
            "acting_overlap",
            msg(
                "Jabatan ini sudah dijabat {name} ({kind}) pada {start} s.d. {end} (surat "
                "perintah {decree}); akhiri penunjukan itu lebih dulu atau pilih tanggal lain.",
                name=other.user.full_name,
                kind=acting.KINDS.get(other.kind, other.kind),
                start=other.start_date.isoformat(),
                end=other.end_date.isoformat(),
                decree=other.decree_number,
            ),
            "start_date",
        )
        for other in clash
    ]


def appoint(
    session: Session, registry: Registry, actor: Actor, parsed: dict[str, Any]
) -> AppointmentView:
    """Record an appointment from ``ActingInputSchema``'s data (422 naming every failing
    field; nothing is written then)."""
    ensure_may_administer(actor)
    runtime = registry.get(actor.province_code)
    with unit_of_work(session):
        user, opd, problems = _checked(session, runtime, actor, parsed)
        if problems or user is None:
            raise RuleFailed(problems)
        starts_at, ends_at = acting.window(
            parsed["start_date"], parsed["end_date"], runtime.info.timezone
        )
        record = ActingAppointment(
            province_id=actor.province_id,
            user_id=user.id,
            role=parsed["role"],
            opd_id=opd.id if opd is not None else None,
            kind=parsed["kind"],
            start_date=parsed["start_date"],
            end_date=parsed["end_date"],
            starts_at=starts_at,
            ends_at=ends_at,
            decree_number=parsed["decree_number"].strip(),
            created_by_id=actor.user_id,
            created_at=acting.now(),
        )
        session.add(record)
        session.flush()
        shown = view(session, runtime, record, acting.now())
        admin_audit.record(
            session,
            actor,
            "acting.create",
            "acting",
            record.id,
            after=shown.audit(),
            reason=parsed.get("reason"),
        )
    return shown


def end_early(
    session: Session,
    registry: Registry,
    actor: Actor,
    appointment_id: int,
    reason: str | None = None,
) -> AppointmentView:
    """End an appointment now (409 when it has already ended); it is kept, never deleted."""
    ensure_may_administer(actor)
    runtime = registry.get(actor.province_code)
    with unit_of_work(session):
        record = _of_province(session, actor, appointment_id)
        at = acting.now()
        before = view(session, runtime, record, at)
        if before.status == "past":
            raise Conflict("Penunjukan ini sudah berakhir.")
        record.revoked_at = at
        record.revoked_by_id = actor.user_id
        session.flush()
        after = view(session, runtime, record, at)
        admin_audit.record(
            session,
            actor,
            "acting.end",
            "acting",
            record.id,
            before=before.audit(),
            after=after.audit(),
            reason=reason,
        )
    return after


def candidates(session: Session, actor: Actor) -> Sequence[User]:
    """The province's active users, for the page's choice of appointee."""
    ensure_may_administer(actor)
    return (
        session.execute(
            select(User)
            .where(User.province_id == actor.province_id, User.active.is_(True))
            .order_by(User.full_name)
        )
        .scalars()
        .all()
    )


__all__ = [
    "ActingInputSchema",
    "AppointmentView",
    "EndInputSchema",
    "appoint",
    "appointable_roles",
    "appointment",
    "appointments",
    "candidates",
    "end_early",
    "parse",
]
