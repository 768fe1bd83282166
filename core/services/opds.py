"""The province admin's OPDs: create, rename, set the SIPD unit code, deactivate and reactivate
(``core.policy.ensure_may_administer``). An OPD is never deleted: activities, roles, pagu and
both audit logs point at it; an inactive one keeps its history readable but is offered for
nothing new (no new draft, no new partner, no new role: ``ensure_active_opd``).

The plugin's reference data seeds the OPDs (``core.seed.sync_provinces``); from the admin's
first change on (``Opd.updated_at`` set) the row is the admin's and a re-seed leaves it alone.
Every change is one admin audit entry in the change's own unit of work.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from marshmallow import ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotAllowed, NotFound, RuleFailed, Violation
from core.messages import N_, msg
from core.models import Opd, utcnow
from core.plugins import ProvinceRuntime
from core.policy import ensure_may_administer
from core.schemas import IdSchema, Line, length
from core.services import admin_audit
from core.services.common import violations_from_marshmallow
from core.types import Code, ReferenceData
from core.unit_of_work import unit_of_work

# A SIPD unit code (kode unit SKPD): dot-separated groups of digits, as SIPD prints them,
# e.g. 2.08.2.14.0.00.01.0000 (urusan, bidang, two more urusan/bidang pairs, unit, sub-unit).
# Lenient on the number of groups and their widths (older nomenclature and sub-units differ),
# strict on the alphabet, so a typo such as a letter or a comma never reaches the export.
SIPD_CODE = re.compile(r"\d{1,2}(\.\d{1,4}){3,9}")
OPD_CODE = re.compile(r"[a-z0-9][a-z0-9_\-]{0,39}")
SIPD_UNITS = "sipd_units"  # the optional reference list: code = OPD code, label = SIPD code


def normal_sipd_code(raw: str | None) -> str | None:
    """The code as stored: surrounding spaces dropped, an empty one is none."""
    text = (raw or "").strip()
    return text or None


class _Sipd(Line):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = normal_sipd_code(super()._deserialize(value, attr, data, **kwargs))
        if text is not None and not SIPD_CODE.fullmatch(text):
            raise ValidationError(
                N_("Kode unit SIPD berupa angka bertitik, mis. 2.08.2.14.0.00.01.0000.")
            )
        return text


class OpdCreateSchema(IdSchema):
    code = Line(
        required=True,
        validate=validate.Regexp(
            OPD_CODE, error=N_("Kode OPD: huruf kecil, angka, '_' atau '-', paling banyak 40.")
        ),
        metadata={"description": "Kode OPD yang stabil, mis. dpppa"},
    )
    name = Line(required=True, validate=length(3, 200))
    sipd_code = _Sipd(
        load_default=None, allow_none=True, metadata={"example": "2.08.2.14.0.00.01.0000"}
    )
    reason = Line(load_default=None, allow_none=True, validate=length(0, 500))


class OpdChangeSchema(IdSchema):
    name = Line(validate=length(3, 200))
    sipd_code = _Sipd(allow_none=True, metadata={"example": "2.08.2.14.0.00.01.0000"})
    active = fields.Boolean(error_messages={"invalid": N_("Harus true atau false.")})
    reason = Line(load_default=None, allow_none=True, validate=length(0, 500))


_create = OpdCreateSchema()
_change = OpdChangeSchema()


def opd_view(opd: Opd) -> dict[str, Any]:
    """An OPD as the API, the pages and the admin audit show it."""
    return {
        "code": opd.code,
        "name": opd.name,
        "sipd_code": opd.sipd_code,
        "active": bool(opd.active),
    }


def _load(schema: IdSchema, payload: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return dict(schema.load(payload))
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None


def list_opds(session: Session, actor: Actor) -> list[Opd]:
    """Every OPD of the admin's province, active or not, by name."""
    ensure_may_administer(actor)
    return list(
        session.execute(
            select(Opd).where(Opd.province_id == actor.province_id).order_by(Opd.name, Opd.code)
        ).scalars()
    )


def get_opd(session: Session, actor: Actor, code: str) -> Opd:
    """One OPD of the admin's province; another province's is not found."""
    ensure_may_administer(actor)
    return _find(session, actor.province_id, code)


def _find(session: Session, province_id: int, code: str) -> Opd:
    opd = session.execute(
        select(Opd).where(Opd.province_id == province_id, Opd.code == code)
    ).scalar_one_or_none()
    if opd is None:
        raise NotFound("OPD tidak ditemukan.")
    return opd


def _sipd_taken(session: Session, province_id: int, sipd: str | None, code: str) -> list[Violation]:
    if sipd is None:
        return []
    other = session.execute(
        select(Opd.code).where(
            Opd.province_id == province_id, Opd.sipd_code == sipd, Opd.code != code
        )
    ).scalar_one_or_none()
    if other is None:
        return []
    text = msg("Kode unit SIPD {sipd} sudah dipakai OPD {other}.", sipd=sipd, other=other)
    return [Violation("sipd_code_taken", text, "sipd_code")]


