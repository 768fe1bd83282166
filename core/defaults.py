"""Core behaviour as ordinary plugins (``trylast``), as datasette and pytest do: a province
plugin overrides or adds to these through the same hooks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import RAISE, Schema

from core.calendar import WorkingCalendar
from core.errors import Violation
from core.hookspecs import hookimpl
from core.messages import N_, msg
from core.report_rules import completeness
from core.types import (
    ActivityView,
    Code,
    DemoData,
    PlanInfo,
    Recipient,
    ReferenceData,
    ReportingPeriod,
    ReportView,
    RoleInfo,
)
from core.workflow import POKJA_ROLE, StateKind, Transition, Workflow, WorkflowBuilder

CORE_ROLES: tuple[RoleInfo, ...] = (
    RoleInfo("opd_staff", "Operator OPD", scope="opd"),
    RoleInfo("opd_head", "Kepala OPD", scope="opd", office="Kepala {opd}"),
    RoleInfo("bappeda", "Verifikator Bappeda"),
    RoleInfo("governor", "Gubernur / Sekda", office="Gubernur {province}"),
    RoleInfo("admin", "Admin Provinsi"),
    RoleInfo("viewer", "Auditor / Pemantau"),
    # Verifies the OPDs' progress reports and reports to the governor (issue 14).
    RoleInfo(POKJA_ROLE, N_("Sekretariat Pokja P3AKS")),
)

# Perpres 18/2014 names three areas; a province may replace them (Sulteng counts four).
DEFAULT_PILLARS = (
    Code("pencegahan", "Pencegahan"),
    Code("penanganan", "Penanganan"),
    Code("pemberdayaan_partisipasi", "Pemberdayaan dan Partisipasi"),
)


class EmptyDetails(Schema):
    """A province without extra fields accepts no ``details`` keys."""

    class Meta:
        unknown = RAISE


@hookimpl(trylast=True)
def reference_data(reference: ReferenceData) -> None:
    reference.lists.setdefault("pillars", list(DEFAULT_PILLARS))


@hookimpl(trylast=True)
def activity_details_schema() -> type[Schema]:
    return EmptyDetails


@hookimpl(trylast=True)
def extra_roles() -> list[RoleInfo]:
    return list(CORE_ROLES)


@hookimpl(trylast=True)
def validate_activity(activity: ActivityView, reference: ReferenceData) -> list[Violation]:
    out: list[Violation] = []
    if activity.pillar not in reference.codes("pillars"):
        out.append(
            Violation(
                "pillar_unknown",
                msg("Pilar '{pillar}' tidak dikenal.", pillar=activity.pillar),
                "pillar",
            )
        )
    return out


@hookimpl(trylast=True)
def transition_rules(
    activity: ActivityView,
    transition: Transition,
    actor_id: int,
    payload: dict[str, Any],
    reference: ReferenceData,
    ceilings: dict[int, dict[str, int]],
) -> list[Violation]:
    return []


@hookimpl(trylast=True)
def demo_data() -> DemoData | None:
    return None


@hookimpl(trylast=True)
def notification_recipients(
    activity: ActivityView, transition: Transition, workflow: Workflow
) -> list[Recipient]:
    """The OPD that owns the activity hears of every move of it: its submitter and its head
    (issue 16: the OPD was never told of the head's approval, an endorsement or a budget cut).
    Besides them: the next stage's actors (at a gate: every party); when it is set by decree,
    all of the OPD's staff. Nobody is told of their own move (the outbox leaves the actor out)."""
    return _told_of_move(activity, transition, workflow)


@hookimpl(trylast=True)
def report_recipients(
    report: ReportView, transition: Transition, workflow: Workflow
) -> list[Recipient]:
    """A progress report's moves are told as an activity's are: its OPD's submitter and head,
    the next stage's actors (the Pokja secretariat at verification), on acceptance the OPD's
    staff."""
    return _told_of_move(report, transition, workflow)


def _told_of_move(
    activity: ActivityView | ReportView, transition: Transition, workflow: Workflow
) -> list[Recipient]:
    """Who hears of a move of an activity or a report: the one rule of both workflow types
    (both views carry ``opd`` and ``submitted_by_id``)."""
    out = [Recipient(role="opd_head", opd=activity.opd)]
    if activity.submitted_by_id is not None:
        out.append(Recipient(user_id=activity.submitted_by_id))
    target = workflow.state(transition.target)
    if transition.withdraws:  # the reviewer it was waiting for need not act any more
        source = workflow.state(transition.source)
        return (
            [Recipient(role=source.stage_role, opd=activity.opd)]
            if source and source.stage_role
            else []
        )
    gate = target.gate if target is not None and target.code != transition.source else None
    if gate is not None and isinstance(activity, ActivityView):  # gates: activities' only
        return out + gate.recipients(activity)
    kind = target.kind if target is not None else None
    if transition.sends_back or kind in (StateKind.RETURNED, StateKind.REJECTED):
        return out
    if kind is StateKind.APPROVED:
        return [*out, Recipient(role="opd_staff", opd=activity.opd)]
    if target is not None and target.stage_role:
        out.append(Recipient(role=target.stage_role, opd=activity.opd))
    return out


@hookimpl(trylast=True)
def reporting_periods(plan: PlanInfo, year: int) -> list[ReportingPeriod]:
    """One yearly report, due at the end of January of the next year (a province declares its
    own: Lampung reports per semester)."""
    return [
        ReportingPeriod(
            "T",
            N_("Tahunan"),
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            dt.date(year + 1, 1, 31),
        )
    ]


@hookimpl(trylast=True)
def customize_report_workflow(workflow: WorkflowBuilder) -> None:
    """The core report route stays as it is (``core.workflow.report_route``)."""


@hookimpl(trylast=True)
def report_rules(
    report: ReportView, transition: Transition, actor_id: int, payload: dict[str, Any]
) -> list[Violation]:
    """A report is complete before it is submitted: the output realised and the budget spent
    (``core.report_rules.completeness``); more than confirmed is a warning."""
    return completeness(report) if transition.records_submitter else []


@hookimpl(trylast=True)
def working_calendar() -> WorkingCalendar:
    return WorkingCalendar("ID")


@hookimpl(trylast=True)
def reminder_days() -> int:
    return 5


DEFAULT_PLUGINS: tuple[str, ...] = ("core.defaults",)
