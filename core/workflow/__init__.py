"""Workflows as data: states and transitions, assembled per province from the core route
(``core.workflow.route``) plus the province's ``customize_workflow`` hook, identified by a
content hash (the version). A progress report's route is the second workflow type, built the
same way from ``core.workflow.report_route`` and ``customize_report_workflow``.

A definition is built once per process and province, and every version ever used is stored
(``WorkflowDefinition``) so an activity keeps the route it started on. What a move means and
what a state is are properties (``Transition.books_budget``, ``State.kind``...): nothing outside
this package names a core action or state.
"""

from core.workflow.conditions import Condition
from core.workflow.gate import Gate
from core.workflow.model import (
    State,
    StateKind,
    Transition,
    Workflow,
    WorkflowBuilder,
)
from core.workflow.report_route import (
    POKJA_ROLE,
    REPORT_STATES,
    REPORT_TRANSITIONS,
    report_builder,
    return_report,
)
from core.workflow.route import (
    CORE_STATES,
    CORE_TRANSITIONS,
    core_builder,
    reject_transition,
    return_transition,
)

EDIT_ACTION = "edit"

__all__ = [
    "CORE_STATES",
    "CORE_TRANSITIONS",
    "EDIT_ACTION",
    "POKJA_ROLE",
    "REPORT_STATES",
    "REPORT_TRANSITIONS",
    "Condition",
    "Gate",
    "State",
    "StateKind",
    "Transition",
    "Workflow",
    "WorkflowBuilder",
    "core_builder",
    "reject_transition",
    "report_builder",
    "return_report",
    "return_transition",
]
