"""Gates in the engine: who the parties are, their decisions, the checks a decision passes and
its write (``core.workflow.gate`` declares a gate; this module runs it).

A decision goes through ``transition`` like any move, with the gate's own action names. The
status codes keep their meaning: 404 not visible, 409 the gate is closed, a stale version or a
second decision by the same party, 403 not a party (another OPD's staff, the OPD's staff for its
head), 422 the note of an objection or the submitter deciding on their own activity.

Race safety: a decision bumps the activity's version under its row lock. On PostgreSQL it first
tries one statement guarded by the version the load read (nothing changed since: the counts of
its snapshot are complete); if another decision came first, it takes the lock guarded by the
gate's state and revision round and reads the visit's decisions in a fresh statement. Either
way two last concurrences are serialised and only the second sees the rule met; the unique key
(activity, stage, round, party) stops a party deciding twice. The engine's move
(``Gate.passes`` / ``Gate.objects``) is written by ``write.write`` in the same transaction,
under the same lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import acting
from core.access import Actor
from core.errors import Conflict, NotAllowed, StaleVersion, Violation
from core.messages import msg
from core.models import (
    ActingAppointment,
    GateDecision,
    Opd,
    RoleAssignment,
    User,
    UTCDateTime,
    utcnow,
)
from core.notifications import inbox
from core.plugins import ProvinceRuntime
from core.services.common import AUDIT_INSERT, activities_t, audit_row, audit_t
from core.services.transitions.load import Loaded
from core.types import ActivityView
from core.workflow import Gate, Workflow
from core.workflow.gate import CONCUR, OBJECT

decisions_t = cast(Table, GateDecision.__table__)

CLOSED = "Tahap persetujuan bersama ini sudah selesai; muat ulang lalu coba lagi."


@dataclass(frozen=True)
class Party:
    """One party of a gate: a partner OPD (decided by its Kepala OPD) or one role holder."""

    key: str  # "opd:<code>" or "user:<id>"
    label: str  # the OPD's name or the person's
    role: str
    opd_code: str | None
    user_ids: tuple[int, ...]  # who may decide for it (none: a partner OPD without a head)


@dataclass(frozen=True)
class Decision:
    party: str
    decision: str  # "concur" / "object"
    user_id: int
    user_name: str
    role: str
    opd_code: str | None
    note: str | None
    at: dt.datetime


@dataclass
class GateStatus:
    """A gate as the pages and the API show it."""

    state: str
    gate: Gate
    parties: list[Party]
    decisions: dict[str, Decision]
    available: list[str] = field(default_factory=list)  # the caller's decision actions

    @property
    def concurred(self) -> int:
        return sum(1 for d in self.decisions.values() if d.decision == CONCUR)

    @property
    def objected(self) -> int:
        return sum(1 for d in self.decisions.values() if d.decision == OBJECT)

    @property
    def needed(self) -> int:
        return self.gate.needed(len(self.parties))

    def pending(self) -> list[Party]:
        return [p for p in self.parties if p.key not in self.decisions]


def light_view(
    *, activity_id: int, province: str, opd: str, details: dict[str, Any], state: str, round_: int
) -> ActivityView:
    """What party resolution reads of an activity (its OPD and partner OPDs), for callers that
    hold a row rather than a full snapshot."""
    return ActivityView(
        id=activity_id,
        province=province,
        plan_id=0,
        opd=opd,
        title="",
        pillar="",
        details=details or {},
        years=(),
        state=state,
        revision_round=round_,
        submitted_by_id=None,
        plan_start_year=0,
        plan_end_year=0,
    )


def carried_decisions_pass(
    session: Session,
    workflow: Workflow,
    *,
    activity_id: int,
    province_id: int,
    state: str,
    revision_round: int,
    activity: ActivityView,
) -> bool:
    """Whether the decisions already given at ``state`` (this visit) meet the rule of
    ``workflow``'s gate there: a migration must not leave an activity at a gate it has passed."""
    gate = workflow.gate(state)
    if gate is None:
        return False
    given = decisions(session, activity_id, state, revision_round)
    if not given:
        return False
    parties = resolve_parties(session, province_id, gate, activity)
    keys = {p.key for p in parties}
    concurred = sum(1 for k, d in given.items() if k in keys and d.decision == CONCUR)
    objected = sum(1 for k, d in given.items() if k in keys and d.decision == OBJECT)
    return gate.is_met(concurred, objected, len(parties)) or gate.is_lost(
        concurred, objected, len(parties)
    )


