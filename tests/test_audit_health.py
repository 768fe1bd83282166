"""The audit chain's health for one province (``core.audit.chain_health``, what ``sepakat audit
verify`` finds, restricted to the province's activities), on both backends."""

from __future__ import annotations

from sqlalchemy import update

from core.audit import chain_health
from core.models import AuditEntry
from core.testing import Harness


def test_intact_then_tampered(harness: Harness, payload) -> None:  # type: ignore[no-untyped-def]
    a = harness.create("dpppa.staf", payload())
    b = harness.create("dinsos.staf", payload())
    harness.walk(a.id, "submit", "approve")
    province = harness.actor("admin.lampung").province_id
    with harness.session() as s:
        health = chain_health(s, province)
    assert health.intact and (health.entries, health.activities) == (4, 2)
    with harness.session() as s:
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.activity_id == a.id, AuditEntry.seq == 2)
            .values(comment="disisipkan")
        )
        s.commit()
        health = chain_health(s, province)
    assert not health.intact
    assert [(x.activity_id, x.seq) for x in health.breaks] == [(a.id, 2)]
    assert "hash" in health.breaks[0].reason and b.id not in {x.activity_id for x in health.breaks}
    with harness.session() as s:  # another province's health does not see Lampung's chains
        other = chain_health(s, harness.actor("sulteng.admin").province_id)
    assert other.intact and other.entries == 0
