"""Versioned workflows after the fact: which versions a database holds, what changed between
two, and moving in-flight activities (or progress reports) to another version with an explicit
state mapping.

An activity keeps the version it started on (``Activity.workflow_version``); only an operator's
``sepakat workflow migrate`` moves it, all or nothing, one audit entry per moved activity. A
progress report is the second workflow type (issue 14) and follows the same mechanism
(``REPORTS``; ``--reports`` on the command line): its versions are the report workflow's, its
audit entry goes on the report's own chain. The two types share the definitions table (a
version is a content hash), so each stored version is told apart by what uses it
(``version_kinds``). Moving an activity never touches its reports, nor the reverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from core.errors import DomainError
from core.models import (
    Activity,
    ActivityYear,
    Opd,
    ProgressReport,
    Province,
    ReportAuditEntry,
    WorkflowDefinition,
    utcnow,
)
from core.plugins import ProvinceRuntime
from core.services.common import Chain, append_audit
from core.unit_of_work import unit_of_work
from core.workflow import State, Transition, Workflow

MIGRATE_ACTION = "migrate_workflow"
SYSTEM_ROLE = "sistem"


@dataclass(frozen=True)
class Kind:
    """A workflow type as versions and migration see it: its rows, its chain, its current
    definition, and what its messages call one of its rows."""

    code: str  # "activity", "report" (the chain's subject)
    noun: str  # "kegiatan", "laporan"
    model: type[Activity] | type[ProgressReport]
    chain: Chain | None  # its audit chain (None: the activity's, ``append_audit``'s default)
    current: Callable[[ProvinceRuntime], Workflow]
    # Only an activity books pagu and collects gate decisions: the refusals that guard them.
    activity_only: bool = False

    @property
    def table(self) -> Table:
        return cast(Table, self.model.__table__)


ACTIVITIES = Kind("activity", "kegiatan", Activity, None, lambda r: r.workflow, True)
REPORTS = Kind(
    "report",
    "laporan",
    ProgressReport,
    (cast(Table, ReportAuditEntry.__table__), "report_id", "report"),  # reports.CHAIN
    lambda r: r.report_workflow,
)
KINDS: tuple[Kind, ...] = (ACTIVITIES, REPORTS)  # a third workflow type adds its Kind here


@dataclass(frozen=True)
class StoredVersion:
    version: str
    created_at: dt.datetime | None  # None: the current version, not stored yet
    activities: int  # the rows on it: activities, or reports for ``REPORTS``
    current: bool


def _counts(session: Session, runtime: ProvinceRuntime, kind: Kind) -> dict[str, int]:
    m = kind.model
    return dict(
        session.execute(
            select(m.workflow_version, func.count())
            .join(Province, Province.id == m.province_id)
            .where(Province.code == runtime.code)
            .group_by(m.workflow_version)
        ).all()
    )


def version_kinds(session: Session, runtime: ProvinceRuntime) -> dict[str, Kind]:
    """Which workflow type each stored version is: the one its definition names
    (``Workflow.subject``, stored for every type but the activity's, whose definitions read
    as they always did), and each current definition's own."""
    definitions = session.execute(
        select(WorkflowDefinition.version, WorkflowDefinition.definition).where(
            WorkflowDefinition.province_code == runtime.code
        )
    ).all()
    by_code = {kind.code: kind for kind in KINDS}
    out = {
        version: by_code.get((data or {}).get("subject", ACTIVITIES.code), ACTIVITIES)
        for version, data in definitions
    }
    for kind in KINDS:
        out.setdefault(kind.current(runtime).version, kind)
    return out


def stored_versions(
    session: Session, runtime: ProvinceRuntime, kind: Kind = ACTIVITIES
) -> list[StoredVersion]:
    """The province's stored versions of ``kind`` (the activity workflow unless told), oldest
    first, with how many of its rows use each; the current version is last if the database
    has not stored it yet."""
    counts = _counts(session, runtime, kind)
    kinds = version_kinds(session, runtime)
    rows = session.execute(
        select(WorkflowDefinition.version, WorkflowDefinition.created_at)
        .where(WorkflowDefinition.province_code == runtime.code)
        .order_by(WorkflowDefinition.created_at, WorkflowDefinition.version)
    ).all()
    current = kind.current(runtime).version
    out = [
        StoredVersion(v, at, counts.get(v, 0), v == current) for v, at in rows if kinds[v] is kind
    ]
    if current not in {s.version for s in out}:
        out.append(StoredVersion(current, None, counts.get(current, 0), True))
    return out


