"""Reading an activity as a transition sees it: one round trip for the activity, its OPD,
province and plan period, each year (one row per year) with the OPD's pagu for that year, and
the tail of its audit chain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.models import Activity, AuditEntry, Opd, Plan, Province
from core.services.common import snapshot
from core.services.pagu_booking import ceilings_t, years_t
from core.types import ActivityView


@dataclass(frozen=True)
class Loaded:
    """The activity as the transition sees it (plain values, no ORM identity)."""

    id: int
    province_id: int
    opd_id: int
    version: int
    state: str
    workflow_version: str
    submitted_by_id: int | None
    revision_round: int
    view: ActivityView
    years: list[dict[str, Any]]
    pagu: dict[int, tuple[int, int]]  # year → (the OPD's pagu, confirmed against it so far)
    tail: tuple[int, str] | None  # (seq, hash) of the last audit entry
    registration_number: str | None = None  # what notices call it by (``LPG-2023-0042``)


def _tail_of(column: Any) -> Any:
    """The newest audit entry's ``column`` for the activity: an index lookup on
    (activity_id, seq) on both databases."""
    return (
        select(column)
        .where(AuditEntry.activity_id == Activity.id)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


# Built once: the hot path only binds parameters. The tail read here stays valid for the write:
# every audit append also bumps ``version``, and the write is guarded by that version.
_BASE = (
    select(
        Activity.id,
        Activity.province_id,
        Activity.opd_id,
        Activity.version,
        Activity.state,
        Activity.workflow_version,
        Activity.submitted_by_id,
        Activity.revision_round,
        Activity.plan_id,
        Activity.title,
        Activity.registration_number,
        Activity.pillar,
        Activity.details,
        Opd.code.label("opd_code"),
        Province.code.label("province_code"),
        Plan.start_year,
        Plan.end_year,
        years_t.c.year,
        years_t.c.target,
        years_t.c.proposed_budget,
        years_t.c.confirmed_budget,
        # Read with the activity, so a confirmation costs no extra round trip; the booking
        # re-checks the pagu under the ceiling row's lock (core.services.pagu_booking.book).
        ceilings_t.c.amount.label("pagu_amount"),
        ceilings_t.c.confirmed.label("pagu_confirmed"),
        _tail_of(AuditEntry.seq).label("tail_seq"),
        _tail_of(AuditEntry.hash).label("tail_hash"),
    )
    .join(Opd, Opd.id == Activity.opd_id)
    .join(Province, Province.id == Activity.province_id)
    .join(Plan, Plan.id == Activity.plan_id)
    .outerjoin(years_t, years_t.c.activity_id == Activity.id)
    .outerjoin(
        ceilings_t,
        (ceilings_t.c.opd_id == Activity.opd_id) & (ceilings_t.c.year == years_t.c.year),
    )
    .order_by(Activity.id, years_t.c.year)
)
_BASE = _BASE.where(Activity.discarded_at.is_(None))  # a discarded draft moves no more
_ONE = _BASE.where(Activity.id == bindparam("activity_id"))
_MANY = _BASE.where(Activity.id.in_(bindparam("ids", expanding=True)))


def load(session: Session, activity_id: int) -> Loaded | None:
    rows = session.connection().execute(_ONE, {"activity_id": activity_id}).all()
    return _from_rows(rows) if rows else None


def load_many(session: Session, ids: Sequence[int]) -> list[Loaded]:
    """Several activities in one round trip (rows come ordered by activity, then year)."""
    rows = session.connection().execute(_MANY, {"ids": list(ids)}).all()
    groups: dict[int, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.id, []).append(r)
    return [_from_rows(g) for g in groups.values()]


def _from_rows(rows: Sequence[Any]) -> Loaded:
    """One activity from its rows (one row per year)."""
    row = rows[0]
    years = [
        {
            "year": r.year,
            "target": r.target,
            "proposed_budget": r.proposed_budget,
            "confirmed_budget": r.confirmed_budget,
        }
        for r in rows
        if r.year is not None
    ]
    view = snapshot(
        activity_id=row.id,
        province=row.province_code,
        plan_id=row.plan_id,
        opd=row.opd_code,
        title=row.title,
        pillar=row.pillar,
        details=row.details or {},
        years=years,
        state=row.state,
        revision_round=row.revision_round,
        submitted_by_id=row.submitted_by_id,
        plan_period=(row.start_year, row.end_year),
    )
    return Loaded(
        id=row.id,
        province_id=row.province_id,
        opd_id=row.opd_id,
        version=row.version,
        state=row.state,
        workflow_version=row.workflow_version,
        submitted_by_id=row.submitted_by_id,
        revision_round=row.revision_round,
        view=view,
        years=years,
        pagu={r.year: (r.pagu_amount, r.pagu_confirmed) for r in rows if r.pagu_amount is not None},
        tail=(row.tail_seq, row.tail_hash) if row.tail_seq is not None else None,
        registration_number=row.registration_number,
    )
