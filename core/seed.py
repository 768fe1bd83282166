"""Bringing a database in line with the installed provinces, and the demo data.

``sync_provinces`` creates what plugins declare (province, OPDs, plans) and never deletes.
``seed_demo`` adds each province's demo users, pagu and activities; it is idempotent: users and
pagu are matched by key, and activities are only created for a province that has none. A
province whose first plan runs past the current year gets a planning calendar for that plan's
last year only (``demo_calendar``), so every demo activity keeps moving as before.

A signed demo activity's progress reports (``DemoActivity.reports``) are filed and walked
through the report workflow by the demo users, through ``core.services.reports`` as a user's
would be, for a province that has no report yet: a database seeded before reports existed gets
them on its next ``seed-demo``, and a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access import Actor, load_actor
from core.deadlines import WindowKind
from core.models import (
    Activity,
    Ceiling,
    Opd,
    Plan,
    PlanningWindow,
    ProgressReport,
    Province,
    RoleAssignment,
    User,
    utcnow,
)
from core.plugins import ProvinceRuntime, Registry
from core.security import MIN_PASSWORD_LENGTH, hash_password
from core.services.activities import create_activity
from core.services.opds import seeded_sipd_codes
from core.services.reports import create_report, transition_report
from core.services.transitions import batch_signoff, transition
from core.timezones import local_date
from core.types import DemoActivity, DemoData, DemoReport
from core.workflow import Gate, StateKind, Transition

# The demo's notes on moves that need one: sending back, and any other (a rejection).
DEMO_NOTES = {
    "sends_back": "Mohon lengkapi rincian sasaran per kabupaten/kota dan sesuaikan indikator.",
    "other": "Belanja modal tidak sesuai dengan fokus RAD P3AKS; usulkan melalui program lain.",
}
# A demo progress report sent back: what a reviewer asks of the OPD.
DEMO_REPORT_NOTE = (
    "Lampirkan daftar hadir dan foto kegiatan, dan sesuaikan realisasi anggaran dengan SP2D."
)


@dataclass
class SeedReport:
    provinces: int = 0
    opds: int = 0
    plans: int = 0
    users: int = 0
    ceilings: int = 0
    activities: int = 0
    reports: int = 0


def _province_row(session: Session, runtime: ProvinceRuntime, report: SeedReport) -> Province:
    province = session.execute(
        select(Province).where(Province.code == runtime.code)
    ).scalar_one_or_none()
    if province is None:
        province = Province(
            code=runtime.code, name=runtime.info.name, timezone=runtime.info.timezone
        )
        session.add(province)
        session.flush()
        report.provinces += 1
    elif province.timezone != runtime.info.timezone:
        # The plugin's declaration is the truth; the row is delivery's copy of it.
        province.timezone = runtime.info.timezone
    return province


def sync_provinces(session: Session, registry: Registry) -> SeedReport:
    report = SeedReport()
    for runtime in registry:
        province = _province_row(session, runtime, report)
        _sync_opds(session, runtime, province, report)
        plans = set(
            session.execute(select(Plan.code).where(Plan.province_id == province.id)).scalars()
        )
        for p in runtime.info.plans:
            if p.code not in plans:
                session.add(
                    Plan(
                        province_id=province.id,
                        code=p.code,
                        title=p.title,
                        decree_number=p.decree_number,
                        decree_date=p.decree_date,
                        start_year=p.start_year,
                        end_year=p.end_year,
                    )
                )
                report.plans += 1
        runtime.register_current_workflow(session)
    session.commit()
    return report


def _sync_opds(
    session: Session, runtime: ProvinceRuntime, province: Province, report: SeedReport
) -> None:
    """Create the plugin's OPDs that are missing, with their SIPD unit codes. A row that exists
    is left as it is (never renamed, reactivated or re-coded), except that one nobody has
    administered yet (``updated_at`` unset) gets the plugin's SIPD code if it has none: that
    is how an upgraded database learns the codes, without ever undoing an admin's change."""
    existing = {
        o.code: o
        for o in session.execute(select(Opd).where(Opd.province_id == province.id)).scalars()
    }
    sipd = seeded_sipd_codes(runtime)
    taken: set[str | None] = {o.sipd_code for o in existing.values() if o.sipd_code}
    for opd in runtime.reference.lists.get("opds", []):
        code = sipd.get(opd.code)
        row = existing.get(opd.code)
        if row is None:
            session.add(
                Opd(
                    province_id=province.id,
                    code=opd.code,
                    name=opd.label,
                    sipd_code=code if code not in taken else None,
                )
            )
            report.opds += 1
        elif row.updated_at is None and row.sipd_code is None and code and code not in taken:
            row.sipd_code = code
        else:
            continue
        taken.add(code)


DEMO_PASSWORD = "sepakat"


class WeakDemoPassword(ValueError):
    """A chosen demo password shorter than the policy's minimum (the demo's own is allowed:
    it is printed on the screen and in the README, so it protects nothing anyway)."""