# ---- parties ------------------------------------------------------------------------------


# Built once: a decision's hot path only binds values (no statement compiling per call).
_HOLDERS = (
    select(User.id, User.full_name)
    .join(RoleAssignment, RoleAssignment.user_id == User.id)
    .where(
        RoleAssignment.role == bindparam("role"),
        User.province_id == bindparam("province_id"),
        User.active.is_(True),
    )
    .distinct()
    .order_by(User.id)
)
# Who heads each partner OPD: its definitive holders of the role and whoever acts in it now
# (a Plt./Plh., ``core.acting``), so an acting head decides for the OPD like its head would.
_HEADS = union(
    select(RoleAssignment.user_id, RoleAssignment.opd_id).where(
        RoleAssignment.role == bindparam("role")
    ),
    select(ActingAppointment.user_id, ActingAppointment.opd_id).where(
        ActingAppointment.role == bindparam("role"),
        acting.in_force(bindparam("at", type_=UTCDateTime)),
    ),
).subquery("heads")
_PARTNER_HEADS = (
    select(Opd.code, Opd.name, User.id)
    .outerjoin(_HEADS, _HEADS.c.opd_id == Opd.id)
    .outerjoin(User, and_(User.id == _HEADS.c.user_id, User.active.is_(True)))
    .where(
        Opd.province_id == bindparam("province_id"),
        Opd.code.in_(bindparam("codes", expanding=True)),
    )
    .order_by(Opd.code, User.id)
)


def resolve_parties(
    session: Session, province_id: int, gate: Gate, activity: ActivityView
) -> list[Party]:
    """The parties of ``gate`` for ``activity``, in a stable order, in one query."""
    conn = session.connection()
    keys = {"role": gate.role, "province_id": province_id}
    if gate.per_holder:
        rows = conn.execute(_HOLDERS, keys).all()
        return [Party(f"user:{r.id}", r.full_name, gate.role, None, (r.id,)) for r in rows]
    codes = gate.partner_opds(activity)
    if not codes:
        return []
    names: dict[str, str] = {}
    holders: dict[str, list[int]] = {}
    for r in conn.execute(_PARTNER_HEADS, keys | {"codes": codes, "at": acting.now()}):
        names[r.code] = r.name
        if r.id is not None:
            holders.setdefault(r.code, []).append(r.id)
    return [
        Party(f"opd:{c}", names.get(c, c), gate.role, c, tuple(holders.get(c, ()))) for c in codes
    ]


def pending_user_ids(
    session: Session,
    workflow: Workflow,
    *,
    activity_id: int,
    province_id: int,
    state: str,
    revision_round: int,
    activity: ActivityView,
) -> list[int]:
    """Who may still decide for a party that has not decided (the reminders' recipients)."""
    gate = workflow.gate(state)
    if gate is None:
        return []
    given = decisions(session, activity_id, state, revision_round)
    parties = resolve_parties(session, province_id, gate, activity)
    return sorted({u for p in parties if p.key not in given for u in p.user_ids})


def party_gaps(
    session: Session, province_id: int, workflow: Workflow, activity: ActivityView
) -> list[Violation]:
    """Parties nobody can decide for (a partner OPD without a Kepala OPD, a role without
    holders), as rule violations: checked when the activity is submitted, not when it gets
    stuck at the gate."""
    out: list[Violation] = []
    for state in workflow.gated_states:
        gate = cast(Gate, state.gate)
        parties = resolve_parties(session, province_id, gate, activity)
        for p in parties:
            if not p.user_ids:
                text = msg(
                    "OPD mitra '{opd}' belum memiliki Kepala OPD yang dapat memberikan "
                    "persetujuan pada tahap '{stage}'.",
                    opd=p.label,
                    stage=state.label,
                )
                out.append(Violation("gate_party_missing", text, "details.partner_opds"))
        if gate.per_holder and (not parties or len(parties) < gate.needed(len(parties))):
            text = msg(
                "Tahap '{stage}' memerlukan pemegang peran '{role}', tetapi belum ada.",
                stage=state.label,
                role=gate.role,
            )
            out.append(Violation("gate_party_missing", text))
    return out


