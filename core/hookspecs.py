"""Hook specifications. Province plugins implement any of these; core defaults live in
``core.defaults`` as ordinary ``trylast`` plugins. Hooks are always called with keywords."""

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
        ProvinceInfo,
        Recipient,
        ReferenceData,
        RoleInfo,
    )
    from core.workflow import Transition, Workflow, WorkflowBuilder

hookspec = pluggy.HookspecMarker("sepakat")
hookimpl = pluggy.HookimplMarker("sepakat")


@hookspec(firstresult=True)
def province_info() -> ProvinceInfo:  # type: ignore[empty-body]
    """The province's identity (code, name) and the plans (RAD documents) it runs."""


@hookspec
def reference_data(reference: ReferenceData) -> None:
    """Add or replace lists (OPDs, pillars, locations, funding sources...) in ``reference``."""


@hookspec(firstresult=True)
def activity_details_schema() -> type[Schema]:  # type: ignore[empty-body]
    """A marshmallow schema class validating the activity's ``details`` (plugin form fields)."""


@hookspec
def validate_activity(activity: ActivityView, reference: ReferenceData) -> list[Violation]:  # type: ignore[empty-body]
    """Violations of the province's rules for an activity being created or edited."""


@hookspec
def transition_rules(  # type: ignore[empty-body]
    activity: ActivityView,
    transition: Transition,
    actor_id: int,
    payload: dict[str, Any],
    reference: ReferenceData,
    ceilings: dict[int, dict[str, int]],
) -> list[Violation]:
    """Violations (or warnings) that forbid or accompany a transition. ``ceilings`` is the OPD's
    pagu per year after this transition (``{"ceiling", "confirmed"}``) when it moves money."""


@hookspec
def customize_workflow(workflow: WorkflowBuilder) -> None:
    """Add states, transitions and routing to the province's workflow (called once per build)."""


@hookspec
def workflow_conditions() -> dict[str, Callable[[ActivityView], bool]]:  # type: ignore[empty-body]
    """Named predicates that conditional transitions (``when=``) refer to."""


@hookspec
def extra_roles() -> list[RoleInfo]:  # type: ignore[empty-body]
    """Roles the province adds to the core ones (e.g. ``kesbangpol``)."""


@hookspec
def notification_recipients(  # type: ignore[empty-body]
    activity: ActivityView, transition: Transition, workflow: Workflow
) -> list[Recipient]:
    """Who is told of a transition."""


@hookspec(firstresult=True)
def working_calendar() -> WorkingCalendar:  # type: ignore[empty-body]
    """The calendar of working days used for reminders."""


@hookspec(firstresult=True)
def reminder_days() -> int:  # type: ignore[empty-body]
    """Working days an activity may wait at a stage before its actors are reminded."""


@hookspec(firstresult=True)
def demo_data() -> DemoData | None:
    """Demo users, ceilings and activities for ``sepakat seed-demo``."""