def check_demo_password(password: str) -> None:
    if password != DEMO_PASSWORD and len(password) < MIN_PASSWORD_LENGTH:
        raise WeakDemoPassword(
            f"Kata sandi demo minimal {MIN_PASSWORD_LENGTH} karakter (atau biarkan bawaan "
            f"'{DEMO_PASSWORD}')."
        )


def seed_demo(session: Session, registry: Registry, password: str = DEMO_PASSWORD) -> SeedReport:
    check_demo_password(password)
    report = sync_provinces(session, registry)
    for runtime in registry:
        demo = runtime.pm.hook.demo_data()
        if demo is None:
            continue
        province = session.execute(
            select(Province).where(Province.code == runtime.code)
        ).scalar_one()
        opds = {
            o.code: o
            for o in session.execute(select(Opd).where(Opd.province_id == province.id)).scalars()
        }
        users: dict[str, User] = {}
        for du in demo.users:
            user = session.execute(
                select(User).where(User.username == du.username)
            ).scalar_one_or_none()
            if user is None:
                user = User(
                    username=du.username,
                    full_name=du.full_name,
                    email=du.email,
                    nip=du.nip,
                    password_hash=hash_password(password),
                    province_id=province.id,
                )
                user.roles.append(
                    RoleAssignment(
                        role=du.role,
                        province_id=province.id,
                        opd_id=opds[du.opd].id if du.opd else None,
                    )
                )
                session.add(user)
                report.users += 1
            users[du.username] = user
        for opd_code, per_year in demo.ceilings.items():
            for year, amount in per_year.items():
                found = session.execute(
                    select(Ceiling).where(Ceiling.opd_id == opds[opd_code].id, Ceiling.year == year)
                ).scalar_one_or_none()
                if found is None:
                    session.add(Ceiling(opd_id=opds[opd_code].id, year=year, amount=amount))
                    report.ceilings += 1
        session.commit()
        count = session.execute(
            select(func.count()).select_from(Activity).where(Activity.province_id == province.id)
        ).scalar_one()
        if count == 0:
            report.activities += _demo_activities(session, registry, runtime, demo, users)
        report.reports += _demo_reports(session, registry, runtime, demo, users, province)
        demo_calendar(session, province)
    return report


# A typical cycle: OPDs submit in the first quarter, Bappeda verifies until the end of April,
# the decree by the end of June (month, day of the first and last day of each window).
DEMO_WINDOWS = {
    WindowKind.SUBMISSION: ((1, 2), (3, 15)),
    WindowKind.VERIFICATION: ((3, 16), (4, 30)),
    WindowKind.SIGNOFF: ((5, 2), (6, 30)),
}


def demo_calendar(session: Session, province: Province) -> int:
    """The windows of the last year of the province's first plan, when that year is still to
    come in the province's zone and the province has no calendar yet; the number of windows
    written."""
    has_any = session.execute(
        select(PlanningWindow.id).where(PlanningWindow.province_id == province.id).limit(1)
    ).first()
    plan = (
        session.execute(select(Plan).where(Plan.province_id == province.id).order_by(Plan.id))
        .scalars()
        .first()
    )
    this_year = local_date(utcnow(), province.timezone).year
    if has_any is not None or plan is None or plan.end_year <= this_year:
        return 0
    year = plan.end_year
    for kind, ((m1, d1), (m2, d2)) in DEMO_WINDOWS.items():
        session.add(
            PlanningWindow(
                province_id=province.id,
                year=year,
                kind=str(kind),
                starts_on=dt.date(year, m1, d1),
                ends_on=dt.date(year, m2, d2),
            )
        )
    session.commit()
    return len(DEMO_WINDOWS)


def _demo_note(t: Transition) -> str | None:
    if not t.comment_required:
        return None
    return DEMO_NOTES["sends_back" if t.sends_back else "other"]


def _demo_activities(
    session: Session,
    registry: Registry,
    runtime: ProvinceRuntime,
    demo: DemoData,
    users: dict[str, User],
) -> int:
    plan = (
        session.execute(
            select(Plan)
            .join(Province, Province.id == Plan.province_id)
            .where(Province.code == runtime.code)
            .order_by(Plan.id)
        )
        .scalars()
        .first()
    )
    if plan is None:
        return 0
    actors = {name: load_actor(session, u.id, runtime.opd_roles) for name, u in users.items()}
    actor_for = _cast(demo, runtime, actors)
    created = 0
    # The demo's signing moves are taken together at the end, as the governor's batch
    # sign-off under the demo decree: one sealed sign-off, one lampiran, one code to check.
    to_sign: list[int] = []
    signer: Actor | None = None
    for da in demo.activities:
        staff = actor_for("opd_staff", da.opd)
        activity = create_activity(
            session,
            registry,
            staff,
            {
                "plan_id": plan.id,
                "title": da.title,
                "description": da.description,
                "pillar": da.pillar,
                "years": [{"year": y, "target": t, "proposed_budget": b} for (y, t, b) in da.years],
                "details": da.details,
            },
        )
        activity_id, version, state = activity.id, activity.version, activity.state
        for action in da.path:
            gate = runtime.workflow.gate(state)
            if gate is not None and action in gate.decision_actions:
                # A gate's decision in a demo path: every party gives it (the last one moves it).
                for party in _demo_parties(demo, gate, da, runtime.opd_roles):
                    result = transition(
                        session,
                        registry,
                        actors[party],
                        activity_id,
                        action,
                        version,
                        {"comment": "Catatan demo dari pihak yang diminta persetujuan."},
                    )
                    version, state = result.version, result.to_state
                continue
            t = next(c for c in runtime.workflow.candidates(state, action))
            actor = actor_for(t.roles[0], da.opd)
            if t.requires_decree:  # the path's last step: signed with the others below
                to_sign.append(activity_id)
                signer = actor
                break
            result = transition(
                session,
                registry,
                actor,
                activity_id,
                action,
                version,
                {"comment": _demo_note(t), "decree_number": demo.decree_number},
            )
            version, state = result.version, result.to_state
        created += 1
    if to_sign and signer is not None:
        batch_signoff(session, registry, signer, plan.id, to_sign, demo.decree_number)
    return created


