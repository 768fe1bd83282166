"""The consolidation of progress reports (issue 14): what the Pokja P3AKS reports to the governor
per plan, year and reporting period, and what Bappeda and the governor read on *Pemantauan*.

For one period of one plan year, over the signed activities of that year the actor may see:

- **budget realisation**: the sum of ``budget_realised`` of the *accepted* reports (the state of
  kind ``approved`` of each report's own workflow version; no state is named here) against the
  confirmed budget of that year, per pillar, per OPD, per activity and in total. A report states
  what was spent so far in the year, so the periods of a year are never added up;
- **output realisation**: per activity the accepted report's realised output as a share of its
  target; per pillar, OPD and in total the mean of those shares (outputs are counted in
  different units, so they cannot be summed);
- **reports by status**: every report of the period by the label of its state (and its kind),
  and the signed activities that have none;
- **missing reports**: once the period's due date has passed (``today`` in the province's zone),
  the signed activities with no report or with one still in a drafting state;
- **the series**: budget realisation per pillar for every period of the plan's years that has
  started by ``today``.

Without filters: the province's first plan, and the latest period that has ended in a year
with signed activities.

Scope: the province's activities for a province-wide role (the Pokja, Bappeda, the governor,
the auditor, the admin); an OPD-scoped role (the OPD's operator or head) gets the same
consolidation over its own OPDs only (``Consolidation.province_wide`` says which). Another
province's plan is not found. Bad filters are one ``RuleFailed`` naming each of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor, activity_scope
from core.deadlines import report_windows
from core.errors import NotFound, RuleFailed, Violation
from core.messages import N_, msg
from core.models import Activity, ActivityYear, Opd, Plan, ProgressReport, utcnow
from core.plugins import ProvinceRuntime, Registry
from core.services import report_periods, state_kinds
from core.timezones import local_date
from core.types import ReportingPeriod
from core.workflow import StateKind

NO_PLAN = "Rencana aksi tidak ditemukan."
TOTAL_LABEL = "Jumlah seluruhnya"


@dataclass(frozen=True)
class Filters:
    """What the caller asked for; ``None`` picks the default (``resolve``)."""

    plan_id: int | None = None
    year: int | None = None
    period: str | None = None


def percent(part: float, whole: float) -> float | None:
    """``part`` as a percentage of ``whole``; None when there is nothing to measure against."""
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True)
class ActivityLine:
    """One signed activity of the year and its report of the period (if any)."""

    activity_id: int
    registration_number: str | None
    title: str
    pillar: str
    pillar_label: str
    opd_code: str
    opd_name: str
    confirmed: int  # the year's confirmed budget
    report_id: int | None
    state_label: str | None  # of the report, None without one
    state_kind: str | None
    accepted: bool
    realised: int  # counted only when accepted (else 0)
    output_target: float | None
    output_realised: float | None
    output_unit: str

    @property
    def budget_percent(self) -> float | None:
        return percent(self.realised, self.confirmed) if self.accepted else None

    @property
    def output_percent(self) -> float | None:
        if not self.accepted or self.output_realised is None or not self.output_target:
            return None
        return percent(self.output_realised, self.output_target)


@dataclass(frozen=True)
class Group:
    """Sums over a set of activity lines: a pillar, an OPD, or all of them (``code`` empty)."""

    code: str
    label: str
    activities: int
    accepted: int  # activities whose report of the period is accepted
    confirmed: int
    realised: int
    output_percent: float | None  # the mean of the accepted reports' output shares

    @property
    def budget_percent(self) -> float | None:
        return percent(self.realised, self.confirmed)


def group(code: str, label: str, lines: Sequence[ActivityLine]) -> Group:
    shares = [s for s in (line.output_percent for line in lines) if s is not None]
    return Group(
        code=code,
        label=label,
        activities=len(lines),
        accepted=sum(1 for line in lines if line.accepted),
        confirmed=sum(line.confirmed for line in lines),
        realised=sum(line.realised for line in lines),
        output_percent=sum(shares) / len(shares) if shares else None,
    )


@dataclass(frozen=True)
class StatusCount:
    label: str  # the state's label (Bahasa Indonesia, as the workflow has it)
    kind: str | None  # its StateKind value
    count: int


@dataclass(frozen=True)
class Missing:
    """A signed activity whose report of the period is overdue."""

    activity_id: int
    registration_number: str | None
    title: str
    opd_name: str
    pillar_label: str
    report_id: int | None  # a report still in drafting, else None
    state_label: str | None
    days_late: int


@dataclass(frozen=True)
class PeriodRef:
    year: int
    code: str
    label: str

    @property
    def name(self) -> str:
        """``Semester I 2023``: what a chart's axis and a heading say."""
        return f"{self.label} {self.year}"


