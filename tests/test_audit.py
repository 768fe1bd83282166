"""The audit trail's hash chain detects tampering (both backends)."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from core.audit import iter_breaks
from core.models import AuditEntry
from core.testing import Harness


def journey(h: Harness, payload) -> int:  # type: ignore[no-untyped-def]
    a = h.create("dpppa.staf", payload())
    h.move(
        a.id,
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "return", {"comment": "Perbaiki target."}),
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
    )
    return a.id


def entry_id(h: Harness, activity_id: int, seq: int) -> int:
    with h.session() as s:
        return s.execute(
            select(AuditEntry.id).where(
                AuditEntry.activity_id == activity_id, AuditEntry.seq == seq
            )
        ).scalar_one()


def test_untouched_chain_verifies(harness: Harness, payload) -> None:
    journey(harness, payload)
    with harness.session() as s:
        assert list(iter_breaks(s)) == []


def test_edited_comment_is_detected(harness: Harness, payload) -> None:
    a = journey(harness, payload)
    with harness.session() as s:
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.activity_id == a, AuditEntry.seq == 3)
            .values(comment="Sudah baik.")
        )
        s.commit()
        breaks = list(iter_breaks(s))
    assert breaks[0].entry_id == entry_id(harness, a, 3)
    assert breaks[0].seq == 3 and "hash" in breaks[0].reason


def test_rehashed_entry_breaks_the_next_link(harness: Harness, payload) -> None:
    """A forger who recomputes the edited entry's own hash still breaks the next link."""
    from core.audit import rehash

    a = journey(harness, payload)
    with harness.session() as s:
        e = s.execute(
            select(AuditEntry).where(AuditEntry.activity_id == a, AuditEntry.seq == 2)
        ).scalar_one()
        e.actor = "dpppa.kepala"
        e.hash = rehash(e)
        s.commit()
        breaks = list(iter_breaks(s))
    assert [(b.seq, b.reason) for b in breaks] == [
        (3, "prev_hash tidak cocok dengan entri sebelumnya")
    ]


def test_deleted_entry_is_detected(harness: Harness, payload) -> None:
    a = journey(harness, payload)
    with harness.session() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.activity_id == a, AuditEntry.seq == 2))
        s.commit()
        breaks = list(iter_breaks(s))
    assert breaks and breaks[0].seq == 3