def load_version(session: Session, runtime: ProvinceRuntime, version: str) -> Workflow:
    try:
        return runtime.workflow_version(session, version)
    except NoResultFound:
        raise DomainError(f"Versi alur '{version}' tidak dikenal untuk {runtime.code}.") from None


@dataclass
class WorkflowDiff:
    old: str
    new: str
    states_added: list[State] = field(default_factory=list)
    states_removed: list[State] = field(default_factory=list)
    states_changed: list[tuple[State, State]] = field(default_factory=list)
    transitions_added: list[Transition] = field(default_factory=list)
    transitions_removed: list[Transition] = field(default_factory=list)
    transitions_changed: list[tuple[Transition, Transition]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.states_added,
                self.states_removed,
                self.states_changed,
                self.transitions_added,
                self.transitions_removed,
                self.transitions_changed,
            )
        )

    def lines(self) -> list[str]:
        """The difference as a reader wants it: ``+`` added, ``-`` removed, ``~`` changed."""
        out: list[str] = []
        out += [f"+ status {s.code} ({s.label}){_gate_text(s)}" for s in self.states_added]
        out += [f"- status {s.code} ({s.label})" for s in self.states_removed]
        out += [
            f"~ status {a.code}: {_changes(asdict(a), asdict(b))}" for a, b in self.states_changed
        ]
        out += [f"+ transisi {_transition(t)}" for t in self.transitions_added]
        out += [f"- transisi {_transition(t)}" for t in self.transitions_removed]
        out += [
            f"~ transisi {_key_text(a)}: {_changes(asdict(a), asdict(b))}"
            for a, b in self.transitions_changed
        ]
        return out


def _gate_text(state: State) -> str:
    """A gate as ``workflow diff`` shows it: who decides, the rule, what an objection does."""
    g = state.gate
    if g is None:
        return ""
    rule = f"kuorum {g.quorum}" if g.rule == "quorum" else "semua"
    return (
        f" · gerbang: {g.parties}, {rule}, keberatan {g.on_objection}; "
        f"{g.concur_action}/{g.object_action} → {g.passes}"
        + (f" / {g.objects}" if g.objects else "")
    )


def _transition(t: Transition) -> str:
    when = f" jika {t.when}" if t.when else ""
    return f"{t.action}: {t.source} → {t.target}{when} oleh {', '.join(t.roles)} ({t.label})"


def _key_text(t: Transition) -> str:
    return f"{t.action} dari {t.source}" + (f" jika {t.when}" if t.when else "")


def _changes(old: dict[str, object], new: dict[str, object]) -> str:
    return "; ".join(f"{k} {old[k]!r} → {new[k]!r}" for k in old if old[k] != new[k])


def _key(t: Transition) -> tuple[str, str, str | None]:
    return (t.action, t.source, t.when)


def diff_workflows(old: Workflow, new: Workflow) -> WorkflowDiff:
    diff = WorkflowDiff(old.version, new.version)
    old_states = {s.code: s for s in old.states}
    new_states = {s.code: s for s in new.states}
    diff.states_added = [s for c, s in new_states.items() if c not in old_states]
    diff.states_removed = [s for c, s in old_states.items() if c not in new_states]
    diff.states_changed = [
        (s, new_states[c]) for c, s in old_states.items() if c in new_states and s != new_states[c]
    ]
    old_t = {_key(t): t for t in old.transitions}
    new_t = {_key(t): t for t in new.transitions}
    diff.transitions_added = [t for k, t in new_t.items() if k not in old_t]
    diff.transitions_removed = [t for k, t in old_t.items() if k not in new_t]
    diff.transitions_changed = [
        (t, new_t[k]) for k, t in old_t.items() if k in new_t and t != new_t[k]
    ]
    return diff


