"""Pieces shared by the use cases: snapshots for rules, audit appends, error conversion."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypedDict, Unpack, cast

from marshmallow import ValidationError
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from core.audit import GENESIS, entry_hash
from core.errors import Violation
from core.messages import msg
from core.models import Activity, AuditEntry, OutboxMessage
from core.types import ActivityView

activities_t = cast(Table, Activity.__table__)
audit_t = cast(Table, AuditEntry.__table__)
outbox_t = cast(Table, OutboxMessage.__table__)


def violations_from_marshmallow(err: ValidationError, prefix: str = "") -> list[Violation]:
    """Flatten marshmallow's nested messages into one violation per field path."""
    out: list[Violation] = []

    def walk(messages: Any, path: str) -> None:
        if isinstance(messages, dict):
            for key, value in messages.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
            for m in messages:
                out.append(Violation("invalid", m, path or "_schema"))
        elif isinstance(messages, list):
            for m in messages:
                walk(m, path)
        else:
            out.append(Violation("invalid", str(messages), path or "_schema"))

    walk(err.messages, prefix)
    return out


def snapshot(
    *,
    activity_id: int | None,
    province: str,
    plan_id: int,
    opd: str,
    title: str,
    pillar: str,
    details: dict[str, Any],
    years: list[dict[str, Any]],
    state: str,
    revision_round: int,
    submitted_by_id: int | None,
    plan_period: tuple[int, int],
) -> ActivityView:
    return ActivityView(
        id=activity_id,
        province=province,
        plan_id=plan_id,
        opd=opd,
        title=title,
        pillar=pillar,
        details=details,
        years=tuple(years),
        state=state,
        revision_round=revision_round,
        submitted_by_id=submitted_by_id,
        plan_start_year=plan_period[0],
        plan_end_year=plan_period[1],
    )


AUDIT_INSERT = insert(audit_t)  # built once; the hot path binds parameters only

# A hash chain: its table, the column naming its subject, the subject's workflow type.
Chain = tuple[Table, str, str]
ACTIVITY_CHAIN: Chain = (audit_t, "activity_id", "activity")


class AuditFields(TypedDict):
    """What an audit entry says; the chain fields (seq, hashes) are derived."""

    activity_id: int
    actor_id: int | None
    actor: str
    role: str
    action: str
    from_state: str | None
    to_state: str
    comment: str | None
    payload: dict[str, Any]
    at: dt.datetime


def audit_row(
    *, tail: tuple[int, str] | None, subject: str = "activity", **entry: Unpack[AuditFields]
) -> dict[str, Any]:
    """The column values of the entry that follows ``tail`` (the chain's last (seq, hash);
    None: the chain is empty), its hash included. ``subject`` is the workflow type whose chain
    it extends (``activity_id`` then holds that subject's id: a report's, say)."""
    seq, prev = (tail[0] + 1, tail[1]) if tail else (1, GENESIS)
    fields: dict[str, Any] = {**entry, "seq": seq}
    # Every column, actor_id too (core.audit).
    digest = entry_hash(prev_hash=prev, subject=subject, **fields)
    return {**fields, "prev_hash": prev, "hash": digest}


def append_audit(
    session: Session,
    *,
    tail: tuple[int, str] | Literal["read"] | None = "read",
    chain: Chain | None = None,
    **entry: Unpack[AuditFields],
) -> int:
    """Append one entry (the keyword arguments of ``audit_row``) to the activity's chain (or
    another ``chain``: a progress report's, whose id ``activity_id`` then holds); returns its
    ``seq``.

    ``tail`` is the chain's last (seq, hash) when the caller already read it under the same
    version guard (None: the chain is empty); by default it is read here. Callers hold the
    activity's row lock (the guarded UPDATE) or have just inserted the activity, so the tail
    cannot race; the unique (activity, seq) constraint is the backstop."""
    table, key, subject = chain or ACTIVITY_CHAIN
    if tail == "read":
        last = session.execute(
            select(table.c.seq, table.c.hash)
            .where(table.c[key] == entry["activity_id"])
            .order_by(table.c.seq.desc())
            .limit(1)
        ).first()
        tail = (last[0], last[1]) if last else None
    row = audit_row(tail=tail, subject=subject, **entry)
    if key != "activity_id":
        row[key] = row.pop("activity_id")
    session.connection().execute(AUDIT_INSERT if chain is None else insert(table), row)
    return int(row["seq"])


def plan_violations(years: list[dict[str, Any]], period: tuple[int, int]) -> list[Violation]:
    """Years inside the plan period, each at most once."""
    out: list[Violation] = []
    seen: set[int] = set()
    for i, y in enumerate(years):
        year = y["year"]
        if not period[0] <= year <= period[1]:
            out.append(
                Violation(
                    "year_outside_plan",
                    msg(
                        "Tahun {year} di luar periode rencana {start}–{end}.",
                        year=year,
                        start=period[0],
                        end=period[1],
                    ),
                    f"years.{i}.year",
                )
            )
        if year in seen:
            out.append(
                Violation(
                    "year_duplicate",
                    msg("Tahun {year} diisi lebih dari sekali.", year=year),
                    f"years.{i}.year",
                )
            )
        seen.add(year)
    return out
