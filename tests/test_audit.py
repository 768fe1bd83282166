"""The audit trail's hash chain detects tampering (both backends)."""

from __future__ import annotations

import pytest
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


def test_edited_actor_id_is_detected(harness: Harness, payload) -> None:
    """The hash covers every column: another user's id with the username left as it was."""
    a = journey(harness, payload)
    with harness.session() as s:
        other = harness.actor("gubernur").user_id
        s.execute(
            update(AuditEntry)
            .where(AuditEntry.activity_id == a, AuditEntry.seq == 2)
            .values(actor_id=other)
        )
        s.commit()
        breaks = list(iter_breaks(s))
    assert [(b.seq, b.reason) for b in breaks] == [(2, "isi entri berubah (hash tidak cocok)")]


def _as_written_before(harness: Harness, activity_id: int, seqs: set[int]) -> None:
    """Rewrite the chain as the code before form 2 wrote it for the entries ``seqs`` (their
    hash without actor_id), relinking every later entry: a trail from before the change."""
    from core.audit import rehash

    with harness.session() as s:
        prev = "0" * 64
        for e in s.execute(
            select(AuditEntry).where(AuditEntry.activity_id == activity_id).order_by(AuditEntry.seq)
        ).scalars():
            e.prev_hash = prev
            e.hash = rehash(e, 1 if e.seq in seqs else 2)
            prev = e.hash
        s.commit()


def test_entries_written_before_actor_id_was_covered_still_verify(
    harness: Harness, payload
) -> None:
    from core.audit import Verification, walk_chains

    a = journey(harness, payload)
    _as_written_before(harness, a, {1, 2, 3})  # an old chain, continued after the upgrade
    with harness.session() as s:
        tally = Verification()
        assert list(walk_chains(s, tally)) == []
    assert tally.legacy == 3 and tally.entries >= 5


@pytest.mark.parametrize("column", ["comment", "actor_id"])
def test_an_old_form_hash_does_not_hide_an_edit(harness: Harness, payload, column: str) -> None:
    """An edited new entry matches neither form; an edited old entry's content (all but its
    actor_id, which form 1 never covered) breaks it too."""
    a = journey(harness, payload)
    _as_written_before(harness, a, {1, 2})
    other = harness.actor("gubernur").user_id
    value = {"comment": "Sudah baik.", "actor_id": other}[column]
    with harness.session() as s:
        for seq in (2, 4) if column == "comment" else (4,):
            s.execute(
                update(AuditEntry)
                .where(AuditEntry.activity_id == a, AuditEntry.seq == seq)
                .values({column: value})
            )
        s.commit()
        breaks = list(iter_breaks(s))
    expected = [2, 4] if column == "comment" else [4]
    assert [b.seq for b in breaks] == expected, breaks