@dataclass(frozen=True)
class SeriesPoint:
    """Budget realisation per pillar (in the reference's order) in one period."""

    period: PeriodRef
    pillars: list[Group]


@dataclass(frozen=True)
class Consolidation:
    province: str
    timezone: str
    plan_id: int
    plan_code: str
    plan_title: str
    year: int
    period: ReportingPeriod
    today: dt.date
    province_wide: bool
    pillars: list[Group]
    opds: list[Group]
    activities: list[ActivityLine]
    total: Group
    statuses: list[StatusCount]
    unreported: int  # signed activities with no report of the period at all
    missing: list[Missing]
    series: list[SeriesPoint]
    periods: list[PeriodRef] = field(default_factory=list)  # every period of the plan (filters)

    @property
    def overdue(self) -> bool:
        """Whether the period's due date has passed (``missing`` is listed only then)."""
        return self.today > self.period.due_on

    @property
    def reports(self) -> int:
        return sum(s.count for s in self.statuses)


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Report:
    id: int
    period: str
    state_label: str
    kind: StateKind | None
    realised: int | None
    output_target: float | None
    output_realised: float | None
    output_unit: str


@dataclass(frozen=True)
class _Signed:
    """A signed activity as a report line needs it (plain values: the dashboard's card reads
    every signed activity of the province, tens of thousands at national scale, and ORM objects
    cost it seconds; issue 17)."""

    id: int
    registration_number: str | None
    title: str
    pillar: str
    opd_code: str
    opd_name: str
    confirmed: int