def _party_of(actor: Actor, parties: Sequence[Party]) -> Party | None:
    return next((p for p in parties if actor.user_id in p.user_ids), None)


# ---- decisions ----------------------------------------------------------------------------

_DECISIONS = (
    select(
        decisions_t.c.party,
        decisions_t.c.decision,
        decisions_t.c.user_id,
        User.full_name,
        decisions_t.c.role,
        decisions_t.c.opd_code,
        decisions_t.c.note,
        decisions_t.c.at,
    )
    .join(User, User.id == decisions_t.c.user_id)
    .where(
        decisions_t.c.activity_id == bindparam("activity_id"),
        decisions_t.c.stage == bindparam("stage"),
        decisions_t.c.revision_round == bindparam("round"),
    )
    .order_by(decisions_t.c.id)
)


def decisions(session: Session, activity_id: int, stage: str, round_: int) -> dict[str, Decision]:
    rows = session.execute(
        _DECISIONS, {"activity_id": activity_id, "stage": stage, "round": round_}
    ).all()
    return {r.party: Decision(*r) for r in rows}


def status(
    session: Session,
    actor: Actor | None,
    workflow: Workflow,
    *,
    activity_id: int,
    province_id: int,
    state: str,
    revision_round: int,
    submitted_by_id: int | None,
    view: ActivityView,
) -> GateStatus | None:
    """The gate the activity is at, its parties and decisions, and what ``actor`` may decide;
    None when its state has no gate."""
    gate = workflow.gate(state)
    if gate is None:
        return None
    parties = resolve_parties(session, province_id, gate, view)
    given = decisions(session, activity_id, state, revision_round)
    out = GateStatus(state, gate, parties, given)
    if actor is not None:
        mine = _party_of(actor, parties)
        if mine is not None and mine.key not in given and actor.user_id != submitted_by_id:
            out.available = list(gate.decision_actions)
    return out


def status_of(
    session: Session, workflow: Workflow, actor: Actor | None, activity: Any
) -> GateStatus | None:
    """``status`` of an ORM ``Activity`` (the pages and the API), None when not at a gate."""
    if workflow.gate(activity.state) is None:
        return None
    view = ActivityView(
        id=activity.id,
        province=workflow.province,
        plan_id=activity.plan_id,
        opd=activity.opd.code,
        title=activity.title,
        pillar=activity.pillar,
        details=activity.details or {},
        years=(),
        state=activity.state,
        revision_round=activity.revision_round,
        submitted_by_id=activity.submitted_by_id,
        plan_start_year=0,
        plan_end_year=0,
    )
    return _status_of_row(session, workflow, actor, activity, view)


def status_of_loaded(
    session: Session, workflow: Workflow, actor: Actor | None, loaded: Loaded
) -> GateStatus | None:
    """``status`` of an activity as a transition loads it, None when not at a gate."""
    if workflow.gate(loaded.state) is None:
        return None
    return _status_of_row(session, workflow, actor, loaded, loaded.view)


def _status_of_row(
    session: Session, workflow: Workflow, actor: Actor | None, row: Any, view: ActivityView
) -> GateStatus | None:
    """``status`` from what an ``Activity`` and a ``Loaded`` both carry."""
    return status(
        session,
        actor,
        workflow,
        activity_id=row.id,
        province_id=row.province_id,
        state=row.state,
        revision_round=row.revision_round,
        submitted_by_id=row.submitted_by_id,
        view=view,
    )