ActorFor = Callable[[str, str], Actor]


def _cast(demo: DemoData, runtime: ProvinceRuntime, actors: dict[str, Actor]) -> ActorFor:
    """Who plays a role for an OPD in the demo: the first demo user with the role (of that OPD
    when the role is OPD-scoped)."""

    def actor_for(role: str, opd: str) -> Actor:
        for du in demo.users:
            if du.role == role and (role not in runtime.opd_roles or du.opd == opd):
                return actors[du.username]
        raise LookupError(f"no demo user with role {role} for {opd}")

    return actor_for


def _demo_reports(
    session: Session,
    registry: Registry,
    runtime: ProvinceRuntime,
    demo: DemoData,
    users: dict[str, User],
    province: Province,
) -> int:
    """File the demo activities' reports and walk each along its path, when the province has
    no report yet; the number filed. A demo activity is found by its OPD and title, and only
    once signed (the plugin's demo path signs it): reports are on the signed plan only."""
    wanted = [da for da in demo.activities if da.reports]
    if not wanted:
        return 0
    has_any = session.execute(
        select(ProgressReport.id).where(ProgressReport.province_id == province.id).limit(1)
    ).first()
    if has_any is not None:
        return 0
    rows = session.execute(
        select(Activity.id, Activity.title, Activity.state, Activity.workflow_version, Opd.code)
        .join(Opd, Opd.id == Activity.opd_id)
        .where(Activity.province_id == province.id, Activity.discarded_at.is_(None))
        .order_by(Activity.id)
    ).all()
    signed: dict[tuple[str, str], int] = {}
    for activity_id, title, state, version, opd in rows:
        if runtime.workflow_version(session, version).kind(state) is StateKind.APPROVED:
            signed.setdefault((opd, title), activity_id)
    actors = {name: load_actor(session, u.id, runtime.opd_roles) for name, u in users.items()}
    actor_for = _cast(demo, runtime, actors)
    filed = 0
    for da in wanted:
        found = signed.get((da.opd, da.title))
        if found is None:
            continue  # not signed here (changed since, or an older demo): nothing to report on
        for dr in da.reports:
            _demo_report(session, registry, runtime, actor_for, da.opd, found, dr)
            filed += 1
    return filed


def _demo_report(
    session: Session,
    registry: Registry,
    runtime: ProvinceRuntime,
    actor_for: ActorFor,
    opd: str,
    activity_id: int,
    dr: DemoReport,
) -> None:
    """One demo report: filed as a draft by the OPD's operator, then moved along ``dr.path``
    (each move by the demo user of its transition's first role; a note where one is needed)."""
    workflow = runtime.report_workflow
    report = create_report(
        session,
        registry,
        actor_for("opd_staff", opd),
        {"activity_id": activity_id, "year": dr.year, "period": dr.period, **dr.fields},
    )
    report_id, version, state = report.id, report.version, report.state
    for action in dr.path:
        t = next(c for c in workflow.candidates(state, action))
        actor = actor_for(t.roles[0], opd)
        payload = {"comment": DEMO_REPORT_NOTE if t.comment_required else None}
        result = transition_report(session, registry, actor, report_id, action, version, payload)
        version, state = result.version, result.to_state


def _demo_parties(
    demo: DemoData, gate: Gate, activity: DemoActivity, opd_roles: frozenset[str]
) -> list[str]:
    """The demo users who decide ``gate`` for a demo activity: the head of each partner OPD,
    or the holders of the role (as many as a quorum needs)."""
    if gate.per_holder:
        holders = [u.username for u in demo.users if u.role == gate.role]
        return holders[: gate.needed(len(holders))]
    partners = [c for c in activity.details.get("partner_opds") or [] if c != activity.opd]
    heads = {u.opd: u.username for u in reversed(demo.users) if u.role == gate.role}
    return [heads[code] for code in dict.fromkeys(partners) if code in heads]