@dataclass(frozen=True)
class Move:
    activity_id: int  # the activity moved, or the moved report's activity
    title: str
    from_version: str
    from_state: str
    to_state: str
    report_id: int | None = None  # a progress report's move (``REPORTS``)

    @property
    def row_id(self) -> int:
        """The id of the row moved: the report's, or the activity's."""
        return self.report_id if self.report_id is not None else self.activity_id


class MigrationRefused(DomainError):
    """Nothing moved: every reason is listed."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _candidates(session: Session, runtime: ProvinceRuntime, kind: Kind, to_version: str) -> Any:
    """The kind's rows of the province not on ``to_version``, oldest first, with what the
    refusals need (an activity's OPD, details and round; a report's activity and period)."""
    if kind.activity_only:
        return session.execute(
            select(
                Activity.id,
                Activity.id.label("activity_id"),
                Activity.title,
                Activity.workflow_version,
                Activity.state,
                Activity.province_id,
                Activity.revision_round,
                Activity.details,
                Opd.code.label("opd"),
            )
            .join(Province, Province.id == Activity.province_id)
            .join(Opd, Opd.id == Activity.opd_id)
            .where(Province.code == runtime.code, Activity.workflow_version != to_version)
            .order_by(Activity.id)
        ).all()
    r = ProgressReport
    return session.execute(
        select(r.id, r.activity_id, Activity.title, r.year, r.period, r.workflow_version, r.state)
        .join(Activity, Activity.id == r.activity_id)
        .join(Province, Province.id == r.province_id)
        .where(Province.code == runtime.code, r.workflow_version != to_version)
        .order_by(r.id)
    ).all()


def plan_migration(
    session: Session,
    runtime: ProvinceRuntime,
    to_version: str,
    mapping: Mapping[str, str],
    kind: Kind = ACTIVITIES,
) -> list[Move]:
    """The moves ``migrate`` would make, or ``MigrationRefused`` listing every unmapped state
    and every mapping it cannot honour."""
    target = load_version(session, runtime, to_version)
    reasons: list[str] = []
    of_kind = version_kinds(session, runtime).get(to_version, kind)
    if of_kind is not kind:
        reasons.append(
            f"Versi {to_version} adalah alur {of_kind.noun}, bukan alur {kind.noun}"
            + ("; tambahkan --reports." if kind.activity_only else "; tanpa --reports.")
        )
        raise MigrationRefused(reasons)
    for old, new in sorted(mapping.items()):
        state = target.state(new)
        if state is None:
            reasons.append(f"Pemetaan {old}={new}: status '{new}' tidak ada di versi {to_version}.")
        elif state.final:
            # A final state is reached by a decision (sign, reject), never by an operator.
            reasons.append(f"Pemetaan {old}={new}: tidak boleh memindahkan ke status akhir.")
    rows = _candidates(session, runtime, kind, to_version)
    booked = (
        set(
            session.execute(
                select(ActivityYear.activity_id).where(
                    ActivityYear.confirmed_budget.is_not(None),
                    ActivityYear.activity_id.in_([r.id for r in rows]),
                )
            ).scalars()
        )
        if kind.activity_only
        else set()
    )
    noun = kind.noun.capitalize()
    moves: list[Move] = []
    unmapped: dict[str, list[int]] = {}
    for row in rows:
        source = load_version(session, runtime, row.workflow_version)
        current = source.state(row.state)
        if current is not None and current.final:
            continue  # finished: its history stays on the route it took
        to_state = mapping.get(row.state) or (row.state if target.state(row.state) else None)
        if to_state is None:
            unmapped.setdefault(row.state, []).append(row.id)
            continue
        if row.id in booked and _before_confirmation(target, to_state):
            reasons.append(
                f"{noun} {row.id}: anggarannya sudah dikonfirmasi; '{to_state}' akan "
                "mengonfirmasinya lagi. Kembalikan melalui alur atau petakan ke tahap sesudahnya."
            )
        if (
            kind.activity_only
            and to_state == row.state
            and _gate_decided(session, runtime, target, row)
        ):
            reasons.append(
                f"{noun} {row.id}: keputusan yang sudah diberikan di '{to_state}' memenuhi "
                "(atau menggagalkan) aturan gerbang versi baru. Petakan ke tahap sesudahnya "
                "atau sebelumnya."
            )
        if kind.activity_only:
            title, report_id = row.title, None
        else:
            title, report_id = f"{row.title} ({row.period} {row.year})", row.id
        moves.append(
            Move(row.activity_id, title, row.workflow_version, row.state, to_state, report_id)
        )
    for code, ids in sorted(unmapped.items()):
        reasons.append(
            f"Status '{code}' tidak ada di versi {to_version} dan tidak dipetakan "
            f"(--map {code}=STATUS_BARU): {kind.noun} {', '.join(map(str, ids))}."
        )
    if reasons:
        raise MigrationRefused(reasons)
    return moves


def _gate_decided(session: Session, runtime: ProvinceRuntime, target: Workflow, row: Any) -> bool:
    """An activity staying at a gate keeps the decisions of its visit (they are keyed by the
    state and the revision round); they must not already decide the new gate's rule, which
    only a decision would act on."""
    from core.services.transitions import gates  # the engine's; it imports this package's deps

    view = gates.light_view(
        activity_id=row.id,
        province=runtime.code,
        opd=row.opd,
        details=row.details,
        state=row.state,
        round_=row.revision_round,
    )
    return gates.carried_decisions_pass(
        session,
        target,
        activity_id=row.id,
        province_id=row.province_id,
        state=row.state,
        revision_round=row.revision_round,
        activity=view,
    )


def _before_confirmation(workflow: Workflow, state_code: str) -> bool:
    state = workflow.state(state_code)
    books = any(t.books_budget for t in workflow.candidates(state_code))
    return bool(state and state.editable) or books


def migrate(
    session: Session,
    runtime: ProvinceRuntime,
    to_version: str,
    mapping: Mapping[str, str],
    *,
    actor: str,
    dry_run: bool = False,
    kind: Kind = ACTIVITIES,
) -> list[Move]:
    """Move every in-flight row of ``kind`` (activities unless told) of the province to
    ``to_version`` in one transaction, an audit entry each on the row's chain; with
    ``dry_run`` only report the moves."""
    if dry_run:
        try:
            return plan_migration(session, runtime, to_version, mapping, kind)
        finally:
            session.rollback()  # a dry run leaves nothing behind, not even the read
    table = kind.table
    with unit_of_work(session):
        moves = plan_migration(session, runtime, to_version, mapping, kind)
        current = kind.current(runtime)
        if to_version == current.version:
            # Moved rows must find their definition from any process.
            runtime.register_current_workflow(session, current)
        now = utcnow()
        for move in moves:
            values: dict[str, object] = {
                "workflow_version": to_version,
                "state": move.to_state,
                "version": table.c.version + 1,
                "updated_at": now,
            }
            if move.to_state != move.from_state:
                values["state_changed_at"] = now
            # Guarded like a transition: a row that moved meanwhile aborts the whole run.
            res = session.execute(
                update(table)
                .where(
                    table.c.id == move.row_id,
                    table.c.workflow_version == move.from_version,
                    table.c.state == move.from_state,
                )
                .values(**values)
            )
            if res.rowcount != 1:  # type: ignore[attr-defined]
                raise MigrationRefused(
                    [
                        f"{kind.noun.capitalize()} {move.row_id} berubah selama migrasi; "
                        "ulangi perintahnya."
                    ]
                )
            append_audit(
                session,
                chain=kind.chain,
                activity_id=move.row_id,
                actor_id=None,
                actor=actor,
                role=SYSTEM_ROLE,
                action=MIGRATE_ACTION,
                from_state=move.from_state,
                to_state=move.to_state,
                comment=f"Dipindahkan dari alur versi {move.from_version} ke {to_version}.",
                payload={"from_version": move.from_version, "workflow_version": to_version},
                at=now,
            )
    return moves
