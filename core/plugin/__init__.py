"""The plugin API: everything a province plugin may use, and the only module of Sepakat it
imports (an import-linter contract, ``plugins-api`` in setup.cfg, holds the shipped provinces and
the scaffold to it). Core's other modules may move; these names stay.

- Hooks: ``hookimpl`` marks an implementation of a hook of ``core.hookspecs``.
- Values hooks return and receive: ``ProvinceInfo``, ``PlanInfo``, ``Code``, ``ReferenceData``,
  ``RoleInfo``, ``ActivityView``, ``Recipient``, ``DemoData``, ``DemoUser``, ``DemoActivity``;
  for progress reports ``ReportingPeriod``, ``ReportView`` and ``DemoReport``.
- Rules and messages: ``Violation``, ``msg`` (a message with values), ``N_`` (a fixed message
  marked for the catalogue), ``Text``.
- Form fields (messages in Bahasa Indonesia): ``IdSchema``, ``Str`` (text, several lines),
  ``Line`` (one line: no line break or control character), ``Int``, ``StrList``, ``Obj``,
  ``Choice`` (one of fixed codes), ``length``, ``between``.
- The route: ``State`` (and what it is, ``StateKind``), ``Transition`` (what it means: its flags
  ``books_budget``, ``requires_decree``, ``sends_back``...), ``Workflow``, ``WorkflowBuilder``, and
  ``return_transition`` / ``reject_transition`` (the core's guards on sending back; for the
  report workflow ``return_report``), and
  ``Condition`` (a ``workflow_conditions`` predicate with the words the workflow page shows).
- The P3AKS helpers: ``P3aksDetails``, ``P3aksConflictDetails``, ``p3aks_coded_fields``,
  ``p3aks_details``, ``code_lists``, ``check_codes``, ``unknown_codes``, ``p3aks_violations``,
  ``decree_violations``, ``ceiling_warnings``, ``SUB_ACTIVITY_CODE``.
- Working days: ``WorkingCalendar``.

The test kit is ``core.plugin.testing`` (``pytest_plugins = ["core.plugin.testing"]``).
A module of re-exports only: what a name does is documented where it is defined.
"""

from core.calendar import WorkingCalendar
from core.errors import Violation
from core.hookspecs import hookimpl
from core.messages import N_, Text, msg
from core.plugin_helpers import (
    SUB_ACTIVITY_CODE,
    P3aksConflictDetails,
    P3aksDetails,
    ceiling_warnings,
    check_codes,
    code_lists,
    decree_violations,
    p3aks_coded_fields,
    p3aks_details,
    p3aks_violations,
    unknown_codes,
)
from core.schemas import Choice, IdSchema, Int, Line, Obj, Str, StrList, between, length
from core.types import (
    ActivityView,
    Code,
    DemoActivity,
    DemoData,
    DemoReport,
    DemoUser,
    PlanInfo,
    ProvinceInfo,
    Recipient,
    ReferenceData,
    ReportingPeriod,
    ReportView,
    RoleInfo,
)
from core.workflow import (
    Condition,
    Gate,
    State,
    StateKind,
    Transition,
    Workflow,
    WorkflowBuilder,
    reject_transition,
    return_report,
    return_transition,
)

__all__ = [
    "N_",
    "SUB_ACTIVITY_CODE",
    "ActivityView",
    "Choice",
    "Code",
    "Condition",
    "DemoActivity",
    "DemoData",
    "DemoReport",
    "DemoUser",
    "Gate",
    "IdSchema",
    "Int",
    "Line",
    "Obj",
    "P3aksConflictDetails",
    "P3aksDetails",
    "PlanInfo",
    "ProvinceInfo",
    "Recipient",
    "ReferenceData",
    "ReportView",
    "ReportingPeriod",
    "RoleInfo",
    "State",
    "StateKind",
    "Str",
    "StrList",
    "Text",
    "Transition",
    "Violation",
    "Workflow",
    "WorkflowBuilder",
    "WorkingCalendar",
    "between",
    "ceiling_warnings",
    "check_codes",
    "code_lists",
    "decree_violations",
    "hookimpl",
    "length",
    "msg",
    "p3aks_coded_fields",
    "p3aks_details",
    "p3aks_violations",
    "reject_transition",
    "return_report",
    "return_transition",
    "unknown_codes",
]
