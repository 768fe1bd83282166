"""Every workflow version an activity uses is stored in the database it lives in."""

from __future__ import annotations

from sqlalchemy import delete, select

from core.models import WorkflowDefinition
from core.testing import Harness


def test_definition_is_stored_again_after_a_rollback(harness: Harness, payload) -> None:
    runtime = harness.registry.get("lampung")
    with harness.session() as s:
        runtime.register_current_workflow(s)
        s.rollback()  # e.g. the activity it was stored for failed to insert
        s.execute(delete(WorkflowDefinition))
        s.commit()
    a = harness.create("dpppa.staf", payload())
    with harness.session() as s:
        stored = s.execute(select(WorkflowDefinition.version)).scalars().all()
    assert stored == [runtime.workflow.version] == [a.workflow_version]