def pending_for(session: Session, registry: Any, actor: Actor) -> list[tuple[int, GateStatus]]:
    """The activities at a gate where ``actor`` still has a decision to give (their queue):
    (activity id, its gate), newest first."""
    from core.models import Activity

    runtime = registry.get(actor.province_code)
    codes = {s.code for s in runtime.workflow.gated_states}
    rows = (
        session.execute(
            select(Activity)
            .where(Activity.province_id == actor.province_id, Activity.state.in_(codes))
            .order_by(Activity.id.desc())
        )
        .scalars()
        .all()
    )
    out: list[tuple[int, GateStatus]] = []
    for activity in rows:
        workflow = runtime.workflow_version(session, activity.workflow_version)
        gate = status_of(session, workflow, actor, activity)
        if gate is not None and gate.available:
            out.append((activity.id, gate))
    return out


# ---- checks -------------------------------------------------------------------------------


@dataclass
class GateChecked:
    """A decision that may be written (when ``violations`` holds no error)."""

    loaded: Loaded
    runtime: ProvinceRuntime
    workflow: Workflow
    gate: Gate
    action: str
    decision: str
    party: Party
    n_parties: int
    expected_version: int
    note: str | None
    violations: list[Violation] = field(default_factory=list)


def check_decision(
    session: Session,
    runtime: ProvinceRuntime,
    workflow: Workflow,
    actor: Actor,
    loaded: Loaded,
    gate: Gate,
    action: str,
    expected_version: int,
    payload: dict[str, Any],
) -> GateChecked:
    """403 not a party; then 422 for the note and four eyes. The stale version and a second
    decision (409) are checked under the row lock, in ``write_decision``."""
    decision = gate.decision_actions[action]
    parties = resolve_parties(session, loaded.province_id, gate, loaded.view)
    party = _party_of(actor, parties)
    if party is None:
        raise NotAllowed("Anda bukan pihak yang diminta memberikan persetujuan pada tahap ini.")
    violations: list[Violation] = []
    if loaded.submitted_by_id == actor.user_id:
        text = "Kegiatan tidak dapat disetujui oleh pengguna yang mengajukannya."
        violations.append(Violation("four_eyes", text))
    note = (payload.get("comment") or "").strip() or None
    if decision == OBJECT and not note:
        violations.append(
            Violation("comment_required", "Catatan keberatan wajib diisi.", "comment")
        )
    return GateChecked(
        loaded,
        runtime,
        workflow,
        gate,
        action,
        decision,
        party,
        len(parties),
        expected_version,
        note,
        violations,
    )


# ---- write --------------------------------------------------------------------------------

# Takes the activity's row lock and bumps its version, only while it is still at this visit of
# the gate (PostgreSQL re-evaluates the WHERE after waiting for a concurrent decision's lock).
_LOCK = (
    update(activities_t)
    .where(
        activities_t.c.id == bindparam("activity_id"),
        activities_t.c.state == bindparam("stage"),
        activities_t.c.revision_round == bindparam("round"),
    )
    .values(version=activities_t.c.version + 1, updated_at=bindparam("now"))
    .returning(activities_t.c.version)
)


def _count(decision: str | None) -> Any:
    where = [
        decisions_t.c.activity_id == bindparam("activity_id"),
        decisions_t.c.stage == bindparam("stage"),
        decisions_t.c.revision_round == bindparam("round"),
    ]
    if decision is not None:
        where.append(decisions_t.c.decision == decision)
    return select(func.count()).select_from(decisions_t).where(*where).scalar_subquery()


def _tail(column: Any) -> Any:
    return (
        select(column)
        .where(audit_t.c.activity_id == bindparam("activity_id"))
        .order_by(audit_t.c.seq.desc())
        .limit(1)
        .scalar_subquery()
    )


