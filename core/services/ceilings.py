"""Setting an OPD's pagu (ceiling) for a year: the province admin's job
(``core.policy.may_set_pagu``).

A pagu may be raised freely and lowered down to what Bappeda has already confirmed against it,
never below: the guarded ``UPDATE ... WHERE confirmed <= :amount`` holds that even while a
confirmation runs at the same moment (both take the ceiling row's lock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from marshmallow import ValidationError
from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotFound, RuleFailed, Violation, raise_if_any
from core.messages import msg
from core.models import AdminAuditEntry, Ceiling, Opd, Plan, utcnow
from core.money import rupiah
from core.policy import ensure_may_read_admin_audit, ensure_may_set_pagu
from core.schemas import CeilingInputSchema, IdSchema, Line, length, storable
from core.services import admin_audit
from core.services.common import violations_from_marshmallow
from core.unit_of_work import unit_of_work

ceilings_t = cast(Table, Ceiling.__table__)
_AMOUNT = CeilingInputSchema()
PAGU_SET = "pagu.set"  # the admin audit action of a pagu change
CEILING = "ceiling"  # ... and its target type; the target is ``ceiling_target``


class _ReasonSchema(IdSchema):
    reason = Line(allow_none=True, validate=length(0, 500))


_REASON = _ReasonSchema()


def ceiling_target(opd_code: str, year: int) -> str:
    """The admin audit target of one OPD's pagu for one year, e.g. ``dpppa/2023``."""
    return f"{opd_code}/{year}"


def _opd_id(session: Session, actor: Actor, opd_code: str) -> int:
    if not storable(opd_code):  # no OPD has such a code
        raise NotFound("OPD tidak ditemukan.")
    opd_id = session.execute(
        select(Opd.id).where(Opd.code == opd_code, Opd.province_id == actor.province_id)
    ).scalar_one_or_none()
    if opd_id is None or not actor.can_see_opd(opd_id):
        raise NotFound("OPD tidak ditemukan.")
    return int(opd_id)


def opd_names(session: Session, province_id: int) -> dict[str, str]:
    """OPD code → name, every OPD of the province (active or not), for history pages."""
    rows = session.execute(select(Opd.code, Opd.name).where(Opd.province_id == province_id))
    return {r.code: r.name for r in rows}


def plan_years(session: Session, province_id: int) -> list[int]:
    """Every year some plan of the province covers: the years a pagu can be set for."""
    periods = session.execute(
        select(Plan.start_year, Plan.end_year).where(Plan.province_id == province_id)
    ).all()
    return sorted({y for start, end in periods for y in range(start, end + 1)})


@dataclass(frozen=True)
class OpdPagu:
    """One OPD with its pagu per year of the province's plans (None: not set yet)."""

    code: str
    name: str
    years: dict[int, tuple[int, int] | None]  # year → (pagu, confirmed)


def province_pagu(session: Session, actor: Actor) -> list[OpdPagu]:
    """Every OPD the actor may see, with its pagu for every plan year, in two queries."""
    years = plan_years(session, actor.province_id)
    opds = session.execute(
        select(Opd.id, Opd.code, Opd.name)
        .where(Opd.province_id == actor.province_id)
        .order_by(Opd.name)
    ).all()
    visible = [o for o in opds if actor.can_see_opd(o.id)]
    rows = session.execute(
        select(
            ceilings_t.c.opd_id, ceilings_t.c.year, ceilings_t.c.amount, ceilings_t.c.confirmed
        ).where(ceilings_t.c.opd_id.in_([o.id for o in visible]))
    ).all()
    pagu = {(r.opd_id, r.year): (r.amount, r.confirmed) for r in rows}
    return [OpdPagu(o.code, o.name, {y: pagu.get((o.id, y)) for y in years}) for o in visible]


def ceiling_view(year: int, amount: int, confirmed: int) -> dict[str, Any]:
    """A year's pagu as the API and the pages show it."""
    return {
        "year": year,
        "ceiling": amount,
        "confirmed": confirmed,
        "remaining": amount - confirmed,
    }


