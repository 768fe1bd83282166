"""Booking a confirmed budget against the OPD's pagu, and giving it back: the money side of a
transition whose ``books_budget`` or ``releases_budget`` is set (``set_ceilings``, beside this
module, is the admin's side of the same rows).

The checks read the pagu before the write (so every violation is reported at once); the
booking itself re-checks under the ceiling row's lock, so of two parallel confirmations that
together overshoot, the second is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Integer,
    Table,
    and_,
    bindparam,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from core import driver_sql
from core.errors import RuleFailed, Violation
from core.messages import msg
from core.models import ActivityYear, Ceiling
from core.money import rupiah

years_t = cast(Table, ActivityYear.__table__)
ceilings_t = cast(Table, Ceiling.__table__)

# Built once (bind names must differ from column names in an UPDATE).
_READ = select(ceilings_t.c.year, ceilings_t.c.amount, ceilings_t.c.confirmed).where(
    ceilings_t.c.opd_id == bindparam("b_opd"),
    ceilings_t.c.year.in_(bindparam("b_years", expanding=True)),
)
_KEY = and_(ceilings_t.c.opd_id == bindparam("b_opd"), ceilings_t.c.year == bindparam("b_year"))
# The WHERE re-checks the pagu under the ceiling row's lock.
_BOOK = (
    update(ceilings_t)
    .where(_KEY, ceilings_t.c.confirmed + bindparam("b_amount") <= ceilings_t.c.amount)
    .values(confirmed=ceilings_t.c.confirmed + bindparam("b_amount"))
)
_RELEASE = (
    update(ceilings_t).where(_KEY).values(confirmed=ceilings_t.c.confirmed - bindparam("b_amount"))
)
_YEAR_CONFIRM = (
    update(years_t)
    .where(
        years_t.c.activity_id == bindparam("b_activity"),
        years_t.c.year == bindparam("b_year"),
    )
    .values(confirmed_budget=bindparam("b_amount"))
)
# PostgreSQL: both in one round trip; the year is confirmed only if the pagu took the amount.
_booked = _BOOK.returning(ceilings_t.c.id).cte("booked")
_BOOK_AND_CONFIRM = _YEAR_CONFIRM.where(exists(select(_booked.c.id))).add_cte(_booked)
_YEARS_UNCONFIRM = (
    update(years_t)
    .where(years_t.c.activity_id == bindparam("b_activity"))
    .values(confirmed_budget=None)
)


def booking(moved: Any) -> tuple[Any, Any]:
    """PostgreSQL: the booking of a confirmation as data-modifying CTEs inside the move's own
    statement (``core.services.transitions.write``), binding ``booking_params``: ``booked``
    adds each year's amount to the OPD's pagu where it still fits (the same re-check under the
    ceiling row's lock as ``book``) and returns the years it took; ``confirmed`` records those
    on the activity's years. Both run only if ``moved`` (the guarded UPDATE) matched, and after
    it: the activity's row lock first, as in every confirmation."""
    given = (
        func.unnest(
            bindparam("p_years", type_=ARRAY(Integer)),
            bindparam("p_amounts", type_=ARRAY(BigInteger)),
        )
        .table_valued("year", "amount")
        .render_derived()
    )
    booked = (
        update(ceilings_t)
        .where(
            ceilings_t.c.opd_id == bindparam("p_opd"),
            ceilings_t.c.year == given.c.year,
            ceilings_t.c.confirmed + given.c.amount <= ceilings_t.c.amount,
            exists(select(moved.c.id)),
        )
        .values(confirmed=ceilings_t.c.confirmed + given.c.amount)
        .returning(ceilings_t.c.year, given.c.amount)
        .cte("booked")
    )
    confirmed = (
        update(years_t)
        .where(years_t.c.activity_id == bindparam("p_activity"), years_t.c.year == booked.c.year)
        .values(confirmed_budget=booked.c.amount)
        .cte("confirmed")
    )
    return booked, confirmed


def booking_params(activity_id: int, opd_id: int, amounts: dict[int, int]) -> dict[str, Any]:
    years = sorted(amounts)
    return {
        "p_activity": activity_id,
        "p_opd": opd_id,
        "p_years": years,
        "p_amounts": [amounts[y] for y in years],
    }


def refused(
    session: Session, opd_id: int, amounts: dict[int, int], booked_years: Sequence[int]
) -> RuleFailed | None:
    """Why the years of ``amounts`` missing from ``booked_years`` were not booked (another
    confirmation got there first, or the pagu is gone), or None when all were."""
    left = sorted(set(amounts) - set(booked_years))
    if not left:
        return None
    rows = _read(session, opd_id, left)
    violations = []
    for year in left:
        row = rows.get(year)
        if row is None:
            violations.append(_ceiling_missing(year))
        else:
            remaining = row.amount - row.confirmed
            violations.append(_exceeded(year, row.amount, remaining, amounts[year]))
    return RuleFailed(violations)


def confirmed_amounts(
    years: Sequence[dict[str, Any]], payload: dict[str, Any]
) -> tuple[dict[int, int], list[Violation]]:
    """Per-year confirmed budget.

    Without ``confirmed_years`` (left out, null or an empty list) every year is confirmed as
    proposed: the API's promise since its first version. Once a client sends the list, it is
    the confirmation itself: each year of the activity must be in it with an amount, so a year
    left out or sent empty (null) is an error naming that year, never the proposal by default
    (money nobody typed would be booked against the pagu)."""
    proposed = {y["year"]: y["proposed_budget"] for y in years}
    given = payload.get("confirmed_years") or []
    if not given:
        return dict(proposed), []
    amounts: dict[int, int] = {}
    violations: list[Violation] = []
    seen: set[int] = set()
    for i, item in enumerate(given):
        year, amount = item["year"], item.get("confirmed_budget")
        where = f"confirmed_years.{i}"
        seen.add(year)
        if year not in proposed:
            text = msg("Tahun {year} tidak ada pada kegiatan.", year=year)
            violations.append(Violation("year_not_in_activity", text, where))
        elif amount is None:
            violations.append(_missing(year, proposed[year], f"{where}.confirmed_budget"))
        elif amount > proposed[year]:
            text = msg(
                "Anggaran tahun {year} hanya boleh diturunkan, tidak dinaikkan "
                "(usulan {proposed}).",
                year=year,
                proposed=rupiah(proposed[year]),
            )
            field = f"{where}.confirmed_budget"
            violations.append(Violation("budget_raised", text, field))
        else:
            amounts[year] = amount
    for year in sorted(set(proposed) - seen):
        violations.append(_missing(year, proposed[year], "confirmed_years"))
    return amounts, violations


def _missing(year: int, proposed: int, field: str) -> Violation:
    return Violation(
        "confirmed_missing",
        msg(
            "Isi anggaran yang dikonfirmasi untuk tahun {year} (usulan {proposed}); "
            "tulis 0 bila tahun itu tidak didanai.",
            year=year,
            proposed=rupiah(proposed),
        ),
        field,
    )


def _read(session: Session, opd_id: int, years: list[int]) -> dict[int, Any]:
    rows = session.connection().execute(_READ, {"b_opd": opd_id, "b_years": years})
    return {r.year: r for r in rows}


def pagu_after(
    pagu: Mapping[int, tuple[int, int]], amounts: dict[int, int]
) -> tuple[dict[int, dict[str, int]], list[Violation]]:
    """The OPD's pagu per year (``pagu``: year → (pagu, confirmed so far)) as it would be after
    booking ``amounts`` (what the ``transition_rules`` hook sees as ``ceilings``), and why it
    cannot be booked."""
    after: dict[int, dict[str, int]] = {}
    violations: list[Violation] = []
    for year, amount in sorted(amounts.items()):
        if year not in pagu:
            violations.append(_ceiling_missing(year))
            continue
        ceiling, confirmed = pagu[year]
        after[year] = {"ceiling": ceiling, "confirmed": confirmed + amount}
        if confirmed + amount > ceiling:
            violations.append(_exceeded(year, ceiling, ceiling - confirmed, amount))
    return after, violations


def _ceiling_missing(year: int) -> Violation:
    return Violation(
        "ceiling_missing", msg("Pagu OPD untuk tahun {year} belum ditetapkan.", year=year)
    )


def _exceeded(year: int, ceiling: int, remaining: int, amount: int) -> Violation:
    return Violation(
        "ceiling_exceeded",
        msg(
            "Anggaran tahun {year} ({amount}) melebihi sisa pagu OPD ({remaining} dari {ceiling}).",
            year=year,
            amount=rupiah(amount),
            remaining=rupiah(max(remaining, 0)),
            ceiling=rupiah(ceiling),
        ),
    )


def book(session: Session, activity_id: int, opd_id: int, amounts: dict[int, int]) -> None:
    """Add ``amounts`` to the pagu's confirmed totals and record them on the activity's years;
    refuses if another confirmation got there first. Call it after the activity's row lock (the
    guarded UPDATE): every confirmation takes the locks in that order, so none deadlock."""
    conn = driver_sql.connection(session)
    one_statement = conn.dialect.name == "postgresql"
    for year, amount in sorted(amounts.items()):
        key = {"b_opd": opd_id, "b_year": year, "b_amount": amount, "b_activity": activity_id}
        if one_statement:
            booked = driver_sql.execute(conn, _BOOK_AND_CONFIRM, key).rowcount == 1
        else:
            booked = conn.execute(_BOOK, key).rowcount == 1
            if booked:
                conn.execute(_YEAR_CONFIRM, key)
        if not booked:
            row = _read(session, opd_id, [year])[year]
            raise RuleFailed([_exceeded(year, row.amount, row.amount - row.confirmed, amount)])


def release(
    session: Session, activity_id: int, opd_id: int, years: Sequence[dict[str, Any]]
) -> None:
    """Give the activity's confirmed budget back to the pagu (nothing confirmed: no change)."""
    conn = session.connection()
    for y in years:
        if y["confirmed_budget"] is not None:
            conn.execute(
                _RELEASE,
                {"b_opd": opd_id, "b_year": y["year"], "b_amount": y["confirmed_budget"]},
            )
    conn.execute(_YEARS_UNCONFIRM, {"b_activity": activity_id})
