"""Reads, always through ``core.access`` scope: an activity the caller may not see is
``NotFound``, whatever the reason."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from core.access import Actor, activity_scope
from core.errors import NotFound, RuleFailed, Violation
from core.models import Activity, ActivityYear, AuditEntry, Ceiling, Opd, ReportAuditEntry, User
from core.schemas import LIST_SORTS
from core.services.ceilings import ceiling_view

MAX_LIMIT = 200


@dataclass(frozen=True)
class ListFilters:
    state: str | None = None
    states: tuple[str, ...] | None = None  # any of these (e.g. every state of one kind)
    year: int | None = None
    pillar: str | None = None
    opd: str | None = None
    q: str | None = None
    plan_id: int | None = None


MAX_ID = 2**31 - 1  # the largest INTEGER key


# How a list may be ordered: ``newest`` (the default), or by title, proposed or confirmed
# amount, ascending or, with a leading "-", descending. The amounts follow the year filter:
# with ``year`` set, that year's amounts; without, the sum over the activity's years.
SORTS = tuple(c.code for c in LIST_SORTS)


def encode_cursor(last_id: int, sort: str = "newest") -> str:
    """The position after ``last_id``; a sorted list's cursor names its order, so it is never
    used under another one."""
    prefix = "a" if sort == "newest" else sort
    return base64.urlsafe_b64encode(f"{prefix}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str = "newest") -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.rpartition(":")
        expected = "a" if sort == "newest" else sort
        # Keys are INTEGER: an id beyond them reached PostgreSQL and failed there (a 500).
        if prefix != expected or not value.isdigit() or not 0 < int(value) <= MAX_ID:
            raise ValueError(raw)
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_cursor() from None


def _bad_cursor() -> RuleFailed:
    return RuleFailed([Violation("cursor_invalid", "Kursor halaman tidak sah.", "cursor")])


def amount_total(column: Any, year: int | None) -> Any:
    """An activity's proposed or confirmed amount, summed over its years (or the one year the
    list is filtered on): a correlated subquery, for a sort key."""
    stmt = select(func.sum(column)).where(ActivityYear.activity_id == Activity.id)
    if year:
        stmt = stmt.where(ActivityYear.year == year)
    return stmt.scalar_subquery()


def _sort_key(sort: str, year: int | None) -> Any:
    name = sort.removeprefix("-")
    if name == "title":
        return func.lower(Activity.title)
    if year is None:  # over all years: the activity's own totals (``Activity.proposed_total``)
        total = Activity.proposed_total if name == "proposed" else Activity.confirmed_total
        return func.coalesce(total, -1)
    column = ActivityYear.proposed_budget if name == "proposed" else ActivityYear.confirmed_budget
    return func.coalesce(amount_total(column, year), -1)  # nothing confirmed: below zero


@dataclass(frozen=True)
class ListTotals:
    """The sums of a filtered list, every page of it (``confirmed`` counts what is confirmed)."""

    count: int
    proposed: int
    confirmed: int


def list_totals(session: Session, actor: Actor, filters: ListFilters) -> ListTotals:
    """Count and amounts of every activity the filters select (the year filter: that year's
    amounts only, in two aggregate queries)."""
    if not filters.year:  # every year: the activities' own totals, in one read
        every = select(
            func.count(),
            func.coalesce(func.sum(Activity.proposed_total), 0),
            func.coalesce(func.sum(Activity.confirmed_total), 0),
        )
        n, proposed, confirmed = session.execute(apply_filters(every, actor, filters)).one()
        return ListTotals(int(n), int(proposed or 0), int(confirmed or 0))
    ids = apply_filters(select(Activity.id), actor, filters)
    count = session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    sums = select(
        func.coalesce(func.sum(ActivityYear.proposed_budget), 0),
        func.coalesce(func.sum(ActivityYear.confirmed_budget), 0),
    ).where(ActivityYear.activity_id.in_(ids))
    if filters.year:
        sums = sums.where(ActivityYear.year == filters.year)
    proposed, confirmed = session.execute(sums).one()
    return ListTotals(int(count), int(proposed or 0), int(confirmed or 0))


def get_activity(session: Session, actor: Actor, activity_id: int) -> Activity:
    activity = session.execute(
        select(Activity).where(Activity.id == activity_id, activity_scope(actor))
    ).scalar_one_or_none()
    if activity is None:  # a partner OPD's view (core.access.Actor.can_see_activity)
        activity = session.get(Activity, activity_id)
        if (
            activity is None
            or activity.discarded_at is not None
            or not actor.can_see_activity(
                activity.province_id, activity.opd_id, activity.details or {}
            )
        ):
            raise NotFound("Kegiatan tidak ditemukan.")
    return activity


def apply_filters(stmt: Select, actor: Actor, filters: ListFilters) -> Select:
    """The list filters on a select over ``activities``, inside the actor's scope (the list,
    the matrix export)."""
    stmt = stmt.where(activity_scope(actor))
    if filters.state:
        stmt = stmt.where(Activity.state == filters.state)
    if filters.states is not None:
        stmt = stmt.where(Activity.state.in_(filters.states))
    if filters.pillar:
        stmt = stmt.where(Activity.pillar == filters.pillar)
    if filters.plan_id:
        stmt = stmt.where(Activity.plan_id == filters.plan_id)
    if filters.opd:
        stmt = stmt.where(
            Activity.opd_id.in_(
                select(Opd.id).where(Opd.code == filters.opd, Opd.province_id == actor.province_id)
            )
        )
    if filters.year:
        stmt = stmt.where(
            exists().where(
                ActivityYear.activity_id == Activity.id, ActivityYear.year == filters.year
            )
        )
    if filters.q:
        # autoescape: a user's "%" or "_" is searched for, not a wildcard. ILIKE on PostgreSQL
        # (lower() LIKE elsewhere): its row estimate lets the planner walk the newest rows and
        # stop at a page, where lower(...) LIKE, estimated at a handful of rows, had it filter
        # every activity of the province first (issue 17: 40-60 ms at national scale).
        needle = filters.q
        stmt = stmt.where(
            or_(
                Activity.title.icontains(needle, autoescape=True),
                Activity.description.icontains(needle, autoescape=True),
                Activity.registration_number.icontains(needle, autoescape=True),
            )
        )
    return stmt


def list_activities(
    session: Session,
    actor: Actor,
    filters: ListFilters,
    limit: int = 50,
    cursor: str | None = None,
    sort: str = "newest",
) -> tuple[Sequence[Activity], str | None]:
    """Newest first (or in a ``SORTS`` order), keyset-paginated: rows inserted meanwhile land
    before the first page, never shifting later pages (no OFFSET). A sorted page continues
    after the last row's own sort value, read again from that row."""
    if sort not in SORTS:
        raise RuleFailed([Violation("sort_unknown", "Urutan tidak dikenal.", "sort")])
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = apply_filters(select(Activity), actor, filters)
    if sort == "newest":
        if cursor:
            stmt = stmt.where(Activity.id < decode_cursor(cursor))
        stmt = stmt.order_by(Activity.id.desc())
    else:
        key, descending = _sort_key(sort, filters.year), sort.startswith("-")
        if cursor:
            last = decode_cursor(cursor, sort)
            value = session.execute(select(key).where(Activity.id == last)).scalar()
            if value is None:
                raise _bad_cursor()
            if descending:
                stmt = stmt.where(or_(key < value, and_(key == value, Activity.id < last)))
            else:
                stmt = stmt.where(or_(key > value, and_(key == value, Activity.id > last)))
        order = (key.desc(), Activity.id.desc()) if descending else (key.asc(), Activity.id.asc())
        stmt = stmt.order_by(*order)
    rows = session.execute(stmt.limit(limit + 1)).scalars().all()
    page = rows[:limit]
    next_cursor = encode_cursor(page[-1].id, sort) if len(rows) > limit else None
    return page, next_cursor


def actor_names(
    session: Session, entries: Sequence[AuditEntry] | Sequence[ReportAuditEntry]
) -> dict[int, str]:
    """The full names of the entries' actors, by user id."""
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {uid: name for uid, name in rows}


def activity_history(session: Session, actor: Actor, activity_id: int) -> Sequence[AuditEntry]:
    get_activity(session, actor, activity_id)
    return (
        session.execute(
            select(AuditEntry).where(AuditEntry.activity_id == activity_id).order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )


def opd_ceilings(session: Session, actor: Actor, opd_code: str) -> list[dict[str, Any]]:
    opd = session.execute(
        select(Opd).where(Opd.code == opd_code, Opd.province_id == actor.province_id)
    ).scalar_one_or_none()
    if opd is None or not actor.can_see_opd(opd.id):
        raise NotFound("OPD tidak ditemukan.")
    rows = session.execute(
        select(Ceiling).where(Ceiling.opd_id == opd.id).order_by(Ceiling.year)
    ).scalars()
    return [ceiling_view(c.year, c.amount, c.confirmed) for c in rows]
