"""``mark_published_apart``: the after-commit publisher marks the rows it handed over in a
transaction of its own, on a bare connection (the array form on PostgreSQL's driver cursor, an
IN list on SQLite); rows it did not name are left unsent. Both databases."""

from __future__ import annotations

from sqlalchemy import select

from core.models import OutboxMessage, utcnow
from core.notifications import mark_published_apart
from core.testing import Harness
from tests.helpers import lampung_payload


def test_only_the_named_rows_are_marked_once(harness: Harness) -> None:
    activity = harness.create("dpppa.staf", lampung_payload(harness.plan_id()))
    submitted, approved = harness.walk(activity.id, "submit", "approve")
    named = approved.outbox_ids
    assert named and submitted.outbox_ids
    now = utcnow().replace(microsecond=0)
    with harness.session() as s:
        engine = s.get_bind()
    mark_published_apart(engine, named, now)  # type: ignore[arg-type]
    mark_published_apart(engine, [], now)  # type: ignore[arg-type]  # nothing to do
    with harness.session() as s:
        rows = {o.id: o for o in s.execute(select(OutboxMessage)).scalars()}
    assert all(rows[i].sent_at == now and rows[i].attempts == 1 for i in named)
    assert all(rows[i].sent_at is None and rows[i].attempts == 0 for i in submitted.outbox_ids)