class _Reader:
    """Reads a plan year once (its signed activities and all their reports), for every period
    of it the consolidation or the series asks about."""

    def __init__(
        self, session: Session, runtime: ProvinceRuntime, actor: Actor, plan: Plan
    ) -> None:
        self.session, self.runtime, self.actor, self.plan = session, runtime, actor, plan
        self.pillar_labels = {c.code: c.label for c in runtime.reference.lists.get("pillars", [])}
        self._years: dict[int, tuple[list[_Signed], dict[tuple[int, str], _Report]]] = {}

    def _signed(self, year: int) -> list[_Signed]:
        rows = self.session.execute(
            select(
                Activity.id,
                Activity.registration_number,
                Activity.title,
                Activity.pillar,
                Opd.code,
                Opd.name,
                Activity.state,
                Activity.workflow_version,
                ActivityYear.confirmed_budget,
            )
            .join(ActivityYear, ActivityYear.activity_id == Activity.id)
            .join(Opd, Opd.id == Activity.opd_id)
            .where(
                activity_scope(self.actor),
                Activity.plan_id == self.plan.id,
                ActivityYear.year == year,
            )
            .order_by(Activity.id)
        ).all()
        out: list[_Signed] = []
        kinds: dict[tuple[str, str], StateKind | None] = {}  # per version and state, once
        for r in rows:
            key = (r.workflow_version, r.state)
            if key not in kinds:
                workflow = self.runtime.workflow_version(self.session, r.workflow_version)
                kinds[key] = workflow.kind(r.state)
            if kinds[key] is StateKind.APPROVED:
                out.append(
                    _Signed(
                        r.id,
                        r.registration_number,
                        r.title,
                        r.pillar,
                        r.code,
                        r.name,
                        int(r.confirmed_budget or 0),
                    )
                )
        return out

    def _reports(self, ids: Sequence[int], year: int) -> dict[tuple[int, str], _Report]:
        if not ids:
            return {}
        r = ProgressReport
        found: dict[tuple[int, str], _Report] = {}
        for start in range(0, len(ids), 1000):  # bounded IN lists
            rows = self.session.execute(
                select(r).where(
                    r.plan_id == self.plan.id,
                    r.year == year,
                    r.activity_id.in_(ids[start : start + 1000]),
                )
            ).scalars()
            for report in rows:
                workflow = self.runtime.workflow_version(self.session, report.workflow_version)
                found[(report.activity_id, report.period)] = _Report(
                    id=report.id,
                    period=report.period,
                    state_label=workflow.label(report.state),
                    kind=workflow.kind(report.state),
                    realised=report.budget_realised,
                    output_target=report.output_target,
                    output_realised=report.output_realised,
                    output_unit=report.output_unit or "",
                )
        return found

    def year(self, year: int) -> tuple[list[_Signed], dict[tuple[int, str], _Report]]:
        if year not in self._years:
            signed = self._signed(year)
            self._years[year] = (signed, self._reports([s.id for s in signed], year))
        return self._years[year]

    def lines(self, year: int, code: str) -> tuple[list[ActivityLine], dict[int, _Report]]:
        """The activity lines of a period, in the printed order (pillar, OPD, id), and its
        reports by activity."""
        signed, reports = self.year(year)
        order = {c: i for i, c in enumerate(self.pillar_labels)}
        out: list[ActivityLine] = []
        for a in signed:
            report = reports.get((a.id, code))
            accepted = report is not None and report.kind is StateKind.APPROVED
            out.append(
                ActivityLine(
                    activity_id=a.id,
                    registration_number=a.registration_number,
                    title=a.title,
                    pillar=a.pillar,
                    pillar_label=self.pillar_labels.get(a.pillar, a.pillar),
                    opd_code=a.opd_code,
                    opd_name=a.opd_name,
                    confirmed=a.confirmed,
                    report_id=report.id if report else None,
                    state_label=report.state_label if report else None,
                    state_kind=str(report.kind) if report and report.kind else None,
                    accepted=accepted,
                    realised=(report.realised or 0) if report and accepted else 0,
                    output_target=report.output_target if report else None,
                    output_realised=report.output_realised if report else None,
                    output_unit=report.output_unit if report else "",
                )
            )
        out.sort(
            key=lambda x: (order.get(x.pillar, len(order)), x.pillar, x.opd_name, x.activity_id)
        )
        return out, {a: r for (a, p), r in reports.items() if p == code}

    def pillar_groups(self, lines: Sequence[ActivityLine]) -> list[Group]:
        """Every pillar of the reference (an empty one too), then any other a line names."""
        codes = list(self.pillar_labels) + sorted(
            {line.pillar for line in lines} - set(self.pillar_labels)
        )
        return [
            group(c, self.pillar_labels.get(c, c), [x for x in lines if x.pillar == c])
            for c in codes
        ]


def _opd_groups(lines: Sequence[ActivityLine]) -> list[Group]:
    names = {line.opd_code: line.opd_name for line in lines}
    ordered = sorted(names, key=lambda c: (names[c], c))
    return [group(c, names[c], [x for x in lines if x.opd_code == c]) for c in ordered]


def _statuses(runtime: ProvinceRuntime, reports: Iterable[_Report]) -> list[StatusCount]:
    """The current report workflow's states in order (zeros included), then any label only an
    older version has."""
    counts: dict[str, int] = {}
    kinds: dict[str, str | None] = {}
    for s in runtime.report_workflow.states:
        counts.setdefault(s.label, 0)
        kinds.setdefault(s.label, str(s.kind))
    for r in reports:
        counts[r.state_label] = counts.get(r.state_label, 0) + 1
        kinds.setdefault(r.state_label, str(r.kind) if r.kind else None)
    return [StatusCount(label, kinds[label], n) for label, n in counts.items()]


