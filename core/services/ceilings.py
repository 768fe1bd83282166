"""Setting an OPD's pagu (ceiling) for a year: the province admin's job
(``core.policy.may_set_pagu``).

A pagu may be raised freely and lowered down to what Bappeda has already confirmed against it,
never below: the guarded ``UPDATE ... WHERE confirmed <= :amount`` holds that even while a
confirmation runs at the same moment (both take the ceiling row's lock).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from marshmallow import ValidationError
from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotFound, Violation, raise_if_any
from core.messages import msg
from core.models import Ceiling, Opd, Plan, utcnow
from core.money import rupiah
from core.policy import ensure_may_set_pagu
from core.schemas import CeilingInputSchema
from core.services.common import violations_from_marshmallow
from core.unit_of_work import unit_of_work

ceilings_t = cast(Table, Ceiling.__table__)
_AMOUNT = CeilingInputSchema()


def _opd_id(session: Session, actor: Actor, opd_code: str) -> int:
    opd_id = session.execute(
        select(Opd.id).where(Opd.code == opd_code, Opd.province_id == actor.province_id)
    ).scalar_one_or_none()
    if opd_id is None or not actor.can_see_opd(opd_id):
        raise NotFound("OPD tidak ditemukan.")
    return int(opd_id)


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
    session: Session, actor: Actor, opd_code: str, amounts: Mapping[int, Any]
) -> list[dict[str, Any]]:
    """Set the OPD's pagu for each year of ``amounts`` (year → rupiah), all or none; returns
    them as ``opd_ceilings`` lists them. Every failing year is reported at once (field
    ``years.<year>``); nothing changes on any error."""
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
                else:
                    done.append(result)
            raise_if_any(violations)
    except IntegrityError:  # another admin created the same year's pagu at the same moment
        raise Conflict("Pagu baru saja diubah pengguna lain; muat ulang lalu coba lagi.") from None
    return done


def _set_one(
    session: Session, actor: Actor, opd_id: int, year: int, raw: Any, *, in_plan: bool
) -> dict[str, Any] | list[Violation]:
    """One year: its new pagu as ``ceiling_view``, or why it cannot be set."""
    where = f"years.{year}"
    try:
        amount = int(_AMOUNT.load({"amount": raw})["amount"])
    except ValidationError as err:
        return [Violation(v.code, v.message, where) for v in violations_from_marshmallow(err)]
    if not in_plan:
        text = msg("Tahun {year} tidak termasuk periode rencana aksi provinsi.", year=year)
        return [Violation("year_outside_plans", text, where)]
    key = (ceilings_t.c.opd_id == opd_id, ceilings_t.c.year == year)
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
    return ceiling_view(year, amount, confirmed)


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
