"""*Hapus draf* and *Tarik kembali* (issue 16, item 10), on both backends: a draft never
submitted is set aside with its audit chain whole; a submission is taken back by its submitter
before the Kepala OPD acts. Both are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import Conflict, NotAllowed, NotFound, StaleVersion
from core.models import Activity, AuditEntry
from core.services import (
    ListFilters,
    available_actions,
    discard_draft,
    get_activity,
    list_activities,
)
from core.services.transitions.checks import actor_guards
from core.services.transitions.load import load
from core.testing import Harness


def _entries(h: Harness, activity_id: int) -> list[tuple[str, str | None, str]]:
    with h.session() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.from_state, AuditEntry.to_state)
            .where(AuditEntry.activity_id == activity_id)
            .order_by(AuditEntry.seq)
        ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _discard(h: Harness, username: str, activity_id: int, version: int | None = None) -> None:
    with h.session() as s:
        discard_draft(
            s, h.registry, h.actor(username), activity_id, version or h.version(activity_id)
        )


def test_a_draft_never_submitted_is_set_aside_audited_and_gone(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload()).id
    keep = harness.create("dpppa.staf", payload(title="Kegiatan yang tetap")).id
    with pytest.raises(StaleVersion):
        _discard(harness, "dpppa.staf", a, version=harness.version(a) + 5)
    with pytest.raises(NotAllowed):
        _discard(harness, "dpppa.kepala", a)  # the head does not draft
    with pytest.raises(NotFound):
        _discard(harness, "dinsos.staf", a)  # another OPD's
    _discard(harness, "dpppa.staf", a)
    assert _entries(harness, a)[-1] == ("discard", "draft", "draft")
    assert harness.audit_breaks() == []
    with harness.session() as s:
        row = s.get(Activity, a)
        assert row is not None and row.discarded_at is not None  # kept, marked
        actor = harness.actor("dpppa.staf")
        listed, _ = list_activities(s, actor, ListFilters())
        assert [x.id for x in listed] == [keep]
        with pytest.raises(NotFound):
            get_activity(s, harness.actor("auditor"), a)
    with pytest.raises(NotFound):
        harness.act("dpppa.staf", a, "submit")
    with pytest.raises(NotFound):
        _discard(harness, "dpppa.staf", a)


def test_a_submitted_draft_is_withdrawn_by_its_submitter_and_then_not_discarded(
    harness: Harness, payload
) -> None:
    a = harness.create("dpppa.staf", payload()).id
    harness.act("dpppa.staf", a, "submit")
    with harness.session() as s:
        assert "withdraw" in available_actions(s, harness.registry, harness.actor("dpppa.staf"), a)
        assert "withdraw" not in available_actions(
            s, harness.registry, harness.actor("dpppa.kepala"), a
        )
        # anyone but the submitter is refused by the flag's guard, whatever their roles
        loaded = load(s, a)
        assert loaded is not None
        (withdraw,) = [t for t in harness.runtime.workflow.transitions if t.withdraws]
        guard = actor_guards(harness.actor("dpppa.kepala"), withdraw, loaded)
        assert [v.code for v in guard] == ["withdraw_not_submitter"]
        assert actor_guards(harness.actor("dpppa.staf"), withdraw, loaded) == []
        s.rollback()
    harness.act("dpppa.staf", a, "withdraw")
    assert harness.state(a) == "draft"
    assert _entries(harness, a)[-1] == ("withdraw", "opd_review", "draft")
    assert "dpppa.kepala" in harness.notified(a, "withdraw")  # no longer waits on them
    with pytest.raises(Conflict):  # it was submitted once: withdrawn, not discarded
        _discard(harness, "dpppa.staf", a)
    harness.act("dpppa.staf", a, "submit")
    harness.act("dpppa.kepala", a, "approve")
    with pytest.raises(Conflict):  # the head has acted: too late to take it back
        harness.act("dpppa.staf", a, "withdraw")
    assert harness.state(a) == "budget_review"