# Read after the lock, in a statement of its own: its snapshot sees every decision committed
# before the lock was granted.
_AFTER_LOCK = select(
    _tail(audit_t.c.seq).label("seq"),
    _tail(audit_t.c.hash).label("hash"),
    _count(CONCUR).label("concurred"),
    _count(OBJECT).label("objected"),
    select(func.count())
    .select_from(decisions_t)
    .where(
        decisions_t.c.activity_id == bindparam("activity_id"),
        decisions_t.c.stage == bindparam("stage"),
        decisions_t.c.revision_round == bindparam("round"),
        decisions_t.c.party == bindparam("party"),
    )
    .scalar_subquery()
    .label("mine"),
)
_INSERT_DECISION = insert(decisions_t)
_DECISION_COLUMNS = [c.name for c in decisions_t.columns if c.name != "id"]
_AUDIT_COLUMNS = [c.name for c in audit_t.columns if c.name != "id"]


def _optimistic() -> Any:
    """PostgreSQL, the common case in one round trip: bump the version guarded by the version
    the load read (and the visit), insert the decision and its audit entry from that UPDATE's
    RETURNING, and count the visit's decisions. When the guard matches, no decision committed
    since the load (each bumps the version), so the statement's snapshot counts them all and
    the load's audit tail is current; when it does not, nothing is inserted (``moved = 0``)
    and the caller takes the lock the slow way."""
    moved = (
        update(activities_t)
        .where(
            activities_t.c.id == bindparam("activity_id"),
            activities_t.c.version == bindparam("expected"),
            activities_t.c.state == bindparam("stage"),
            activities_t.c.revision_round == bindparam("round"),
        )
        .values(version=activities_t.c.version + 1, updated_at=bindparam("now"))
        .returning(activities_t.c.id)
        .cte("moved")
    )
    decision = (
        insert(decisions_t)
        .from_select(
            _DECISION_COLUMNS,
            select(
                *(
                    bindparam(f"d_{name}", type_=decisions_t.c[name].type)
                    for name in _DECISION_COLUMNS
                )
            ).select_from(moved),
        )
        .returning(decisions_t.c.id)
        .cte("decided")
    )
    audit_values = select(
        *(bindparam(f"a_{name}", type_=audit_t.c[name].type) for name in _AUDIT_COLUMNS)
    ).select_from(moved)
    audit = insert(audit_t).from_select(_AUDIT_COLUMNS, audit_values).cte("audited")
    return (
        select(
            select(func.count()).select_from(moved).scalar_subquery().label("moved"),
            _count(CONCUR).label("concurred"),
            _count(OBJECT).label("objected"),
        )
        .add_cte(decision)
        .add_cte(audit)
    )


_OPTIMISTIC = _optimistic()


def _acting_mark(actor: Actor, c: GateChecked) -> dict[str, Any] | None:
    """The acting payload when the actor decides for the party only by an acting grant."""
    grants = [
        g
        for g in actor.grants
        if g.role == c.party.role and (c.party.opd_code is None or g.opd_code == c.party.opd_code)
    ]
    if not grants or any(g.acting is None for g in grants):
        return None
    mark = grants[0].acting
    assert mark is not None
    return acting.audit_payload(mark, c.party.role, c.runtime.roles, c.runtime.info.name)


