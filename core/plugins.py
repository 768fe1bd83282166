"""Province plugins: discovery through the ``sepakat.provinces`` entry-point group, one pluggy
manager per province (core defaults + that province), each built once by a factory.

A province's runtime (identity, reference data, roles, details schema, current workflow) is
computed once per process: these are on the hot path of every transition.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy
from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import hookspecs
from core.calendar import WorkingCalendar
from core.defaults import DEFAULT_PLUGINS
from core.models import WorkflowDefinition
from core.types import (
    ActivityView,
    PlanInfo,
    ProvinceInfo,
    ReferenceData,
    ReportingPeriod,
    RoleInfo,
)
from core.workflow import Workflow, core_builder, report_builder
from core.workflow.conditions import label_of

ENTRY_POINT_GROUP = "sepakat.provinces"


def make_plugin_manager(province_plugin: object | None = None) -> pluggy.PluginManager:
    """A manager with the core defaults and (optionally) one province plugin."""
    pm = pluggy.PluginManager("sepakat")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if province_plugin is not None:
        pm.register(province_plugin)
    pm.check_pending()
    return pm


@dataclass
class ProvinceRuntime:
    """Everything a province's plugin contributes, computed once."""

    plugin: object
    pm: pluggy.PluginManager
    _stored: dict[str, Workflow] = field(default_factory=dict)

    @cached_property
    def info(self) -> ProvinceInfo:
        info = self.pm.hook.province_info()
        if info is None:
            raise RuntimeError(f"plugin {self.plugin!r} does not implement province_info")
        return info

    @property
    def code(self) -> str:
        return self.info.code

    @cached_property
    def reference(self) -> ReferenceData:
        ref = ReferenceData()
        # Province plugins run before the trylast defaults, so theirs win; defaults fill gaps.
        self.pm.hook.reference_data(reference=ref)
        return ref

    @cached_property
    def roles(self) -> dict[str, RoleInfo]:
        out: dict[str, RoleInfo] = {}
        for batch in reversed(self.pm.hook.extra_roles()):
            for role in batch:
                out[role.code] = role
        return out

    @cached_property
    def opd_roles(self) -> frozenset[str]:
        return frozenset(r.code for r in self.roles.values() if r.scope == "opd")

    @cached_property
    def details_schema(self) -> Schema:
        return self.pm.hook.activity_details_schema()()

    @cached_property
    def conditions(self) -> dict[str, Callable[[ActivityView], bool]]:
        out: dict[str, Callable[[ActivityView], bool]] = {}
        for batch in self.pm.hook.workflow_conditions():
            out.update(batch)
        return out

    def condition_label(self, name: str) -> str | None:
        """What condition ``name`` says in words (its ``Condition.label``); None for a plain
        predicate or an unknown name."""
        return label_of(self.conditions.get(name))

    @cached_property
    def workflow(self) -> Workflow:
        """The current definition (what new activities start on)."""
        builder = core_builder(self.code)
        self.pm.hook.customize_workflow(workflow=builder)
        return builder.build()

    @cached_property
    def report_workflow(self) -> Workflow:
        """The current progress-report definition (the second workflow type): the core report
        route and the province's ``customize_report_workflow``. Stored and versioned like the
        activity's, in the same table (a version is a content hash, so the two never meet)."""
        builder = report_builder(self.code)
        self.pm.hook.customize_report_workflow(workflow=builder)
        return builder.build()

    def reporting_periods(self, plan: PlanInfo, year: int) -> list[ReportingPeriod]:
        """The province's periods of ``year`` (its ``reporting_periods`` hook), in order."""
        return list(self.pm.hook.reporting_periods(plan=plan, year=year))

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return self.pm.hook.working_calendar()

    @cached_property
    def reminder_days(self) -> int:
        return int(self.pm.hook.reminder_days())

    def workflow_version(self, session: Session, version: str) -> Workflow:
        """A stored version (cached) of either workflow type; the current ones need no database
        round trip."""
        if version == self.workflow.version:
            return self.workflow
        if version == self.report_workflow.version:
            return self.report_workflow
        cached = self._stored.get(version)
        if cached is None:
            data = session.execute(
                select(WorkflowDefinition.definition).where(
                    WorkflowDefinition.province_code == self.code,
                    WorkflowDefinition.version == version,
                )
            ).scalar_one()
            cached = self._stored[version] = Workflow.from_dict(data)
        return cached

    def register_current_workflow(self, session: Session, workflow: Workflow | None = None) -> str:
        """Store the current definition (the activity's, or ``workflow``: the report's) if this
        database has not seen it yet.

        Always asks the database (once per created activity, not on the hot path): a cached
        "already stored" would be wrong after a rollback, or for a second database."""
        workflow = workflow or self.workflow
        version = workflow.version
        exists = session.execute(
            select(WorkflowDefinition.version).where(
                WorkflowDefinition.province_code == self.code,
                WorkflowDefinition.version == version,
            )
        ).first()
        if exists is None:
            session.add(
                WorkflowDefinition(
                    province_code=self.code, version=version, definition=workflow.to_dict()
                )
            )
            session.flush()
        return version


class Registry:
    """The loaded provinces of one application (built by ``load_registry``; not a global)."""

    def __init__(self, plugins: Iterable[object]) -> None:
        self.provinces: dict[str, ProvinceRuntime] = {}
        for plugin in plugins:
            runtime = ProvinceRuntime(plugin=plugin, pm=make_plugin_manager(plugin))
            if runtime.code in self.provinces:
                raise RuntimeError(f"province {runtime.code!r} registered twice")
            self.provinces[runtime.code] = runtime

    def get(self, code: str) -> ProvinceRuntime:
        return self.provinces[code]

    def __contains__(self, code: object) -> bool:
        return code in self.provinces

    def __iter__(self) -> Any:
        return iter(self.provinces.values())


def discover_plugins() -> list[ModuleType]:
    """Province plugins installed under the ``sepakat.provinces`` entry-point group."""
    return [ep.load() for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)]


def load_registry(extra: Iterable[object] = (), *, discover: bool = True) -> Registry:
    plugins: list[object] = list(discover_plugins()) if discover else []
    plugins.extend(extra)
    return Registry(plugins)


def implemented_hooks(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return sorted(h.name for h in pm.get_hookcallers(plugin) or [])
