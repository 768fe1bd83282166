"""Acting officials (*Plt.*, pelaksana tugas, and *Plh.*, pelaksana harian): when an
appointment is in force, what it grants, and how an act taken under it is named.

An appointment (``core.models.ActingAppointment``) covers calendar days of the province, the
first and last included; it is stored with the same window as UTC moments (``window``), so
"in force at t" is ``starts_at <= t < ends_at`` and not revoked by t (``in_force``) on every
database, without time-zone arithmetic in SQL. Indonesia has no daylight saving, so a day is
always 24 hours.

Inside the window the appointee holds the role as an extra grant of their ``Actor``
(``core.access.load_actor``, marked with ``ActingMark``), and counts among the role's holders
for notifications (``core.notifications.recipients``) and partner-OPD gates. The definitive
holder keeps their own grant: an acting appointment adds, it never takes away. Four eyes is
about the person (``submitted_by_id``), so it holds for an acting official as for anyone.

What an act under an appointment records is ``audit_payload`` (the audit entry's ``acting``,
covered by its hash, and the notification's); ``title`` and ``describe`` turn it into "Plt.
Kepala Dinas Sosial — <name>" wherever it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from core.models import ActingAppointment, utcnow
from core.timezones import zone
from core.types import RoleInfo

KINDS: Mapping[str, str] = {"plt": "Plt.", "plh": "Plh."}


def now() -> dt.datetime:
    """The moment appointments are judged at: the one clock of this module (tests freeze it)."""
    return utcnow()


def window(start: dt.date, end: dt.date, zone_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC moments opening ``start`` and closing ``end`` (included) in zone ``zone_name``:
    the province's midnight before the first day and after the last."""
    tz = zone(zone_name)
    opens = dt.datetime.combine(start, dt.time(), tz).astimezone(dt.UTC)
    closes = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)
    return opens, closes


def in_force(at: Any) -> ColumnElement[bool]:
    """SQL: the appointment is in force at ``at`` (a moment, or a bind parameter of one)."""
    a = ActingAppointment
    return and_(
        a.starts_at <= at,
        a.ends_at > at,
        or_(a.revoked_at.is_(None), a.revoked_at > at),
    )


def status(appointment: ActingAppointment, at: dt.datetime) -> str:
    """``current``, ``upcoming`` or ``past`` (ended, or ended early) at ``at``."""
    if appointment.revoked_at is not None and appointment.revoked_at <= at:
        return "past"
    if at < appointment.starts_at:
        return "upcoming"
    return "current" if at < appointment.ends_at else "past"


@dataclass(frozen=True)
class ActingMark:
    """What marks a grant as acting: which appointment, and for whom (the role's definitive
    holders then, by name; empty when the post is vacant)."""

    appointment_id: int
    kind: str
    decree_number: str
    opd_name: str | None
    on_behalf_of: tuple[str, ...] = ()


def region(province_name: str) -> str:
    """``Lampung`` of "Provinsi Lampung": how offices name their province."""
    return province_name.removeprefix("Provinsi ").strip()


def office(info: RoleInfo | None, role: str, opd_name: str | None, province_name: str) -> str:
    """The post as documents name it: ``RoleInfo.office`` filled in, else the role's label
    (and the OPD's name for an OPD-scoped role)."""
    if info is not None and info.office:
        return info.office.format(opd=opd_name or "", province=region(province_name)).strip()
    label = info.label if info is not None else role
    return f"{label} {opd_name}" if opd_name else label


def audit_payload(
    mark: ActingMark, role: str, roles: Mapping[str, RoleInfo], province_name: str
) -> dict[str, Any]:
    """What an act under ``mark`` records (JSON): kind, appointment, role and its label, the
    office, the surat perintah and the definitive holders."""
    info = roles.get(role)
    return {
        "kind": mark.kind,
        "appointment_id": mark.appointment_id,
        "role": role,
        "role_label": info.label if info is not None else role,
        "office": office(info, role, mark.opd_name, province_name),
        "decree_number": mark.decree_number,
        "on_behalf_of": list(mark.on_behalf_of),
    }


def title(acting: Mapping[str, Any], *, upper: bool = False) -> str:
    """``Plt. Kepala Dinas Sosial`` from an ``audit_payload`` (``upper``: ``Plt. KEPALA DINAS
    SOSIAL``, as a signature block writes the office)."""
    office = str(acting.get("office", ""))
    return f"{KINDS.get(str(acting.get('kind')), '')} {office.upper() if upper else office}".strip()


def signed_as(acting: Mapping[str, Any] | None, name: str) -> str:
    """``Plt. Kepala Dinas Sosial — <name>``, or just the name for an act in one's own right."""
    return f"{title(acting)} — {name}" if acting else name


def describe(acting: Mapping[str, Any] | None, name: str) -> str:
    """``signed_as`` and for whom: "… (pejabat definitif: <names>)" when the post had one."""
    text = signed_as(acting, name)
    holders: Sequence[str] = (acting or {}).get("on_behalf_of") or ()
    if acting and holders:
        text += f" (pejabat definitif: {', '.join(holders)})"
    return text


__all__ = [
    "KINDS",
    "ActingMark",
    "audit_payload",
    "describe",
    "in_force",
    "now",
    "office",
    "region",
    "signed_as",
    "status",
    "title",
    "window",
]
