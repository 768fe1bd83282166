"""Plain values that hooks return and use cases pass around (no ORM, no Flask)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlanInfo:
    """A RAD document a province plugin declares."""

    code: str
    title: str
    decree_number: str
    decree_date: dt.date | None
    start_year: int
    end_year: int


@dataclass(frozen=True)
class ProvinceInfo:
    """A province's identity. ``timezone`` is the IANA name of its zone (``Asia/Jakarta`` WIB,
    ``Asia/Makassar`` WITA, ``Asia/Jayapura`` WIT; see ``core.timezones``): every time its
    people read, and every working day counted for it, is in that zone.
    ``registration_prefix`` opens its activities' registration numbers (``LPG`` in
    ``LPG-2023-0042``); empty: the first three letters of ``code``, upper-case."""

    code: str
    name: str
    plans: tuple[PlanInfo, ...] = ()
    decree_format: str = ""
    timezone: str = "Asia/Jakarta"
    registration_prefix: str = ""


@dataclass(frozen=True)
class RoleInfo:
    """``scope`` is ``"opd"`` for roles limited to the holder's OPD, else ``"province"``.

    ``office`` is the post as documents name it, with ``{opd}`` for the OPD's name and
    ``{province}`` for the province's (without "Provinsi"): ``"Kepala {opd}"`` reads "Kepala
    Dinas Sosial", ``"Gubernur {province}"`` "Gubernur Lampung". An acting official's title is
    "Plt." or "Plh." before it (``core.acting``). Unset: the label (and the OPD's name)."""

    code: str
    label: str
    scope: str = "province"
    office: str | None = None


@dataclass(frozen=True)
class Code:
    """One entry of a reference list: a stable code and its Indonesian label."""

    code: str
    label: str


@dataclass
class ReferenceData:
    """Lists a province offers; keys are list names (``opds``, ``pillars``, ``locations``...)."""

    lists: dict[str, list[Code]] = field(default_factory=dict)

    def codes(self, name: str) -> set[str]:
        return {c.code for c in self.lists.get(name, [])}

    def label(self, name: str, code: str) -> str:
        for c in self.lists.get(name, []):
            if c.code == code:
                return c.label
        return code

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        return {k: [{"code": c.code, "label": c.label} for c in v] for k, v in self.lists.items()}


@dataclass(frozen=True)
class ActivityView:
    """What rules and routing conditions see of an activity: a snapshot, never the ORM row."""

    id: int | None
    province: str
    plan_id: int
    opd: str
    title: str
    pillar: str
    details: dict[str, Any]
    years: tuple[dict[str, Any], ...]
    state: str
    revision_round: int
    submitted_by_id: int | None
    plan_start_year: int
    plan_end_year: int


@dataclass(frozen=True)
class ReportingPeriod:
    """One reporting period of a plan year (Lampung: a semester), declared by the province's
    ``reporting_periods`` hook. ``starts_on``/``ends_on`` are the span reported on and ``due_on``
    the day the report is due, all calendar days in the province's zone; the planning calendar
    may move a year's due date (window kind ``report_<code>``, ``core.services.report_periods``)."""

    code: str  # short, stable: "S1", "S2", "TW3"
    label: str  # what a user reads: "Semester I"
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date


@dataclass(frozen=True)
class ReportView:
    """What report rules, routing conditions and recipients see of a progress report: a
    snapshot, never the ORM row. ``activity`` is the signed activity it reports on; ``opd``,
    ``province``, ``title`` and ``details`` are the activity's (so a condition or a gate written
    for activities reads a report the same way)."""

    id: int | None
    activity: ActivityView
    year: int
    period: str
    state: str
    revision_round: int
    submitted_by_id: int | None
    output_target: float | None = None
    output_realised: float | None = None
    output_unit: str = ""
    budget_realised: int | None = None
    obstacles: str = ""
    follow_up: str = ""

    @property
    def opd(self) -> str:
        return self.activity.opd

    @property
    def province(self) -> str:
        return self.activity.province

    @property
    def title(self) -> str:
        return self.activity.title

    @property
    def pillar(self) -> str:
        return self.activity.pillar

    @property
    def details(self) -> dict[str, Any]:
        return self.activity.details

    @property
    def plan_id(self) -> int:
        return self.activity.plan_id


@dataclass(frozen=True)
class Recipient:
    """Who to notify: everyone holding ``role`` (in ``opd`` when given), or one user."""

    role: str | None = None
    opd: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    opd: str | None = None
    email: str | None = None
    nip: str | None = None


@dataclass(frozen=True)
class DemoReport:
    """A progress report on a signed demo activity: its year and period (a code of the
    province's ``reporting_periods``), what it says (the report's fields: ``output_target``,
    ``output_realised``, ``output_unit``, ``budget_realised``, ``obstacles``, ``follow_up``),
    and the report workflow's actions that bring it to its demo state (by demo users)."""

    year: int
    period: str
    fields: dict[str, Any]
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoActivity:
    """A demo activity and the actions that bring it to its demo state (by demo users); a
    signed one may carry progress reports (``reports``, filed once it is signed)."""

    opd: str
    title: str
    pillar: str
    years: tuple[tuple[int, str, int], ...]  # (year, target, proposed budget)
    details: dict[str, Any]
    path: tuple[str, ...] = ()
    description: str = ""
    reports: tuple[DemoReport, ...] = ()  # new in issue 14: optional, older plugins omit it


@dataclass(frozen=True)
class DemoData:
    users: tuple[DemoUser, ...]
    ceilings: dict[str, dict[int, int]]  # OPD code → year → pagu
    activities: tuple[DemoActivity, ...] = ()
    decree_number: str = ""  # used when a demo path signs