def set_ceilings(
    session: Session,
    actor: Actor,
    opd_code: str,
    amounts: Mapping[int, Any],
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """Set the OPD's pagu for each year of ``amounts`` (year → rupiah), all or none; returns
    them as ``opd_ceilings`` lists them. Every failing year is reported at once (field
    ``years.<year>``); nothing changes on any error. Each year whose amount changes is one
    ``pagu.set`` admin audit entry (before, after, ``reason``): the pagu's history."""
    reason = _reason(reason)
    try:
        with unit_of_work(session):
            opd_id = _opd_id(session, actor, opd_code)
            ensure_may_set_pagu(actor)
            plan = set(plan_years(session, actor.province_id))
            done: list[dict[str, Any]] = []
            violations: list[Violation] = []
            for year, raw in sorted(amounts.items()):
                result = _set_one(session, actor, opd_id, year, raw, in_plan=year in plan)
                if isinstance(result, list):
                    violations.extend(result)
                    continue
                view, before = result
                done.append(view)
                if before != view["ceiling"]:
                    admin_audit.record(
                        session,
                        actor,
                        PAGU_SET,
                        CEILING,
                        ceiling_target(opd_code, year),
                        before={"opd": opd_code, "year": year, "amount": before},
                        after={
                            "opd": opd_code,
                            "year": year,
                            "amount": view["ceiling"],
                            "confirmed": view["confirmed"],
                        },
                        reason=reason,
                    )
            raise_if_any(violations)
    except IntegrityError:  # another admin created the same year's pagu at the same moment
        raise Conflict("Pagu baru saja diubah pengguna lain; muat ulang lalu coba lagi.") from None
    return done


def _reason(raw: str | None) -> str | None:
    """The optional reason, one line of at most 500 characters (``RuleFailed`` otherwise)."""
    if raw is None:
        return None
    try:
        return _REASON.load({"reason": raw})["reason"] or None
    except ValidationError as err:
        raise RuleFailed(violations_from_marshmallow(err)) from None


def _set_one(
    session: Session, actor: Actor, opd_id: int, year: int, raw: Any, *, in_plan: bool
) -> tuple[dict[str, Any], int | None] | list[Violation]:
    """One year: its new pagu as ``ceiling_view`` and the amount before (None: none was set),
    or why it cannot be set."""
    where = f"years.{year}"
    try:
        amount = int(_AMOUNT.load({"amount": raw})["amount"])
    except ValidationError as err:
        return [Violation(v.code, v.message, where) for v in violations_from_marshmallow(err)]
    if not in_plan:
        text = msg("Tahun {year} tidak termasuk periode rencana aksi provinsi.", year=year)
        return [Violation("year_outside_plans", text, where)]
    key = (ceilings_t.c.opd_id == opd_id, ceilings_t.c.year == year)
    # The amount before, for the history; locked so no other admin's change slips between.
    before = session.execute(select(ceilings_t.c.amount).where(*key).with_for_update()).scalar()
    changed = {"amount": amount, "updated_at": utcnow(), "updated_by_id": actor.user_id}
    confirmed = session.execute(
        update(ceilings_t)
        .where(*key, ceilings_t.c.confirmed <= amount)
        .values(**changed)
        .returning(ceilings_t.c.confirmed)
    ).scalar()
    if confirmed is None:  # no row, or one whose confirmed budget is above ``amount``
        above = session.execute(select(ceilings_t.c.confirmed).where(*key)).scalar()
        if above is not None:
            return [_below_confirmed(year, above, where)]
        session.execute(insert(ceilings_t).values(opd_id=opd_id, year=year, confirmed=0, **changed))
        confirmed = 0
    return ceiling_view(year, amount, confirmed), before


def _below_confirmed(year: int, confirmed: int, where: str) -> Violation:
    return Violation(
        "ceiling_below_confirmed",
        msg(
            "Pagu tahun {year} tidak boleh di bawah anggaran yang sudah dikonfirmasi "
            "({confirmed}).",
            year=year,
            confirmed=rupiah(confirmed),
        ),
        where,
    )


@dataclass(frozen=True)
class PaguChange:
    """One change of a pagu: who, when, the amount before (None: first set) and after, why."""

    id: int
    opd: str
    year: int
    at: dt.datetime
    actor: str
    before: int | None
    after: int | None
    reason: str | None


def pagu_history(
    session: Session, actor: Actor, opd_code: str | None = None, year: int | None = None
) -> list[PaguChange]:
    """Every change of the province's pagu (one OPD's, one year's), newest first: the
    ``pagu.set`` entries of the admin audit log, for the admin and the auditor."""
    ensure_may_read_admin_audit(actor)
    stmt = select(AdminAuditEntry).where(
        AdminAuditEntry.province_id == actor.province_id,
        AdminAuditEntry.action == PAGU_SET,
        AdminAuditEntry.target_type == CEILING,
    )
    if opd_code is not None:
        _opd_id(session, actor, opd_code)  # another province's (or no) OPD is not found
        if year is not None:
            stmt = stmt.where(AdminAuditEntry.target_id == ceiling_target(opd_code, year))
        else:
            stmt = stmt.where(AdminAuditEntry.target_id.startswith(f"{opd_code}/", autoescape=True))
    rows = session.execute(stmt.order_by(AdminAuditEntry.id.desc())).scalars()
    out = []
    for e in rows:
        before, after = e.before or {}, e.after or {}
        opd, _, y = e.target_id.rpartition("/")
        if year is not None and opd_code is None and y != str(year):
            continue
        out.append(
            PaguChange(
                e.id,
                opd,
                int(y),
                e.at,
                e.actor,
                before.get("amount"),
                after.get("amount"),
                e.reason,
            )
        )
    return out
