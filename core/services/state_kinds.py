"""Which rows are in a state of a given kind, as SQL: a state's kind belongs to the workflow
version the row started on (``WorkflowDefinition``), so "signed" or "accepted" is not one list
of codes but, per stored version, the codes of that kind in it.

An aggregate over tens of thousands of rows (the dashboard's card at national scale, issue 17)
counts in the database with this condition instead of loading each row to ask its workflow.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from core.models import WorkflowDefinition
from core.plugins import ProvinceRuntime
from core.workflow import StateKind, Workflow


def workflows(session: Session, runtime: ProvinceRuntime) -> list[Workflow]:
    """Every version of the province's workflows (both types: a version is a content hash, so
    an activity's and a report's never meet), the current ones even before they are stored."""
    versions = set(
        session.execute(
            select(WorkflowDefinition.version).where(
                WorkflowDefinition.province_code == runtime.code
            )
        ).scalars()
    )
    versions |= {runtime.workflow.version, runtime.report_workflow.version}
    return [runtime.workflow_version(session, v) for v in sorted(versions)]


def codes_by_version(found: list[Workflow], *kinds: StateKind) -> dict[str, tuple[str, ...]]:
    """Each version of ``found`` (``workflows``) with a state of ``kinds``, and those codes."""
    codes = {w.version: w.codes(*kinds) for w in found}
    return {v: c for v, c in codes.items() if c}


def of_kind(version: Any, state: Any, codes: dict[str, tuple[str, ...]]) -> ColumnElement[bool]:
    """``version`` and ``state`` (columns) name a state of the kinds ``codes`` was read for."""
    if not codes:
        return false()
    return or_(*(and_(version == v, state.in_(c)) for v, c in codes.items()))
