"""Every workflow version an activity uses is stored in the database it lives in."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select, update

from core.errors import RuleFailed
from core.models import Activity, ActivityYear, WorkflowDefinition
from core.testing import Harness
from core.workflow import Workflow
from core.workflow.model import TRANSITION_MEANINGS


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


def _as_stored_before_meaning_was_data(definition: dict[str, Any]) -> dict[str, Any]:
    """A definition as versions stored before ``State.kind`` and the transition flags were."""
    return {
        **definition,
        "states": [{k: v for k, v in s.items() if k != "kind"} for s in definition["states"]],
        "transitions": [
            {k: v for k, v in t.items() if k not in TRANSITION_MEANINGS}
            for t in definition["transitions"]
        ],
    }


def test_older_stored_versions_get_their_meaning_derived(registry) -> None:  # type: ignore[no-untyped-def]
    for runtime in registry:
        current = runtime.workflow
        old = Workflow.from_dict(_as_stored_before_meaning_was_data(current.to_dict()))
        assert old.states == current.states
        # Versions that old predate gates: the moves a gate's engine takes are not among them.
        gated = {s.code for s in current.gated_states}
        assert [t for t in old.transitions if t.source not in gated] == [
            t for t in current.transitions if t.source not in gated
        ]


def test_an_activity_in_flight_on_an_older_version_still_books_pagu(
    harness: Harness, payload
) -> None:  # type: ignore[no-untyped-def]
    runtime = harness.registry.get("lampung")
    a = harness.create("dpppa.staf", payload()).id
    harness.move(a, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    legacy = _as_stored_before_meaning_was_data({**runtime.workflow.to_dict(), "version": "lama"})
    with harness.session() as s:
        s.add(WorkflowDefinition(province_code="lampung", version="lama", definition=legacy))
        s.execute(update(Activity).where(Activity.id == a).values(workflow_version="lama"))
        s.commit()
    harness.move(a, ("bappeda.verifikator", "confirm_budget"))
    with harness.session() as s:
        booked = s.execute(
            select(ActivityYear.confirmed_budget).where(ActivityYear.activity_id == a)
        ).scalar_one()
    assert booked == 150_000_000
    with pytest.raises(RuleFailed) as err:  # and signing it still needs the decree
        harness.move(a, ("gubernur", "sign"))
    assert "decree_required" in {v.code for v in err.value.violations}
