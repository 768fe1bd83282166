"""The transition's write: the guarded ``UPDATE ... WHERE id = :id AND version = :v`` (which also
takes the row lock), the audit entry and the outbox rows — one statement on PostgreSQL, three on
SQLite — then the pagu booking or release. The caller commits. The same statements for every
workflow type, on its own table and chain (``Checked.subject``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    String,
    bindparam,
    case,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from core import driver_sql
from core.access import Actor
from core.errors import StaleVersion, Violation
from core.models import utcnow
from core.notifications import inbox, recipients
from core.notifications.pending import note_written
from core.services import pagu_booking, report_periods, seals
from core.services.common import AUDIT_INSERT, audit_row, outbox_t
from core.services.transitions import notice
from core.services.transitions.checks import Checked
from core.services.transitions.subject import ACTIVITY, Subject
from core.types import Recipient

OUTBOX_KIND = "transition"


@dataclass
class TransitionResult:
    activity_id: int
    action: str
    from_state: str
    to_state: str
    version: int
    seq: int
    role: str
    warnings: list[Violation] = field(default_factory=list)
    outbox_ids: list[int] = field(default_factory=list)
    signoff_id: int | None = None  # the seal, when the move signed (core.services.seals)
    signoff_code: str | None = None
    acting: dict[str, Any] | None = None  # taken as an acting official (core.acting)
    report_id: int | None = None  # the progress report moved (then activity_id is its activity)


def _guarded_update(subject: Subject) -> Any:
    """The guarded UPDATE is the optimistic lock: whoever commits first wins, the other matches
    no row (PostgreSQL re-evaluates the WHERE after waiting for the winner's row lock). An
    activity's also records the decree."""
    table = subject.table
    values: dict[str, Any] = {
        "state": bindparam("state"),
        "version": table.c.version + 1,
        "state_changed_at": bindparam("now"),
        "updated_at": bindparam("now"),
        "submitted_by_id": bindparam("submitted_by_id"),
        "revision_round": bindparam("revision_round"),
    }
    if subject.activity_only:
        # A confirmation books its years' amounts, a release gives them back: the activity's
        # confirmed total (``Activity.confirmed_total``) changes with them, in this statement.
        values["confirmed_total"] = case(
            (bindparam("t_budget_moves", type_=Boolean), bindparam("t_confirmed", BigInteger)),
            else_=table.c.confirmed_total,
        )
        values["decree_number"] = func.coalesce(
            bindparam("decree_number", type_=String), table.c.decree_number
        )
        values["decree_date"] = func.coalesce(
            bindparam("decree_date", type_=Date), table.c.decree_date
        )
    # Not ``activity_id``: a column of notifications, whose closing runs beside it.
    guard = (table.c.id == bindparam("t_activity_id")) & (table.c.version == bindparam("expected"))
    return update(table).where(guard).values(**values)


# Built once per workflow type: the hot path only binds parameters.
_GUARDED_UPDATE = _guarded_update(ACTIVITY)
_UPDATES: dict[str, Any] = {ACTIVITY.code: _GUARDED_UPDATE}
_AUDIT_INSERTS: dict[str, Any] = {ACTIVITY.code: AUDIT_INSERT}


def _update_of(subject: Subject) -> Any:
    found = _UPDATES.get(subject.code)
    if found is None:
        found = _UPDATES[subject.code] = _guarded_update(subject)
    return found


def _audit_insert_of(subject: Subject) -> Any:
    found = _AUDIT_INSERTS.get(subject.code)
    if found is None:
        found = _AUDIT_INSERTS[subject.code] = insert(subject.audit)
    return found


_COMBINED: dict[tuple[str, recipients.Shape, bool, bool], Any] = {}


def _combined(
    shape: recipients.Shape, subject: Subject = ACTIVITY, sealed: bool = False, books: bool = False
) -> Any:
    """The combined statement of ``shape`` for ``subject`` (with the seal when ``sealed``, the
    pagu booking when ``books``), built once (a dict, not an lru_cache: hashing the subject on
    every call would cost more than the lookup)."""
    key = (subject.code, shape, sealed, books)
    found = _COMBINED.get(key)
    if found is None:
        if len(_COMBINED) > 1024:  # shapes are few; this only bounds a pathological plugin
            _COMBINED.clear()
        found = _COMBINED[key] = _build_combined(shape, subject, sealed, books)
    return found


def _build_combined(
    shape: recipients.Shape, subject: Subject, sealed: bool = False, books: bool = False
) -> Any:
    """PostgreSQL: the guarded UPDATE, the audit INSERT, the outbox INSERT and the closing of the
    inbox items that asked for an action at the stage left (``inbox.CLOSE``) as one statement
    (data-modifying CTEs), so a transition's writes cost one round trip. The inserts select
    FROM the update's RETURNING: when the version guard matches no row they insert nothing, and
    the caller sees ``moved = 0`` (stale) instead of a unique-key error."""
    audit_t = subject.audit
    columns_ = [c.name for c in audit_t.columns if c.name != "id"]
    moved = _update_of(subject).returning(subject.table.c.id).cte("moved")
    audit_values = select(
        *(bindparam(f"a_{name}", type_=audit_t.c[name].type) for name in columns_)
    ).select_from(moved)
    audit = insert(audit_t).from_select(columns_, audit_values).cte("audit")
    closed = inbox.CLOSE.where(exists(select(moved.c.id))).cte("closed")
    columns = [select(func.count()).select_from(moved).scalar_subquery().label("moved")]
    if shape:
        rows = recipients.rows_select(shape).where(exists(select(moved.c.id)))
        sent = (
            insert(outbox_t)
            .from_select(recipients.OUTBOX_COLUMNS, rows)
            .returning(outbox_t.c.id)
            .cte("sent")
        )
        columns.append(select(func.array_agg(sent.c.id)).scalar_subquery().label("outbox_ids"))
    ctes = [audit, closed]
    if books:  # a confirmation's pagu booking (``pagu_booking.booking``)
        booked, confirmed = pagu_booking.booking(moved)
        years = select(func.array_agg(booked.c.year)).scalar_subquery().label("booked_years")
        columns.append(years)
        ctes.append(confirmed)
    if sealed:  # a signing move's seal, written only if the move matched (``_seals_here``)
        seal, links = seals.sealing(moved)
        columns.append(select(seal.c.id).scalar_subquery().label("signoff_id"))
        ctes.append(links)
    return select(*columns).add_cte(*ctes)


def _seals_here(c: Checked) -> bool:
    """Whether the signing move's seal goes into its combined statement (PostgreSQL's): when
    the move changes no budget (the seal's document is then the row as loaded, with the
    decree it records: the guarded UPDATE matches only the version loaded, and every change
    of an activity bumps its version). Otherwise ``transition`` seals after the write."""
    t = c.transition
    return (
        t.requires_decree
        and c.subject.activity_only
        and c.decree_number is not None
        and c.decree_date is not None
        and not c.amounts
        and not t.releases_budget
    )


def _seal_params(c: Checked, actor: Actor) -> tuple[dict[str, Any], str]:
    """What the seal in the combined statement binds, and its verification code."""
    loaded, view = c.loaded, c.loaded.view
    assert c.decree_number is not None and c.decree_date is not None  # ``_seals_here``
    entry = seals.activity_entry(
        loaded.id, view.plan_id, view.opd, view.title, loaded.description, view.pillar,
        view.details, c.decree_number, c.decree_date, [dict(y) for y in loaded.years],
    )  # fmt: skip
    values = seals.seal_values(
        actor,
        province_id=loaded.province_id,
        plan_id=view.plan_id,
        activities=[entry],
        nip=actor.nip,
        decree_number=c.decree_number,
        decree_date=c.decree_date,
        acting=c.acting,
    )
    return seals.seal_params(values, [loaded.id]), values["code"]


def _audience(
    c: Checked, actor: Actor, seq: int, now: dt.datetime
) -> tuple[recipients.Shape, dict[str, Any]]:
    """Who the plugins say to tell, and what the message says, as the values the outbox rows
    bind."""
    loaded, t = c.loaded, c.transition
    told: list[Recipient] = []
    for some in c.subject.recipients(c.runtime, loaded, t, c.workflow):
        told.extend(some)
    audience = recipients.audience(told, opd=loaded.view.opd, opd_roles=c.runtime.opd_roles, at=now)
    message = notice.facts(c, actor)
    if c.acting is not None:  # "Plt. Kepala … — <name>" in the notice (core.acting)
        message["acting"] = c.acting
    if loaded.report is not None:  # which report, for the words and for closing its items
        message.update(_report_facts(c))
    batch = recipients.OutboxBatch(
        kind=OUTBOX_KIND,
        key_prefix=f"{c.subject.key_prefix}:{loaded.id}:{seq}:",
        activity_id=loaded.activity_id,
        payload=message,
        created_at=now,
    )
    params = audience.params | batch.params()
    params.update(
        o_province_id=loaded.province_id, o_opd_id=loaded.opd_id, o_actor_id=actor.user_id
    )
    return audience.shape, params


def _report_facts(c: Checked) -> dict[str, Any]:
    """A progress report's notice says which report: its id, year and period (by label)."""
    report = c.loaded.report
    assert report is not None
    found = report_periods.period(c.runtime, c.loaded.plan_code or "", report.year, report.period)
    return {
        "subject": c.subject.code,
        "report_id": report.id,
        "year": report.year,
        "period": report.period,
        "period_label": found.label if found is not None else report.period,
    }


def write(session: Session, actor: Actor, c: Checked, *, seal: bool = False) -> TransitionResult:
    """Write a checked transition; ``StaleVersion`` if another one won the row meanwhile.
    With ``seal``, a signing move is sealed in the same statement where it can be
    (``_seals_here``): then the result names the seal."""
    loaded, t = c.loaded, c.transition
    now = utcnow()
    params: dict[str, Any] = {
        "t_activity_id": loaded.id,
        "expected": loaded.version,
        "state": t.target,
        "now": now,
        "submitted_by_id": actor.user_id if t.records_submitter else loaded.submitted_by_id,
        "revision_round": loaded.revision_round + (1 if t.counts_round else 0),
        "decree_number": c.decree_number,
        "decree_date": c.decree_date,
        "t_budget_moves": bool(c.amounts) or t.releases_budget,
        "t_confirmed": sum(c.amounts.values()) if c.amounts else None,
    }
    audit_payload: dict[str, Any] = {"workflow_version": c.workflow.version}
    if c.amounts:
        audit_payload["confirmed_years"] = {str(y): a for y, a in sorted(c.amounts.items())}
    if c.decree_number:
        audit_payload["decree_number"] = c.decree_number
    if c.decree_date:
        audit_payload["decree_date"] = c.decree_date.isoformat()
    if c.acting is not None:  # hashed with the entry: the "Plt." cannot be added afterwards
        audit_payload["acting"] = c.acting
    entry = audit_row(
        subject=c.subject.code,
        activity_id=loaded.id,
        actor_id=actor.user_id,
        actor=actor.username,
        role=c.role,
        action=t.action,
        from_state=loaded.state,
        to_state=t.target,
        comment=c.comment,
        payload=audit_payload,
        at=now,
        tail=loaded.tail,
    )
    seq: int = entry["seq"]
    shape, outbox_params = _audience(c, actor, seq, now)
    # The stage is left: what its items asked for is no longer needed from anyone.
    closing = {
        "n_activity": loaded.activity_id,
        "n_report": loaded.report.id if loaded.report is not None else None,
        "n_stage": loaded.state,
        "n_now": now,
    }
    if c.subject.audit_key != "activity_id":  # the chain's own key column
        entry[c.subject.audit_key] = entry.pop("activity_id")
    # Core statements go straight to the connection: no ORM compile step on the hot path.
    conn = driver_sql.connection(session)
    outbox_ids: list[int] = []
    signoff: tuple[int, str] | None = None
    postgres = conn.dialect.name == "postgresql"
    books_here = postgres and bool(c.amounts)  # else booked after the write, below
    if postgres:
        audit_params = {f"a_{name}": value for name, value in entry.items()}
        sealed = seal and _seals_here(c)
        statement = _combined(shape, c.subject, sealed, books_here)
        bound = params | audit_params | outbox_params | closing
        if sealed:
            seal_params, code = _seal_params(c, actor)
            bound |= seal_params
        if books_here:
            bound |= pagu_booking.booking_params(loaded.id, loaded.opd_id, c.amounts)
        row = driver_sql.execute(conn, statement, bound).one()
        moved = row.moved
        outbox_ids = sorted(row.outbox_ids or []) if shape else []
        if sealed and moved == 1:
            signoff = (row.signoff_id, code)
        if books_here and moved == 1:  # refused: the unit of work rolls the whole move back
            failure = pagu_booking.refused(
                session, loaded.opd_id, c.amounts, row.booked_years or []
            )
            if failure is not None:
                raise failure
    else:
        moved = conn.execute(_update_of(c.subject), params).rowcount
        if moved == 1:
            conn.execute(_audit_insert_of(c.subject), entry)
            conn.execute(inbox.CLOSE, closing)
            if shape:
                statement = recipients.insert_rows(shape)
                outbox_ids = list(conn.execute(statement, outbox_params).scalars())
    if moved != 1:
        raise StaleVersion(c.subject.texts.taken)
    # After the activity's row lock (taken by the guarded UPDATE): the same lock order as every
    # other confirmation, so two of them cannot deadlock.
    if c.amounts and not books_here:
        pagu_booking.book(session, loaded.id, loaded.opd_id, c.amounts)
    if t.releases_budget:
        pagu_booking.release(session, loaded.id, loaded.opd_id, loaded.years)
    note_written(session, outbox_ids)
    return TransitionResult(
        activity_id=loaded.activity_id,
        report_id=loaded.report.id if loaded.report is not None else None,
        action=t.action,
        from_state=loaded.state,
        to_state=t.target,
        version=loaded.version + 1,
        seq=seq,
        role=c.role,
        outbox_ids=outbox_ids,
        acting=c.acting,
        signoff_id=signoff[0] if signoff else None,
        signoff_code=signoff[1] if signoff else None,
    )