def write_decision(session: Session, actor: Actor, c: GateChecked) -> Any:
    """Record the decision and, when it decides the gate, take the engine's move; returns the
    ``TransitionResult``."""
    # Imported here: ``checks`` and ``write`` import this module (they call into it).
    from core.services.transitions.checks import Checked
    from core.services.transitions.write import TransitionResult, write

    loaded, gate = c.loaded, c.gate
    now = utcnow()
    conn = session.connection()
    keys = {"activity_id": loaded.id, "stage": loaded.state, "round": loaded.revision_round}
    decision_row = _decision_row(keys) | {
        "party": c.party.key,
        "decision": c.decision,
        "user_id": actor.user_id,
        "role": c.party.role,
        "opd_code": c.party.opd_code,
        "note": c.note,
        "at": now,
    }

    def decision_payload() -> dict[str, Any]:
        out: dict[str, Any] = {
            "workflow_version": c.workflow.version,
            "gate": loaded.state,
            "party": c.party.key,
            "opd": c.party.opd_code,
            "decision": c.decision,
        }
        mark = _acting_mark(actor, c)
        if mark is not None:  # decided as the OPD's acting head (hashed with the entry)
            out["acting"] = mark
        return out

    def entry_after(tail: tuple[int, str] | None) -> dict[str, Any]:
        return audit_row(
            activity_id=loaded.id,
            actor_id=actor.user_id,
            actor=actor.username,
            role=c.party.role,
            action=c.action,
            from_state=loaded.state,
            to_state=loaded.state,
            comment=c.note,
            payload=decision_payload(),
            at=now,
            tail=tail,
        )

    # A second decision by the party fails on the unique key (or on ``mine`` below): no
    # savepoint, the whole transaction is rolled back.
    try:
        before: tuple[int, int] | None = None
        if conn.dialect.name == "postgresql":
            entry = entry_after(loaded.tail)
            both = {f"d_{k}": v for k, v in decision_row.items()}
            both |= {f"a_{k}": v for k, v in entry.items()}
            got = conn.execute(
                _OPTIMISTIC, both | keys | {"expected": loaded.version, "now": now}
            ).one()
            if got.moved:
                version = loaded.version + 1
                before = (int(got.concurred), int(got.objected))
        if before is None:  # another decision since the load (or SQLite): lock, then read
            locked = conn.execute(_LOCK, keys | {"now": now}).scalar()
            if locked is None:
                raise Conflict(CLOSED)
            version = int(locked)  # after this decision's bump
            after = conn.execute(_AFTER_LOCK, keys | {"party": c.party.key}).one()
            if after.mine:
                raise Conflict("Pihak Anda sudah memberikan keputusan pada tahap ini.")
            entry = entry_after((after.seq, after.hash) if after.seq is not None else None)
            before = (int(after.concurred), int(after.objected))
            conn.execute(_INSERT_DECISION, decision_row)
            conn.execute(AUDIT_INSERT, entry)
    except IntegrityError as err:  # the backstop: the same party in a race
        raise Conflict("Pihak Anda sudah memberikan keputusan pada tahap ini.") from err
    # The party has decided: what the gate asked of its users is done (the others' stays open).
    inbox.close_for(session, loaded.id, loaded.state, [*c.party.user_ids, actor.user_id], now)
    # In a gate's state only decisions bump the version (it is not editable, and every move
    # leaves it): a client that saw the visit's start, or any decision since, is current.
    entered = version - 1 - sum(before)
    if not entered <= c.expected_version <= version - 1:
        raise StaleVersion(
            "Kegiatan telah berubah sejak Anda membukanya; muat ulang lalu coba lagi."
        )
    concurred = before[0] + (1 if c.decision == CONCUR else 0)
    objected = before[1] + (1 if c.decision == OBJECT else 0)
    move_action: str | None = None
    if gate.is_met(concurred, objected, c.n_parties):
        move_action = gate.passes
    elif c.decision == OBJECT and gate.is_lost(concurred, objected, c.n_parties):
        move_action = gate.objects  # send_back: the first objection; record: out of reach
    result = TransitionResult(
        activity_id=loaded.id,
        action=c.action,
        from_state=loaded.state,
        to_state=loaded.state,
        version=version,
        seq=int(entry["seq"]),
        role=c.party.role,
    )
    if move_action is None:
        return result
    move = c.workflow.resolve(loaded.state, move_action, loaded.view, c.runtime.conditions)
    if move is None:  # a definition whose gate names a move it lacks (plugins check says so)
        return result
    at_gate = replace(loaded, version=version, tail=(int(entry["seq"]), str(entry["hash"])))
    moved = write(
        session,
        actor,
        Checked(
            at_gate,
            c.runtime,
            c.workflow,
            move,
            c.party.role,
            {},
            c.note if c.decision == OBJECT else None,
            None,
        ),
    )
    moved.action = c.action
    return moved


def _decision_row(keys: dict[str, Any]) -> dict[str, Any]:
    return {
        "activity_id": keys["activity_id"],
        "stage": keys["stage"],
        "revision_round": keys["round"],
    }