def _missing(
    lines: Sequence[ActivityLine], reports: dict[int, _Report], late: int
) -> list[Missing]:
    out: list[Missing] = []
    for line in lines:
        report = reports.get(line.activity_id)
        if report is not None and report.kind is not StateKind.DRAFTING:
            continue
        out.append(
            Missing(
                activity_id=line.activity_id,
                registration_number=line.registration_number,
                title=line.title,
                opd_name=line.opd_name,
                pillar_label=line.pillar_label,
                report_id=report.id if report else None,
                state_label=report.state_label if report else None,
                days_late=late,
            )
        )
    return out


# --- Filters ---------------------------------------------------------------------------------


def plan_periods(runtime: ProvinceRuntime, plan: Plan) -> list[tuple[int, ReportingPeriod]]:
    """Every period of every year of the plan, in order."""
    return [
        (year, p)
        for year in range(plan.start_year, plan.end_year + 1)
        for p in report_periods.periods(runtime, plan.code, year)
    ]


class SignedYears(Container[int]):
    """The plan years in which the actor sees a signed activity, asked one year at a time
    (``year in found``; an EXISTS each, remembered): ``latest_period`` asks from the latest
    year down and stops at the first, so a national-scale province's tens of thousands of
    activity years are not read to pick a default (issue 17)."""

    def __init__(self, session: Session, runtime: ProvinceRuntime, actor: Actor, plan: Plan):
        self.session, self.runtime, self.actor, self.plan = session, runtime, actor, plan
        self._known: dict[int, bool] = {}

    def __contains__(self, year: object) -> bool:
        if not isinstance(year, int):
            return False
        if year not in self._known:
            versions = state_kinds.workflows(self.session, self.runtime)
            codes = state_kinds.codes_by_version(versions, StateKind.APPROVED)
            found = self.session.execute(
                select(Activity.id)
                .join(
                    ActivityYear,
                    (ActivityYear.activity_id == Activity.id) & (ActivityYear.year == year),
                )
                .where(
                    activity_scope(self.actor),
                    Activity.plan_id == self.plan.id,
                    state_kinds.of_kind(Activity.workflow_version, Activity.state, codes),
                )
                .limit(1)
            ).first()
            self._known[year] = found is not None
        return self._known[year]


def signed_years(
    session: Session, runtime: ProvinceRuntime, actor: Actor, plan: Plan
) -> SignedYears:
    """The plan years in which the actor sees a signed activity (``SignedYears``)."""
    return SignedYears(session, runtime, actor, plan)


def latest_period(
    runtime: ProvinceRuntime, plan: Plan, today: dt.date, years: Container[int] | None = None
) -> tuple[int, ReportingPeriod] | None:
    """The default period: the latest that has ended by ``today`` (its reports are due) in one
    of ``years`` (those with signed activities: an empty year is no headline), else the latest
    that has ended, else the plan's first."""
    every = plan_periods(runtime, plan)
    ended = [(y, p) for y, p in every if p.ends_on < today]
    latest = next((e for e in reversed(ended) if years is None or e[0] in years), None)
    if latest or ended:
        return latest or ended[-1]
    return every[0] if every else None


def _plan(session: Session, actor: Actor, plan_id: int | None) -> Plan:
    stmt = select(Plan).where(Plan.province_id == actor.province_id)
    if plan_id is None:
        found = session.execute(stmt.order_by(Plan.id)).scalars().first()
        if found is None:
            raise NotFound("Belum ada rencana aksi di provinsi ini.")
        return found
    found = session.execute(stmt.where(Plan.id == plan_id)).scalar_one_or_none()
    if found is None:
        raise RuleFailed([Violation("plan_unknown", NO_PLAN, "plan_id")])
    return found


