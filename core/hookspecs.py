"""Hook specifications, grouped by purpose (``GROUPS``). Province plugins implement any of these
with ``core.plugin.hookimpl``; core defaults live in ``core.defaults`` as ordinary ``trylast``
plugins. Hooks are always called with keywords, so an implementation may leave out parameters
it does not use.

Each docstring says how the results are combined: **firstresult** hooks stop at the first
implementation that returns something other than ``None`` (a province overrides the core default
by returning a value); the others are **collected** from every implementation, the province's
before the core default's. docs/plugins.md documents each hook under the same groups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Callable

    from marshmallow import Schema

    from core.calendar import WorkingCalendar
    from core.errors import Violation
    from core.types import (
        ActivityView,
        DemoData,
        PlanInfo,
        ProvinceInfo,
        Recipient,
        ReferenceData,
        ReportingPeriod,
        ReportView,
        RoleInfo,
    )
    from core.workflow import Transition, Workflow, WorkflowBuilder

hookspec = pluggy.HookspecMarker("sepakat")
hookimpl = pluggy.HookimplMarker("sepakat")

# The purpose of each hook, in the order docs/plugins.md documents them.
GROUPS: dict[str, tuple[str, ...]] = {
    "Identity and reference data": ("province_info", "reference_data", "extra_roles"),
    "Forms and validation": ("activity_details_schema", "validate_activity", "transition_rules"),
    "Workflow": ("customize_workflow", "workflow_conditions"),
    "Notifications and calendar": ("notification_recipients", "working_calendar", "reminder_days"),
    "Monitoring": (
        "reporting_periods",
        "customize_report_workflow",
        "report_rules",
        "report_recipients",
    ),
    "Demo data": ("demo_data",),
}


# --- Identity and reference data ----------------------------------------------------------------


@hookspec(firstresult=True)
def province_info() -> ProvinceInfo:  # type: ignore[empty-body]
    """The province's identity (code, name, decree format) and the plans (RAD documents) it runs.

    firstresult; required. Returns a ``ProvinceInfo``."""


@hookspec
def reference_data(reference: ReferenceData) -> None:
    """Add or replace lists (OPDs, pillars, locations, funding sources...) in ``reference``.

    collected (the province first, then the core default filling missing lists). Returns
    nothing: it changes ``reference.lists`` in place."""


@hookspec
def extra_roles() -> list[RoleInfo]:  # type: ignore[empty-body]
    """Roles the province adds to the core ones (e.g. ``kesbangpol``).

    collected. Returns a list of ``RoleInfo`` (``scope="opd"`` for OPD-scoped roles)."""


# --- Forms and validation -----------------------------------------------------------------------


@hookspec(firstresult=True)
def activity_details_schema() -> type[Schema]:  # type: ignore[empty-body]
    """The form fields of the activity's ``details``.

    firstresult. Returns a marshmallow schema class (the core default accepts no keys)."""


@hookspec
def validate_activity(activity: ActivityView, reference: ReferenceData) -> list[Violation]:  # type: ignore[empty-body]
    """The province's rules on an activity being created or edited.

    collected. Returns a list of ``Violation``; any error refuses the change."""


@hookspec
def transition_rules(  # type: ignore[empty-body]
    activity: ActivityView,
    transition: Transition,
    actor_id: int,
    payload: dict[str, Any],
    reference: ReferenceData,
    ceilings: dict[int, dict[str, int]],
) -> list[Violation]:
    """The rules that forbid or accompany a transition. ``payload`` is what the actor sent
    (``comment``, ``decree_number``, ``confirmed_years``); ``ceilings`` is the OPD's pagu per
    year after this transition (``{"ceiling", "confirmed"}``) when it moves money.

    collected. Returns a list of ``Violation``: errors refuse the transition, warnings
    (``warning=True``) go along with it."""


# --- Workflow -----------------------------------------------------------------------------------


@hookspec
def customize_workflow(workflow: WorkflowBuilder) -> None:
    """Add states, transitions and routing to the province's workflow (once per build).

    collected (every implementation changes the same builder). Returns nothing."""


@hookspec
def workflow_conditions() -> dict[str, Callable[[ActivityView], bool]]:  # type: ignore[empty-body]
    """Named predicates that conditional transitions (``when=``) refer to.

    collected (the dicts are merged). Returns ``{name: predicate(activity) -> bool}``; a
    predicate may be a ``Condition(label, test)``, whose label the workflow page reads ("jika
    <label>")."""


# --- Notifications and calendar -----------------------------------------------------------------


@hookspec
def notification_recipients(  # type: ignore[empty-body]
    activity: ActivityView, transition: Transition, workflow: Workflow
) -> list[Recipient]:
    """Who is told of a transition, besides the core default's recipients.

    collected (all lists are joined). Returns a list of ``Recipient``: a role in the province,
    a role in one OPD (``Recipient(role=..., opd=...)``) or one user (``user_id=``)."""


@hookspec(firstresult=True)
def working_calendar() -> WorkingCalendar:  # type: ignore[empty-body]
    """The calendar of working days used for reminders.

    firstresult. Returns a ``WorkingCalendar`` (the core default: Indonesia's national one)."""


@hookspec(firstresult=True)
def reminder_days() -> int:  # type: ignore[empty-body]
    """Working days an activity may wait at a stage before its actors are reminded.

    firstresult. Returns an ``int`` (the core default: 5)."""


# --- Monitoring ---------------------------------------------------------------------------------


@hookspec(firstresult=True)
def reporting_periods(plan: PlanInfo, year: int) -> list[ReportingPeriod]:  # type: ignore[empty-body]
    """The periods a signed activity of ``plan`` reports on in ``year`` (Lampung: two
    semesters), each with its span and due date in the province's zone.

    firstresult. Returns a list of ``ReportingPeriod`` (the core default: one yearly period,
    due on 31 January of the next year)."""


@hookspec
def customize_report_workflow(workflow: WorkflowBuilder) -> None:
    """Add states, transitions and routing to the province's progress-report workflow, with the
    same builder as ``customize_workflow`` (once per build).

    collected (every implementation changes the same builder). Returns nothing."""


@hookspec
def report_rules(  # type: ignore[empty-body]
    report: ReportView, transition: Transition, actor_id: int, payload: dict[str, Any]
) -> list[Violation]:
    """The rules that forbid or accompany a move of a progress report (``payload``: what the
    actor sent, e.g. ``comment``).

    collected. Returns a list of ``Violation``: errors refuse the move, warnings
    (``warning=True``) go along with it."""


@hookspec
def report_recipients(  # type: ignore[empty-body]
    report: ReportView, transition: Transition, workflow: Workflow
) -> list[Recipient]:
    """Who is told of a move of a progress report, besides the core default's recipients.

    collected (all lists are joined). Returns a list of ``Recipient``, as
    ``notification_recipients``."""


# --- Demo data ----------------------------------------------------------------------------------


@hookspec(firstresult=True)
def demo_data() -> DemoData | None:
    """Demo users, pagu and activities for ``sepakat seed-demo`` and the plugin test kit.

    firstresult. Returns a ``DemoData``, or ``None`` for no demo."""
