"""Clarification threads: Bappeda asks the OPD for the basis of a cost without moving the
activity; the OPD answers; both are told, audited in the hash chain, visible to whoever sees
the activity. No state change, no revision round."""

from __future__ import annotations

import pytest

from core.errors import Conflict, NotAllowed, NotFound, RuleFailed
from core.services import activity_history
from core.services.clarifications import answer, ask, thread
from core.testing import Harness
from tests.helpers import lampung_payload


def test_a_question_and_its_answer(harness: Harness) -> None:
    h = harness
    activity_id = h.create("dpppa.staf", lampung_payload(h.plan_id("lampung"))).id
    h.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    state, version = h.state(activity_id), h.version(activity_id)
    question = "Mohon dasar perhitungan honor fasilitator Rp 150 juta."
    with h.session() as s:
        item = ask(s, h.registry, h.actor("bappeda.verifikator"), activity_id, question)
    assert h.state(activity_id) == state  # no move
    assert h.notified(activity_id, "tanya_klarifikasi") == ["dpppa.kepala", "dpppa.staf"]
    with h.session() as s, pytest.raises(NotAllowed):  # the OPD answers, it does not ask
        ask(s, h.registry, h.actor("dpppa.staf"), activity_id, "?")
    with h.session() as s, pytest.raises(RuleFailed):
        ask(s, h.registry, h.actor("bappeda.verifikator"), activity_id, " ")
    with h.session() as s, pytest.raises(NotFound):  # another province
        ask(s, h.registry, h.actor("sulteng.bappeda"), activity_id, question)
    with h.session() as s, pytest.raises(NotAllowed):  # only the OPD answers
        answer(s, h.registry, h.actor("gubernur"), activity_id, item.id, "Tidak tahu.")
    reply = "Sesuai standar biaya masukan Pergub 2023, 3 hari x 20 fasilitator."
    with h.session() as s:
        answer(s, h.registry, h.actor("dpppa.staf"), activity_id, item.id, reply)
    with h.session() as s, pytest.raises(Conflict):
        answer(s, h.registry, h.actor("dpppa.kepala"), activity_id, item.id, "Lagi.")
    assert h.notified(activity_id, "jawab_klarifikasi") == ["bappeda.verifikator"]
    with h.session() as s:
        [got] = thread(s, h.actor("auditor"), activity_id)  # whoever sees the activity
        assert (got.question, got.answer) == (question, reply)
        entries = activity_history(s, h.actor("auditor"), activity_id)
        assert [(e.action, e.from_state, e.to_state, e.comment) for e in entries[-2:]] == [
            ("tanya_klarifikasi", state, state, question),
            ("jawab_klarifikasi", state, state, reply),
        ]
    assert h.state(activity_id) == state and h.version(activity_id) == version + 2
    with h.session() as s:
        from core.models import Activity

        assert s.get(Activity, activity_id).revision_round == 0  # type: ignore[union-attr]
    # The activity still moves on as before.
    h.act("bappeda.verifikator", activity_id, "confirm_budget")
    assert h.audit_breaks() == []
