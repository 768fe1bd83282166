"""Beranda's pagu overview: per OPD and year the pagu, what is confirmed against it and what
remains, with each OPD's sum and the totals over every OPD the reader sees (the province's, for
Kesbangpol, Bappeda, the governor, the admin and the auditor) per year and over all years. The
table is the overview; the chart beside it draws one bar per OPD (all years together) and one
for the total, so thirty bars of OPD × year no longer stand in for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from core.access import Actor
from core.models import Ceiling, Opd
from web.extensions import session


@dataclass(frozen=True)
class Amounts:
    """``confirmed`` of ``ceiling`` (the pagu)."""

    ceiling: int = 0
    confirmed: int = 0

    @property
    def remaining(self) -> int:
        return self.ceiling - self.confirmed

    @property
    def percent(self) -> float:
        """The share confirmed, capped at 100 % for drawing."""
        return min(100.0, 100.0 * self.confirmed / self.ceiling) if self.ceiling else 0.0

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(self.ceiling + other.ceiling, self.confirmed + other.confirmed)


def total(items: Iterable[Amounts]) -> Amounts:
    return sum(items, Amounts())


@dataclass(frozen=True)
class OpdPagu:
    code: str
    name: str
    years: dict[int, Amounts] = field(default_factory=dict)

    @property
    def total(self) -> Amounts:
        return total(self.years.values())


@dataclass(frozen=True)
class PaguOverview:
    opds: list[OpdPagu]
    province_wide: bool  # the totals are the province's (else the reader's own OPDs')

    @property
    def years(self) -> list[int]:
        return sorted({y for o in self.opds for y in o.years})

    @property
    def by_year(self) -> list[tuple[int, Amounts]]:
        return [(y, total(o.years[y] for o in self.opds if y in o.years)) for y in self.years]

    @property
    def total(self) -> Amounts:
        return total(o.total for o in self.opds)


def pagu_overview(actor: Actor) -> PaguOverview:
    """Every pagu the actor may see, by OPD (in name order) and year."""
    rows = session().execute(
        select(Opd.id, Opd.code, Opd.name, Ceiling.year, Ceiling.amount, Ceiling.confirmed)
        .join(Ceiling, Ceiling.opd_id == Opd.id)
        .where(Opd.province_id == actor.province_id)
        .order_by(Opd.name, Opd.code, Ceiling.year)
    )
    opds: dict[str, OpdPagu] = {}
    for opd_id, code, name, year, amount, confirmed in rows:
        if actor.can_see_opd(opd_id):
            opd = opds.setdefault(code, OpdPagu(code, name))
            opd.years[year] = Amounts(int(amount), int(confirmed))
    return PaguOverview(list(opds.values()), actor.province_wide)