def resolve(
    session: Session, runtime: ProvinceRuntime, actor: Actor, filters: Filters, today: dt.date
) -> tuple[Plan, int, ReportingPeriod]:
    """The plan, year and period the filters name (or the defaults); every bad filter named."""
    plan = _plan(session, actor, filters.plan_id)
    years = signed_years(session, runtime, actor, plan) if filters.year is None else None
    default = latest_period(runtime, plan, today, years)
    problems: list[Violation] = []
    year = filters.year if filters.year is not None else (default[0] if default else None)
    if year is None:  # a plan the province's plugin no longer declares has no periods
        text = N_("Rencana aksi ini tidak memiliki periode pelaporan.")
        raise RuleFailed([Violation("period_unknown", text, "period")])
    if not plan.start_year <= year <= plan.end_year:
        text = msg(
            "Tahun {year} di luar rencana aksi ({first}–{last}).",
            year=year,
            first=plan.start_year,
            last=plan.end_year,
        )
        problems.append(Violation("year_not_planned", text, "year"))
        raise RuleFailed(problems)
    declared = report_periods.periods(runtime, plan.code, year)
    code = filters.period
    if code is None:
        same_year = default is not None and default[0] == year
        code = default[1].code if same_year and default else (declared[0].code if declared else "")
    chosen = next((p for p in declared if p.code == code), None)
    if chosen is None:
        names = ", ".join(f"{p.code} ({p.label})" for p in declared) or "-"
        text = msg(
            "Periode '{period}' tidak dikenal; pilih salah satu: {periods}.",
            period=code,
            periods=names,
        )
        raise RuleFailed([Violation("period_unknown", text, "period")])
    return plan, year, chosen


def chosen_period(
    session: Session, runtime: ProvinceRuntime, actor: Actor, filters: Filters, today: dt.date
) -> tuple[Plan, int, ReportingPeriod]:
    """``resolve``, with the due date that counts: the planning calendar's when it moved the
    hook's."""
    plan, year, chosen = resolve(session, runtime, actor, filters, today)
    windows = report_windows(session, actor.province_id, [year])
    return plan, year, report_periods.effective(chosen, year, windows)


# --- The consolidation -----------------------------------------------------------------------


def consolidate(
    session: Session,
    registry: Registry,
    actor: Actor,
    filters: Filters = Filters(),
    *,
    today: dt.date | None = None,
    series: bool = True,
) -> Consolidation:
    """The consolidation of the period the filters name (module docstring). ``today`` is the
    province's calendar day (a test freezes it); by default it is now in the province's zone.
    Without ``series`` the other periods are not read (the dashboard's card: issue 17, where
    they were four fifths of its time over a province's tens of thousands of activities)."""
    runtime = registry.get(actor.province_code)
    zone = runtime.info.timezone
    today = today or local_date(utcnow(), zone)
    plan, year, chosen = chosen_period(session, runtime, actor, filters, today)
    reader = _Reader(session, runtime, actor, plan)
    lines, reports = reader.lines(year, chosen.code)
    overdue = today > chosen.due_on
    every = plan_periods(runtime, plan)
    points = [
        SeriesPoint(PeriodRef(y, p.code, p.label), reader.pillar_groups(reader.lines(y, p.code)[0]))
        for y, p in every
        if series and p.starts_on <= today
    ]
    return Consolidation(
        province=runtime.info.name,
        timezone=zone,
        plan_id=plan.id,
        plan_code=plan.code,
        plan_title=plan.title,
        year=year,
        period=chosen,
        today=today,
        province_wide=actor.province_wide,
        pillars=reader.pillar_groups(lines),
        opds=_opd_groups(lines),
        activities=lines,
        total=group("", TOTAL_LABEL, lines),
        statuses=_statuses(runtime, reports.values()),
        unreported=sum(1 for line in lines if line.report_id is None),
        missing=_missing(lines, reports, (today - chosen.due_on).days) if overdue else [],
        series=points,
        periods=[PeriodRef(y, p.code, p.label) for y, p in every],
    )
