"""What one transition writes, on both backends (PostgreSQL writes the state, the audit entry
and the outbox rows in one statement; SQLite in three): exactly the activity's new state, one
chained audit entry and the outbox rows it reports, and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select, update

from core.hookspecs import hookimpl
from core.models import Activity, AuditEntry, OutboxMessage, User
from core.testing import Harness


def row_of(h: Harness, activity_id: int) -> dict[str, Any]:
    with h.session() as s:
        a = s.get(Activity, activity_id)
        assert a is not None
        return {c.key: getattr(a, c.key) for c in Activity.__mapper__.column_attrs}


def outbox_of(h: Harness, activity_id: int) -> list[tuple[int, str, str]]:
    with h.session() as s:
        rows = s.execute(
            select(OutboxMessage.id, OutboxMessage.key, User.username)
            .join(User, User.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.activity_id == activity_id)
            .order_by(OutboxMessage.id)
        )
        return [(r.id, r.key, r.username) for r in rows]


def test_a_transition_writes_its_state_one_audit_entry_and_its_outbox_rows(
    harness: Harness, payload: Any
) -> None:
    h = harness
    mine = h.create("dpppa.staf", payload()).id
    other = h.create("dpppa.staf", payload()).id
    before, other_before = row_of(h, mine), row_of(h, other)

    result = h.act("dpppa.staf", mine, "submit")

    after = row_of(h, mine)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"state", "version", "submitted_by_id", "updated_at", "state_changed_at"}
    assert (after["state"], after["version"]) == ("opd_review", before["version"] + 1)
    assert row_of(h, other) == other_before
    with h.session() as s:
        entries = s.execute(
            select(AuditEntry).where(AuditEntry.activity_id == mine).order_by(AuditEntry.seq)
        ).scalars()
        created, submitted = list(entries)
    assert (submitted.seq, submitted.action, submitted.to_state) == (2, "submit", "opd_review")
    assert submitted.prev_hash == created.hash
    assert submitted.payload["workflow_version"] == before["workflow_version"]
    assert h.audit_breaks() == []
    sent = outbox_of(h, mine)
    assert [i for i, _, _ in sent] == result.outbox_ids
    head_id = h.actor("dpppa.kepala").user_id
    assert [(key, who) for _, key, who in sent] == [(f"t:{mine}:2:{head_id}", "dpppa.kepala")]
    assert outbox_of(h, other) == []


def test_recipients_that_match_nobody_active_still_move_the_activity(
    harness: Harness, payload: Any
) -> None:
    h = harness
    activity_id = h.create("dpppa.staf", payload()).id
    with head_inactive(h):
        result = h.act("dpppa.staf", activity_id, "submit")
    assert (h.state(activity_id), result.outbox_ids) == ("opd_review", [])
    assert outbox_of(h, activity_id) == []


@contextmanager
def head_inactive(h: Harness) -> Iterator[None]:
    """Users are seeded once per session: put the head back for the tests that follow."""
    head = User.username == "dpppa.kepala"
    with h.session() as s:
        s.execute(update(User).where(head).values(active=False))
        s.commit()
    try:
        yield
    finally:
        with h.session() as s:
            s.execute(update(User).where(head).values(active=True))
            s.commit()


class NobodyToTell:
    """Drops every recipient the other plugins name: the write without any outbox clause."""

    @hookimpl(wrapper=True)
    def notification_recipients(self, **_: Any) -> Any:
        yield
        return []


def test_no_recipients_at_all_still_moves_the_activity(harness: Harness, payload: Any) -> None:
    h = harness
    activity_id = h.create("dpppa.staf", payload()).id
    with h.plugged(NobodyToTell()):
        result = h.act("dpppa.staf", activity_id, "submit")
    assert (h.state(activity_id), result.seq, result.outbox_ids) == ("opd_review", 2, [])
    assert outbox_of(h, activity_id) == []
    assert h.audit_breaks() == []
