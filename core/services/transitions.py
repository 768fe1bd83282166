"""The state machine's one write path: ``transition`` and the governor's batch sign-off.

Hot path (see DESIGN.md performance notes and benchmarks/RESULTS.md): one SELECT of the activity
with its plan, OPD, province, years and audit-chain tail; the plugin rules in memory on a cached
workflow; then the guarded ``UPDATE ... WHERE id = :id AND version = :v`` (which also takes the
row lock), the audit INSERT and the outbox INSERT, as one statement on PostgreSQL and three on
SQLite; the pagu statements on confirmation; and one commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    Table,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import (
    Conflict,
    DomainError,
    NotAllowed,
    NotFound,
    RuleFailed,
    StaleVersion,
    Violation,
    raise_if_any,
)
from core.messages import msg
from core.models import (
    Activity,
    ActivityYear,
    AuditEntry,
    Ceiling,
    Opd,
    Plan,
    Province,
    RoleAssignment,
    User,
    utcnow,
)
from core.notifications.pending import note_written
from core.plugins import ProvinceRuntime, Registry
from core.services.common import (
    AUDIT_INSERT,
    activities_t,
    audit_row,
    audit_t,
    outbox_t,
    snapshot,
)
from core.types import ActivityView, Recipient
from core.workflow import Transition, Workflow

years_t = cast(Table, ActivityYear.__table__)
ceilings_t = cast(Table, Ceiling.__table__)

RELEASING_ACTIONS = frozenset({"return", "reject"})


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


@dataclass
class _Loaded:
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
    tail: tuple[int, str] | None  # (seq, hash) of the last audit entry


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


# Built once: the hot path only binds parameters. One round trip loads the activity, its OPD,
# province and plan period, each year (one row per year) and the tail of its audit chain. The
# tail read here stays valid for the write: every audit append also bumps ``version``, and the
# write is guarded by that version.
_LOAD_BASE = (
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
        _tail_of(AuditEntry.seq).label("tail_seq"),
        _tail_of(AuditEntry.hash).label("tail_hash"),
    )
    .join(Opd, Opd.id == Activity.opd_id)
    .join(Province, Province.id == Activity.province_id)
    .join(Plan, Plan.id == Activity.plan_id)
    .outerjoin(years_t, years_t.c.activity_id == Activity.id)
    .order_by(Activity.id, years_t.c.year)
)
_LOAD = _LOAD_BASE.where(Activity.id == bindparam("activity_id"))
_LOAD_MANY = _LOAD_BASE.where(Activity.id.in_(bindparam("ids", expanding=True)))


# The guarded UPDATE is the optimistic lock: whoever commits first wins, the other matches no
# row (PostgreSQL re-evaluates the WHERE after waiting for the winner's row lock). Built once.
_GUARDED_UPDATE = (
    update(activities_t)
    .where(
        activities_t.c.id == bindparam("activity_id"),
        activities_t.c.version == bindparam("expected"),
    )
    .values(
        state=bindparam("state"),
        version=activities_t.c.version + 1,
        state_changed_at=bindparam("now"),
        updated_at=bindparam("now"),
        submitted_by_id=bindparam("submitted_by_id"),
        revision_round=bindparam("revision_round"),
        decree_number=func.coalesce(
            bindparam("decree_number", type_=String), activities_t.c.decree_number
        ),
    )
)


def _load(session: Session, activity_id: int) -> _Loaded | None:
    rows = session.connection().execute(_LOAD, {"activity_id": activity_id}).all()
    return _from_rows(rows) if rows else None


def _load_many(session: Session, ids: Sequence[int]) -> list[_Loaded]:
    """Several activities in one round trip (rows come ordered by activity, then year)."""
    rows = session.connection().execute(_LOAD_MANY, {"ids": list(ids)}).all()
    groups: dict[int, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.id, []).append(r)
    return [_from_rows(g) for g in groups.values()]


def _from_rows(rows: Sequence[Any]) -> _Loaded:
    """One activity from its rows of ``_LOAD`` (one row per year)."""
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
    return _Loaded(
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
        tail=(row.tail_seq, row.tail_hash) if row.tail_seq is not None else None,
    )


def _acting_role(actor: Actor, t: Transition, opd_id: int) -> str | None:
    return next((r for r in t.roles if actor.holds(r, opd_id)), None)


def _actor_guards(actor: Actor, t: Transition, loaded: _Loaded) -> list[Violation]:
    """Rules that depend only on who acts (also used to compute ``available_actions``)."""
    if t.four_eyes and loaded.submitted_by_id == actor.user_id:
        return [
            Violation(
                "four_eyes",
                "Kegiatan tidak dapat disetujui oleh pengguna yang mengajukannya.",
            )
        ]
    return []


def _confirmed_amounts(
    loaded: _Loaded, payload: dict[str, Any]
) -> tuple[dict[int, int], list[Violation]]:
    """Per-year confirmed budget: the proposal unless lowered in ``confirmed_years``."""
    proposed = {y["year"]: y["proposed_budget"] for y in loaded.years}
    amounts = dict(proposed)
    violations: list[Violation] = []
    for i, item in enumerate(payload.get("confirmed_years") or []):
        year, amount = item["year"], item["confirmed_budget"]
        where = f"confirmed_years.{i}"
        if year not in proposed:
            violations.append(
                Violation(
                    "year_not_in_activity",
                    msg("Tahun {year} tidak ada pada kegiatan.", year=year),
                    where,
                )
            )
        elif amount > proposed[year]:
            violations.append(
                Violation(
                    "budget_raised",
                    msg(
                        "Anggaran tahun {year} hanya boleh diturunkan, tidak dinaikkan "
                        "(usulan {proposed}).",
                        year=year,
                        proposed=rupiah(proposed[year]),
                    ),
                    f"{where}.confirmed_budget",
                )
            )
        else:
            amounts[year] = amount
    return amounts, violations


def rupiah(amount: int) -> str:
    """``Rp1.500.000``: the official spelling."""
    return "Rp" + f"{amount:,}".replace(",", ".")


# The pagu statements, built once (bind names must differ from column names in an UPDATE).
_CEILINGS_READ = select(ceilings_t.c.year, ceilings_t.c.amount, ceilings_t.c.confirmed).where(
    ceilings_t.c.opd_id == bindparam("b_opd"),
    ceilings_t.c.year.in_(bindparam("b_years", expanding=True)),
)
_CEILING_KEY = and_(
    ceilings_t.c.opd_id == bindparam("b_opd"), ceilings_t.c.year == bindparam("b_year")
)
# The WHERE re-checks the pagu under the ceiling row's lock: of two parallel confirmations that
# together overshoot, the second matches no row.
_CEILING_BOOK = (
    update(ceilings_t)
    .where(_CEILING_KEY, ceilings_t.c.confirmed + bindparam("b_amount") <= ceilings_t.c.amount)
    .values(confirmed=ceilings_t.c.confirmed + bindparam("b_amount"))
)
_CEILING_RELEASE = (
    update(ceilings_t)
    .where(_CEILING_KEY)
    .values(confirmed=ceilings_t.c.confirmed - bindparam("b_amount"))
)
_YEAR_CONFIRM = (
    update(years_t)
    .where(
        years_t.c.activity_id == bindparam("b_activity"),
        years_t.c.year == bindparam("b_year"),
    )
    .values(confirmed_budget=bindparam("b_amount"))
)
_YEARS_UNCONFIRM = (
    update(years_t)
    .where(years_t.c.activity_id == bindparam("b_activity"))
    .values(confirmed_budget=None)
)


def _ceilings_of(session: Session, opd_id: int, years: list[int]) -> dict[int, Any]:
    rows = session.connection().execute(_CEILINGS_READ, {"b_opd": opd_id, "b_years": years})
    return {r.year: r for r in rows}


def _ceiling_state(
    session: Session, opd_id: int, amounts: dict[int, int]
) -> tuple[dict[int, dict[str, int]], list[Violation]]:
    rows = _ceilings_of(session, opd_id, list(amounts))
    after: dict[int, dict[str, int]] = {}
    violations: list[Violation] = []
    for year, amount in sorted(amounts.items()):
        row = rows.get(year)
        if row is None:
            violations.append(
                Violation(
                    "ceiling_missing",
                    msg("Pagu OPD untuk tahun {year} belum ditetapkan.", year=year),
                )
            )
            continue
        after[year] = {"ceiling": row.amount, "confirmed": row.confirmed + amount}
        if row.confirmed + amount > row.amount:
            violations.append(_exceeded(year, row.amount, row.amount - row.confirmed, amount))
    return after, violations


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


def _book_ceilings(session: Session, loaded: _Loaded, amounts: dict[int, int]) -> None:
    """Atomically add to the pagu's confirmed total; refuses if another confirmation got there
    first."""
    conn = session.connection()
    for year, amount in sorted(amounts.items()):
        key = {"b_opd": loaded.opd_id, "b_year": year, "b_amount": amount}
        if conn.execute(_CEILING_BOOK, key).rowcount != 1:
            row = _ceilings_of(session, loaded.opd_id, [year])[year]
            raise RuleFailed([_exceeded(year, row.amount, row.amount - row.confirmed, amount)])
        conn.execute(_YEAR_CONFIRM, {"b_activity": loaded.id, "b_year": year, "b_amount": amount})


def _release_ceilings(session: Session, loaded: _Loaded) -> None:
    """A returned or rejected activity gives its confirmed money back to the pagu."""
    conn = session.connection()
    for y in loaded.years:
        if y["confirmed_budget"] is not None:
            conn.execute(
                _CEILING_RELEASE,
                {"b_opd": loaded.opd_id, "b_year": y["year"], "b_amount": y["confirmed_budget"]},
            )
    conn.execute(_YEARS_UNCONFIRM, {"b_activity": loaded.id})


def _recipient_shape(
    runtime: ProvinceRuntime, loaded: _Loaded, recipients: Sequence[Recipient]
) -> tuple[tuple[tuple[str, str | None], ...], dict[str, Any]]:
    """The recipients as a hashable shape (which kinds of clause, which roles) plus the values to
    bind, so the outbox statement is built once per shape rather than once per transition."""
    shape: list[tuple[str, str | None]] = []
    params: dict[str, Any] = {}
    for i, r in enumerate(recipients):
        if r.user_id is not None:
            shape.append(("user", None))
            params[f"r{i}"] = r.user_id
        elif r.role is not None and r.role in runtime.opd_roles:
            if r.opd in (None, loaded.view.opd):
                shape.append(("opd_role", r.role))
            else:
                shape.append(("other_opd_role", r.role))
                params[f"r{i}"] = r.opd
        elif r.role is not None:
            shape.append(("role", r.role))
    return tuple(shape), params


def _outbox_rows(shape: tuple[tuple[str, str | None], ...]) -> Select[Any]:
    """One outbox row per user to notify, as a SELECT for ``INSERT ... SELECT``."""
    clauses: list[ColumnElement[bool]] = []
    for i, (kind, role) in enumerate(shape):
        if kind == "user":
            clauses.append(User.id == bindparam(f"r{i}"))
        elif kind == "opd_role":
            clauses.append(
                and_(RoleAssignment.role == role, RoleAssignment.opd_id == bindparam("o_opd_id"))
            )
        elif kind == "other_opd_role":
            other = select(Opd.id).where(
                Opd.code == bindparam(f"r{i}"), Opd.province_id == bindparam("o_province_id")
            )
            clauses.append(and_(RoleAssignment.role == role, RoleAssignment.opd_id.in_(other)))
        else:
            clauses.append(RoleAssignment.role == role)
    matching = (
        select(User.id)
        .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(or_(*clauses))
    )
    return (
        select(
            bindparam("o_key_prefix", type_=String) + sql_cast(User.id, String),
            literal("transition"),
            bindparam("activity_id", type_=Integer),
            User.id,
            bindparam("o_payload", type_=JSON),
            bindparam("now", type_=DateTime),
            literal(0),
        )
        .where(
            User.id.in_(matching),
            User.province_id == bindparam("o_province_id"),
            User.active.is_(True),
            User.id != bindparam("o_actor_id"),  # nobody needs telling what they just did
        )
        .order_by(User.id)
    )


_OUTBOX_COLUMNS = [
    "key",
    "kind",
    "activity_id",
    "recipient_id",
    "payload",
    "created_at",
    "attempts",
]
_AUDIT_COLUMNS = [c.name for c in audit_t.columns if c.name != "id"]


@lru_cache(maxsize=512)
def _outbox_insert(shape: tuple[tuple[str, str | None], ...]) -> Any:
    """The outbox rows in one round trip, built once per recipient shape."""
    return (
        insert(outbox_t).from_select(_OUTBOX_COLUMNS, _outbox_rows(shape)).returning(outbox_t.c.id)
    )


@lru_cache(maxsize=512)
def _combined_write(shape: tuple[tuple[str, str | None], ...]) -> Any:
    """PostgreSQL: the guarded UPDATE, the audit INSERT and the outbox INSERT as one statement
    (data-modifying CTEs), so a transition's writes cost one round trip. The inserts select
    FROM the update's RETURNING: when the version guard matches no row they insert nothing, and
    the caller sees ``moved = 0`` (stale) instead of a unique-key error."""
    moved = _GUARDED_UPDATE.returning(activities_t.c.id).cte("moved")
    audit_values = select(
        *(bindparam(f"a_{name}", type_=audit_t.c[name].type) for name in _AUDIT_COLUMNS)
    ).select_from(moved)
    audit = insert(audit_t).from_select(_AUDIT_COLUMNS, audit_values).cte("audit")
    columns = [select(func.count()).select_from(moved).scalar_subquery().label("moved")]
    if shape:
        rows = _outbox_rows(shape).where(exists(select(moved.c.id)))
        sent = (
            insert(outbox_t).from_select(_OUTBOX_COLUMNS, rows).returning(outbox_t.c.id).cte("sent")
        )
        columns.append(select(func.array_agg(sent.c.id)).scalar_subquery().label("outbox_ids"))
    return select(*columns).add_cte(audit)


def _check(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_id: int,
    action: str,
    expected_version: int,
    payload: dict[str, Any],
) -> tuple[_Loaded, ProvinceRuntime, Workflow, Transition, str, dict[int, int], list[Violation]]:
    """Every check, in the order that decides the status code: 404, 422 (unknown action),
    409 (stale / not available), 403 (role), 422 (all rules at once)."""
    loaded = _load(session, activity_id)
    if loaded is None or not actor.can_see(loaded.province_id, loaded.opd_id):
        raise NotFound("Kegiatan tidak ditemukan.")
    runtime = registry.get(loaded.view.province)
    workflow = runtime.workflow_version(session, loaded.workflow_version)
    if action not in workflow.actions:
        raise RuleFailed(
            [
                Violation(
                    "action_unknown", msg("Aksi '{action}' tidak dikenal.", action=action), "action"
                )
            ]
        )
    if loaded.version != expected_version:
        raise StaleVersion(
            "Kegiatan telah berubah sejak Anda membukanya; muat ulang lalu coba lagi."
        )
    t = workflow.resolve(loaded.state, action, loaded.view, runtime.conditions)
    if t is None:
        raise Conflict(
            msg(
                "Aksi '{action}' tidak tersedia untuk kegiatan berstatus '{state}'.",
                action=action,
                state=workflow.label(loaded.state),
            )
        )
    role = _acting_role(actor, t, loaded.opd_id)
    if role is None:
        raise NotAllowed("Peran Anda tidak berwenang melakukan aksi ini pada kegiatan ini.")
    violations = _actor_guards(actor, t, loaded)
    comment = (payload.get("comment") or "").strip()
    if t.comment_required and not comment:
        violations.append(Violation("comment_required", "Catatan wajib diisi.", "comment"))
    amounts: dict[int, int] = {}
    ceilings: dict[int, dict[str, int]] = {}
    if action == "confirm_budget":
        amounts, more = _confirmed_amounts(loaded, payload)
        violations.extend(more)
        ceilings, more = _ceiling_state(session, loaded.opd_id, amounts)
        violations.extend(more)
    if t.target == "signed" and not (payload.get("decree_number") or "").strip():
        violations.append(
            Violation("decree_required", "Nomor keputusan wajib diisi.", "decree_number")
        )
    for batch in runtime.pm.hook.transition_rules(
        activity=loaded.view,
        transition=t,
        actor_id=actor.user_id,
        payload=payload,
        reference=runtime.reference,
        ceilings=ceilings,
    ):
        violations.extend(batch)
    return loaded, runtime, workflow, t, role, amounts, violations


def transition(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_id: int,
    action: str,
    expected_version: int,
    payload: dict[str, Any] | None = None,
) -> TransitionResult:
    """Move an activity along its workflow, or raise a ``DomainError`` and change nothing."""
    payload = payload or {}
    try:
        loaded, runtime, workflow, t, role, amounts, violations = _check(
            session, registry, actor, activity_id, action, expected_version, payload
        )
        warnings = raise_if_any(violations)
        result = _write(session, runtime, workflow, actor, loaded, t, role, amounts, payload)
        result.warnings = warnings
        session.commit()
        return result
    except Exception:
        session.rollback()
        raise


def _write(
    session: Session,
    runtime: ProvinceRuntime,
    workflow: Workflow,
    actor: Actor,
    loaded: _Loaded,
    t: Transition,
    role: str,
    amounts: dict[int, int],
    payload: dict[str, Any],
) -> TransitionResult:
    now = utcnow()
    comment = (payload.get("comment") or "").strip() or None
    decree = payload["decree_number"].strip() if t.target == "signed" else None
    params: dict[str, Any] = {
        "activity_id": loaded.id,
        "expected": loaded.version,
        "state": t.target,
        "now": now,
        "submitted_by_id": actor.user_id if t.action == "submit" else loaded.submitted_by_id,
        "revision_round": loaded.revision_round + (1 if t.counts_round else 0),
        "decree_number": decree,
    }
    audit_payload: dict[str, Any] = {"workflow_version": workflow.version}
    if amounts:
        audit_payload["confirmed_years"] = {str(y): a for y, a in sorted(amounts.items())}
    if decree:
        audit_payload["decree_number"] = decree
    entry = audit_row(
        activity_id=loaded.id,
        actor_id=actor.user_id,
        actor=actor.username,
        role=role,
        action=t.action,
        from_state=loaded.state,
        to_state=t.target,
        comment=comment,
        payload=audit_payload,
        at=now,
        tail=loaded.tail,
    )
    seq: int = entry["seq"]
    shape, outbox_params = _outbox_params(runtime, workflow, actor, loaded, t, seq, comment)
    # Core statements go straight to the connection: no ORM compile step on the hot path.
    conn = session.connection()
    outbox_ids: list[int] = []
    if conn.dialect.name == "postgresql":
        audit_params = {f"a_{name}": value for name, value in entry.items()}
        row = conn.execute(_combined_write(shape), params | audit_params | outbox_params).one()
        moved = row.moved
        outbox_ids = sorted(row.outbox_ids or []) if shape else []
    else:
        moved = conn.execute(_GUARDED_UPDATE, params).rowcount
        if moved == 1:
            conn.execute(AUDIT_INSERT, entry)
            if shape:
                outbox_ids = list(
                    conn.execute(_outbox_insert(shape), params | outbox_params).scalars()
                )
    if moved != 1:
        raise StaleVersion("Kegiatan telah diproses pengguna lain; muat ulang lalu coba lagi.")
    # After the activity's row lock (taken by the guarded UPDATE): the same lock order as every
    # other confirmation, so two of them cannot deadlock.
    if amounts:
        _book_ceilings(session, loaded, amounts)
    if t.action in RELEASING_ACTIONS:
        _release_ceilings(session, loaded)
    note_written(session, outbox_ids)
    return TransitionResult(
        activity_id=loaded.id,
        action=t.action,
        from_state=loaded.state,
        to_state=t.target,
        version=loaded.version + 1,
        seq=seq,
        role=role,
        outbox_ids=outbox_ids,
    )


def _outbox_params(
    runtime: ProvinceRuntime,
    workflow: Workflow,
    actor: Actor,
    loaded: _Loaded,
    t: Transition,
    seq: int,
    comment: str | None,
) -> tuple[tuple[tuple[str, str | None], ...], dict[str, Any]]:
    """Who the plugins say to notify, as a recipient shape and the values its statement binds
    (besides ``activity_id`` and ``now``, shared with the guarded UPDATE). Their names start
    with ``o_``: an UPDATE would take a parameter named like a column as a value to SET."""
    recipients: list[Recipient] = []
    for batch in runtime.pm.hook.notification_recipients(
        activity=loaded.view, transition=t, workflow=workflow
    ):
        recipients.extend(batch)
    shape, params = _recipient_shape(runtime, loaded, recipients)
    message = {
        "activity_id": loaded.id,
        "title": loaded.view.title,
        "opd": loaded.view.opd,
        "province": loaded.view.province,
        "action": t.action,
        "action_label": t.label,
        "from_state": loaded.state,
        "to_state": t.target,
        "to_label": workflow.label(t.target),
        "actor": actor.full_name,
        "comment": comment,
    }
    params.update(
        o_key_prefix=f"t:{loaded.id}:{seq}:",
        o_payload=message,
        o_province_id=loaded.province_id,
        o_opd_id=loaded.opd_id,
        o_actor_id=actor.user_id,
    )
    return shape, params


def available_actions(
    session: Session, registry: Registry, actor: Actor, activity_id: int
) -> list[str]:
    """Actions the actor could take now (role, scope and actor-only guards; not the rules that
    depend on the payload, such as the comment or the pagu)."""
    loaded = _load(session, activity_id)
    if loaded is None or not actor.can_see(loaded.province_id, loaded.opd_id):
        raise NotFound("Kegiatan tidak ditemukan.")
    return _actions_of(session, registry, actor, loaded)


def available_actions_many(
    session: Session, registry: Registry, actor: Actor, activity_ids: Sequence[int]
) -> dict[int, list[str]]:
    """``available_actions`` for a page of activities in one query (ids the actor may not see
    are left out)."""
    return {
        loaded.id: _actions_of(session, registry, actor, loaded)
        for loaded in _load_many(session, activity_ids)
        if actor.can_see(loaded.province_id, loaded.opd_id)
    }


def _actions_of(session: Session, registry: Registry, actor: Actor, loaded: _Loaded) -> list[str]:
    runtime = registry.get(loaded.view.province)
    workflow = runtime.workflow_version(session, loaded.workflow_version)
    out: list[str] = []
    for t in workflow.candidates(loaded.state):
        if t.action in out:
            continue
        resolved = workflow.resolve(loaded.state, t.action, loaded.view, runtime.conditions)
        if resolved is None or _acting_role(actor, resolved, loaded.opd_id) is None:
            continue
        if not _actor_guards(actor, resolved, loaded):
            out.append(t.action)
    return out


@dataclass
class BatchItem:
    activity_id: int
    result: TransitionResult | None = None
    error: DomainError | None = None


def batch_signoff(
    session: Session,
    registry: Registry,
    actor: Actor,
    plan_id: int,
    activity_ids: Sequence[int],
    decree_number: str,
) -> list[BatchItem]:
    """Sign many activities under one decree number, each in its own transaction, so one
    failure does not undo the others."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.province_id != actor.province_id:
        raise NotFound("Rencana aksi tidak ditemukan.")
    items: list[BatchItem] = []
    for activity_id in dict.fromkeys(activity_ids):  # keeps order, drops repeats
        item = BatchItem(activity_id)
        current = session.execute(
            select(Activity.version, Activity.plan_id).where(Activity.id == activity_id)
        ).one_or_none()
        session.rollback()  # end the read so each sign-off starts its own transaction
        try:
            if current is None or current.plan_id != plan_id:
                raise NotFound("Kegiatan tidak ditemukan dalam rencana aksi ini.")
            item.result = transition(
                session,
                registry,
                actor,
                activity_id,
                "sign",
                current.version,
                {"decree_number": decree_number},
            )
        except DomainError as err:
            item.error = err
        items.append(item)
    return items