def create_opd(session: Session, actor: Actor, payload: Mapping[str, Any]) -> Opd:
    """A new, active OPD of the admin's province (``opd.create``)."""
    ensure_may_administer(actor)
    data = _load(_create, payload)
    try:
        with unit_of_work(session):
            violations = _sipd_taken(session, actor.province_id, data["sipd_code"], data["code"])
            exists = session.execute(
                select(Opd.id).where(Opd.province_id == actor.province_id, Opd.code == data["code"])
            ).scalar_one_or_none()
            if exists is not None:
                text = msg("Kode OPD {code} sudah ada.", code=data["code"])
                violations.append(Violation("opd_code_taken", text, "code"))
            if violations:
                raise RuleFailed(violations)
            opd = Opd(
                province_id=actor.province_id,
                code=data["code"],
                name=data["name"],
                sipd_code=data["sipd_code"],
                active=True,
                updated_at=utcnow(),
                updated_by_id=actor.user_id,
            )
            session.add(opd)
            session.flush()
            admin_audit.record(
                session,
                actor,
                "opd.create",
                "opd",
                opd.code,
                after=opd_view(opd),
                reason=data["reason"],
            )
    except IntegrityError:  # the same code or SIPD code created by another admin just now
        raise Conflict("OPD dengan kode ini baru saja dibuat pengguna lain.") from None
    return opd


def _action(changed: set[str], active: bool) -> str:
    """The audit action of one change: what it did, when it did one thing."""
    if changed == {"active"}:
        return "opd.reactivate" if active else "opd.deactivate"
    if changed == {"name"}:
        return "opd.rename"
    if changed == {"sipd_code"}:
        return "opd.sipd_code"
    return "opd.update"


def change_opd(session: Session, actor: Actor, code: str, payload: Mapping[str, Any]) -> Opd:
    """Rename, set or clear the SIPD unit code, deactivate or reactivate (any of them at
    once, one audit entry); an unchanged value is no change and writes nothing."""
    ensure_may_administer(actor)
    data = _load(_change, payload)
    reason = data.pop("reason", None)
    try:
        with unit_of_work(session):
            opd = session.execute(
                select(Opd)
                .where(Opd.province_id == actor.province_id, Opd.code == code)
                .with_for_update()
            ).scalar_one_or_none()
            if opd is None:
                raise NotFound("OPD tidak ditemukan.")
            before = opd_view(opd)
            changed = {k for k, v in data.items() if before[k] != v}
            if not changed:
                return opd
            if "sipd_code" in changed:
                violations = _sipd_taken(session, actor.province_id, data["sipd_code"], code)
                if violations:
                    raise RuleFailed(violations)
            for key in changed:
                setattr(opd, key, data[key])
            opd.updated_at, opd.updated_by_id = utcnow(), actor.user_id
            session.flush()
            after = opd_view(opd)
            admin_audit.record(
                session,
                actor,
                _action(changed, after["active"]),
                "opd",
                opd.code,
                before=before,
                after=after,
                reason=reason,
            )
    except IntegrityError:
        raise Conflict("Kode unit SIPD baru saja dipakai OPD lain; muat ulang.") from None
    return opd


def ensure_active_opd(session: Session, province_id: int, opd_id: int) -> None:
    """Refuse something new (a draft, a role) for an OPD the admin deactivated."""
    opd = session.get(Opd, opd_id)
    if opd is None or opd.province_id != province_id:
        raise NotFound("OPD tidak ditemukan.")
    if not opd.active:
        raise NotAllowed(msg("OPD {name} sudah tidak aktif.", name=opd.name))


def live_reference(
    session: Session, runtime: ProvinceRuntime, province_id: int, *, active_only: bool = True
) -> ReferenceData:
    """The province's reference data with ``opds`` as the database has them now: the active
    OPDs only (an inactive one is no longer offered as a partner; ``active_only=False`` for
    reading what an activity already names), by their current names, the plugin's order first
    and the admin's new ones after them."""
    order = {c.code: i for i, c in enumerate(runtime.reference.lists.get("opds", []))}
    stmt = select(Opd.code, Opd.name).where(Opd.province_id == province_id)
    if active_only:
        stmt = stmt.where(Opd.active.is_(True))
    rows = list(session.execute(stmt).all())
    if not rows:  # not seeded (a bare engine in a plugin's own tests): the plugin's lists
        return runtime.reference
    rows.sort(key=lambda r: (order.get(r.code, len(order)), r.name, r.code))
    ref = replace(runtime.reference, lists=dict(runtime.reference.lists))
    ref.lists["opds"] = [Code(r.code, r.name) for r in rows]
    return ref


def seeded_sipd_codes(runtime: ProvinceRuntime) -> dict[str, str]:
    """OPD code → SIPD unit code from the plugin's optional ``sipd_units`` list."""
    out: dict[str, str] = {}
    for c in runtime.reference.lists.get(SIPD_UNITS, []):
        sipd = normal_sipd_code(c.label)
        if sipd is not None and SIPD_CODE.fullmatch(sipd):
            out[c.code] = sipd
    return out


__all__ = [
    "SIPD_CODE",
    "SIPD_UNITS",
    "OpdChangeSchema",
    "OpdCreateSchema",
    "change_opd",
    "create_opd",
    "ensure_active_opd",
    "get_opd",
    "list_opds",
    "live_reference",
    "normal_sipd_code",
    "opd_view",
    "seeded_sipd_codes",
]
