"""Gates: parallel (all) and quorum concurrence in the engine, on both databases, and the races
on PostgreSQL. Lampung's Persetujuan OPD mitra (every partner OPD's head, an objection returns)
and Sulawesi Tengah's Pokja (two of three, objections recorded)."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from core.errors import Conflict, DomainError, NotAllowed, NotFound, RuleFailed, StaleVersion
from core.hookspecs import hookimpl
from core.models import Activity, AuditEntry, GateDecision, OutboxMessage, RoleAssignment, User
from core.notifications import send_reminders
from core.plugins import Registry
from core.services import available_actions, get_activity, transition
from core.testing import Harness
from core.workflow import Workflow, WorkflowBuilder
from core.workflow_migration import MigrationRefused, diff_workflows, migrate, plan_migration
from tests.helpers import lampung_details, lampung_payload

PARTNERS = ["dinsos", "dinkes"]
TO_GATE = (("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
CONCUR, OBJECT = "setujui_mitra", "keberatan_mitra"
POKJA = ("sulteng.pokja1", "sulteng.pokja2", "sulteng.pokja3")


def at_gate(h: Harness, partners: list[str] = PARTNERS, **details: Any) -> int:
    body = lampung_payload(h.plan_id("lampung"))
    body["details"] = lampung_details(partner_opds=partners, **details)
    activity_id = h.create("dpppa.staf", body).id
    h.move(activity_id, *TO_GATE)
    return activity_id


def entries(h: Harness, activity_id: int) -> list[tuple[str, str, str | None]]:
    with h.session() as s:
        rows = s.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.comment)
            .where(AuditEntry.activity_id == activity_id)
            .order_by(AuditEntry.seq)
        )
        return [(r[0], r[1], r[2]) for r in rows]


def test_without_partners_the_gate_is_skipped(harness: Harness) -> None:
    assert harness.state(at_gate(harness, [])) == "budget_review"
    # Its own OPD among the partners is no partner.
    assert harness.state(at_gate(harness, ["dpppa"])) == "budget_review"


def test_every_partner_head_concurs_then_it_moves_on_once(harness: Harness) -> None:
    h = harness
    activity_id = at_gate(h)
    assert h.state(activity_id) == "partner_review"
    # The gate opening tells each partner's head, and the submitter (issue 16: the OPD hears
    # of every move; its head took this one).
    assert h.notified(activity_id, "approve") == ["dinkes.kepala", "dinsos.kepala", "dpppa.staf"]
    h.act("dinsos.kepala", activity_id, CONCUR)
    assert h.state(activity_id) == "partner_review"
    result = h.act("dinkes.kepala", activity_id, CONCUR, comment="Siap mendukung tenaga medis.")
    assert (result.from_state, result.to_state) == ("partner_review", "budget_review")
    assert h.state(activity_id) == "budget_review"
    assert entries(h, activity_id)[-3:] == [
        ("dinsos.kepala", CONCUR, None),
        ("dinkes.kepala", CONCUR, "Siap mendukung tenaga medis."),
        ("dinkes.kepala", "lanjut_dari_mitra", None),
    ]
    assert h.notified(activity_id, "lanjut_dari_mitra") == [
        "bappeda.verifikator",
        "dpppa.kepala",
        "dpppa.staf",
    ]
    with h.session() as s:
        decided = s.execute(select(GateDecision.party, GateDecision.decision, GateDecision.role))
        assert sorted(tuple(r) for r in decided) == [
            ("opd:dinkes", "concur", "opd_head"),
            ("opd:dinsos", "concur", "opd_head"),
        ]
    assert h.audit_breaks() == []


def test_a_land_conflict_goes_to_kesbangpol_after_the_partners(harness: Harness) -> None:
    activity_id = at_gate(harness, ["dinsos"], conflict_types=["lahan"])
    harness.act("dinsos.kepala", activity_id, CONCUR)
    assert harness.state(activity_id) == "kesbangpol_review"


def test_an_objection_returns_it_with_the_note(harness: Harness) -> None:
    h = harness
    activity_id = at_gate(h)
    with pytest.raises(RuleFailed) as err:
        h.act("dinsos.kepala", activity_id, OBJECT)
    assert err.value.codes() == ["comment_required"]
    note = "Anggaran pendamping dari Dinas Sosial belum dialokasikan."
    h.act("dinsos.kepala", activity_id, OBJECT, comment=note)
    assert h.state(activity_id) == "returned"
    assert entries(h, activity_id)[-2:] == [
        ("dinsos.kepala", OBJECT, note),
        ("dinsos.kepala", "kembalikan_dari_mitra", note),
    ]
    assert h.notified(activity_id, "kembalikan_dari_mitra") == ["dpppa.kepala", "dpppa.staf"]
    # The gate is closed: the other partner can no longer decide.
    with pytest.raises(Conflict):
        h.act("dinkes.kepala", activity_id, CONCUR)
    # Resubmitted, it is a new visit: every partner decides again.
    h.move(activity_id, *TO_GATE)
    assert h.state(activity_id) == "partner_review"
    h.act("dinsos.kepala", activity_id, CONCUR)
    h.act("dinkes.kepala", activity_id, CONCUR)
    assert h.state(activity_id) == "budget_review"


def test_who_may_decide(harness: Harness) -> None:
    h = harness
    activity_id = at_gate(h)
    h.act("dinsos.kepala", activity_id, CONCUR)
    with pytest.raises(Conflict) as twice:
        h.act("dinsos.kepala", activity_id, CONCUR)
    assert not isinstance(twice.value, StaleVersion)
    with pytest.raises(Conflict):
        h.act("dinsos.kepala", activity_id, OBJECT, comment="Berubah pikiran.")
    # A partner's staff sees the activity but cannot decide for the head; the activity's own
    # head and Bappeda are no parties.
    for username in ("dinsos.staf", "dpppa.kepala", "bappeda.verifikator"):
        with pytest.raises(NotAllowed):
            h.act(username, activity_id, CONCUR)
    # Another OPD (not a partner) and another province do not see it.
    for username in ("kesbangpol.kepala", "sulteng.dinsos.kepala"):
        with pytest.raises(NotFound):
            h.act(username, activity_id, CONCUR)
    # The engine's own moves are nobody's to take by hand.
    with pytest.raises(NotAllowed):
        h.act("dinkes.kepala", activity_id, "lanjut_dari_mitra")
    assert h.state(activity_id) == "partner_review"
    with h.session() as s:
        assert available_actions(s, h.registry, h.actor("dinkes.kepala"), activity_id) == [
            CONCUR,
            OBJECT,
        ]
        assert available_actions(s, h.registry, h.actor("dinsos.kepala"), activity_id) == []
        assert available_actions(s, h.registry, h.actor("dinsos.staf"), activity_id) == []
        get_activity(s, h.actor("dinsos.staf"), activity_id)  # a partner sees it
        with pytest.raises(NotFound):
            get_activity(s, h.actor("kesbangpol.kepala"), activity_id)


def test_a_stale_version_from_before_the_gate_is_refused(harness: Harness) -> None:
    h = harness
    body = lampung_payload(h.plan_id("lampung"))
    body["details"] = lampung_details(partner_opds=PARTNERS)
    activity_id = h.create("dpppa.staf", body).id
    h.act("dpppa.staf", activity_id, "submit")
    before = h.version(activity_id)
    h.act("dpppa.kepala", activity_id, "approve")
    entered = h.version(activity_id)
    h.act("dinsos.kepala", activity_id, CONCUR)
    with h.session() as s, pytest.raises(StaleVersion):
        transition(s, h.registry, h.actor("dinkes.kepala"), activity_id, CONCUR, before)
    with h.session() as s:
        # What the partner saw when the gate opened is still current: only decisions since.
        result = transition(s, h.registry, h.actor("dinkes.kepala"), activity_id, CONCUR, entered)
    assert result.to_state == "budget_review"


def test_a_partner_opd_without_a_head_is_refused_at_submit(harness: Harness) -> None:
    body = lampung_payload(harness.plan_id("lampung"))
    body["details"] = lampung_details(partner_opds=["dinsos", "satpolpp"])
    activity_id = harness.create("dpppa.staf", body).id
    with pytest.raises(RuleFailed) as err:
        harness.act("dpppa.staf", activity_id, "submit")
    assert err.value.codes() == ["gate_party_missing"]
    assert "Satuan Polisi Pamong Praja" in err.value.message
    assert harness.state(activity_id) == "draft"


def sulteng_at_pokja(h: Harness) -> int:
    h.province = "sulteng"
    activity_id = h.create("sulteng.dp3a.staf", h.demo_payload(0)).id
    h.move(activity_id, ("sulteng.dp3a.staf", "submit"), ("sulteng.dp3a.kepala", "approve"))
    assert h.state(activity_id) == "pokja_review"
    return activity_id


def test_two_of_three_pokja_reviewers(harness: Harness) -> None:
    h = harness
    activity_id = sulteng_at_pokja(h)
    assert h.notified(activity_id, "approve") == ["sulteng.dp3a.staf", *POKJA]
    h.act("sulteng.pokja1", activity_id, "setujui_pokja")
    assert h.state(activity_id) == "pokja_review"
    h.act("sulteng.pokja3", activity_id, "setujui_pokja")
    assert h.state(activity_id) == "budget_review"
    assert h.notified(activity_id, "lolos_pokja") == [
        "sulteng.bappeda",
        "sulteng.dp3a.kepala",
        "sulteng.dp3a.staf",
    ]
    with pytest.raises(Conflict):  # the gate has passed
        h.act("sulteng.pokja2", activity_id, "setujui_pokja")


def test_a_recorded_objection_waits_until_the_quorum_is_out_of_reach(harness: Harness) -> None:
    h = harness
    activity_id = sulteng_at_pokja(h)
    h.act("sulteng.pokja1", activity_id, "keberatan_pokja", comment="Indikator belum terukur.")
    assert h.state(activity_id) == "pokja_review"  # recorded, not decisive
    h.act("sulteng.pokja2", activity_id, "setujui_pokja")
    assert h.state(activity_id) == "pokja_review"
    h.act("sulteng.pokja3", activity_id, "setujui_pokja")
    assert h.state(activity_id) == "budget_review"

    second = sulteng_at_pokja(h)
    h.act("sulteng.pokja1", second, "keberatan_pokja", comment="Indikator belum terukur.")
    h.act("sulteng.pokja2", second, "keberatan_pokja", comment="Lokasi tumpang tindih.")
    assert h.state(second) == "returned"  # two concurrences can no longer be reached


def test_the_submitter_cannot_decide_on_their_own_activity(harness: Harness) -> None:
    h = harness
    activity_id = sulteng_at_pokja(h)
    with h.session() as s:
        staff = s.execute(select(User).where(User.username == "sulteng.dp3a.staf")).scalar_one()
        s.add(RoleAssignment(user_id=staff.id, role="pokja", province_id=staff.province_id))
        s.commit()
    try:
        with pytest.raises(RuleFailed) as err:
            h.act("sulteng.dp3a.staf", activity_id, "setujui_pokja")
        assert err.value.codes() == ["four_eyes"]
    finally:
        with h.session() as s:
            s.execute(delete(RoleAssignment).where(RoleAssignment.role == "pokja", _staff()))
            s.commit()


def _staff() -> Any:
    return RoleAssignment.user_id.in_(select(User.id).where(User.username == "sulteng.dp3a.staf"))


def test_reminders_go_only_to_the_parties_still_pending(harness: Harness) -> None:
    h = harness
    activity_id = at_gate(h)
    h.act("dinsos.kepala", activity_id, CONCUR)
    with h.session() as s:
        arrived = dt.datetime(2025, 3, 3, 3, 0, tzinfo=dt.UTC)  # a Monday, 10.00 WIB
        s.execute(
            update(Activity).where(Activity.id == activity_id).values(state_changed_at=arrived)
        )
        s.commit()
    with h.session() as s:
        ids = send_reminders(s, h.registry, dt.datetime(2025, 3, 12, 5, 0, tzinfo=dt.UTC))
    with h.session() as s:
        told = s.execute(
            select(User.username)
            .join(OutboxMessage, OutboxMessage.recipient_id == User.id)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.activity_id == activity_id)
        ).scalars()
        assert sorted(told) == ["dinkes.kepala"]


def test_a_gate_is_part_of_the_version_and_older_versions_still_load(registry) -> None:  # type: ignore[no-untyped-def]
    lampung = registry.get("lampung").workflow
    stored = Workflow.from_dict(lampung.to_dict())
    assert stored.gate("partner_review") == lampung.gate("partner_review")
    assert stored.version == lampung.version
    # A definition stored before gates: no "gate" key on any state, and none read.
    old = lampung.to_dict()
    old["states"] = [{k: v for k, v in st.items() if k != "gate"} for st in old["states"]]
    assert Workflow.from_dict(old).gated_states == ()


@pytest.mark.postgres
@pytest.mark.parametrize("run", range(3))
def test_the_last_partners_concurring_at_once_advance_it_once(pg: Harness, run: int) -> None:
    activity_id = at_gate(pg)
    version = pg.version(activity_id)
    errors = race(pg, activity_id, ["dinsos.kepala", "dinkes.kepala"], CONCUR, version)
    assert errors == []
    assert pg.state(activity_id) == "budget_review"
    actions = [a for _, a, _ in entries(pg, activity_id)]
    assert actions.count(CONCUR) == 2
    assert actions.count("lanjut_dari_mitra") == 1
    assert pg.notified(activity_id, "lanjut_dari_mitra") == [
        "bappeda.verifikator",
        "dpppa.kepala",
        "dpppa.staf",
    ]
    assert pg.audit_breaks() == []


@pytest.mark.postgres
def test_three_pokja_at_once_pass_the_quorum_once(pg: Harness) -> None:
    activity_id = sulteng_at_pokja(pg)
    errors = race(pg, activity_id, list(POKJA), "setujui_pokja", pg.version(activity_id))
    # Two concurrences pass it; the third finds the gate closed (409) or was among the two.
    assert all(isinstance(e, Conflict) for e in errors) and len(errors) <= 1
    assert pg.state(activity_id) == "budget_review"
    actions = [a for _, a, _ in entries(pg, activity_id)]
    assert actions.count("lolos_pokja") == 1
    assert actions.count("setujui_pokja") == 3 - len(errors)


@pytest.mark.postgres
def test_one_party_deciding_twice_at_once_counts_once(pg: Harness) -> None:
    activity_id = at_gate(pg)
    version = pg.version(activity_id)
    errors = race(pg, activity_id, ["dinsos.kepala", "dinsos.kepala"], CONCUR, version)
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    with pg.session() as s:
        assert len(s.execute(select(GateDecision)).scalars().all()) == 1
    assert pg.state(activity_id) == "partner_review"


def race(
    h: Harness, activity_id: int, usernames: list[str], action: str, version: int
) -> list[DomainError]:
    """Every user takes ``action`` at ``version`` at the same moment (threads, one connection
    each); the domain errors raised."""
    actors = [h.actor(u) for u in usernames]
    barrier = threading.Barrier(len(actors))
    errors: list[DomainError] = []

    def decide(i: int) -> None:
        with h.factory() as s:
            barrier.wait()
            try:
                transition(s, h.registry, actors[i], activity_id, action, version, {})
            except DomainError as err:
                errors.append(err)

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(len(actors))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return errors


def test_provinces_declare_their_gates(registry) -> None:  # type: ignore[no-untyped-def]
    lampung = registry.get("lampung").workflow.gate("partner_review")
    sulteng = registry.get("sulteng").workflow.gate("pokja_review")
    assert (lampung.rule, lampung.on_objection) == ("all", "send_back")
    assert (sulteng.rule, sulteng.quorum, sulteng.on_objection) == ("quorum", 2, "record")


class PartnerGateV2:
    """Lampung upgraded: the partner gate changed (``changes`` applied to its Gate)."""

    def __init__(self, **changes: Any) -> None:
        self.changes = changes

    @hookimpl(trylast=True)
    def customize_workflow(self, workflow: WorkflowBuilder) -> None:
        i = next(i for i, s in enumerate(workflow.states) if s.code == "partner_review")
        state = workflow.states[i]
        assert state.gate is not None
        workflow.states[i] = replace(state, gate=replace(state.gate, **self.changes))


def upgraded(h: Harness, **changes: Any) -> Harness:
    import plugins.lampung

    registry = Registry([plugins.lampung])  # a new process: its workflow is built afresh
    registry.get("lampung").pm.register(PartnerGateV2(**changes))
    return Harness(h.factory, registry)


def test_migrating_an_activity_inside_a_gate_keeps_its_decisions(harness: Harness) -> None:
    h = harness
    activity_id = at_gate(h)
    h.act("dinsos.kepala", activity_id, CONCUR)
    v2 = upgraded(h, label="Kepala OPD mitra (versi 2)")
    target = v2.runtime.workflow.version
    assert target != h.runtime.workflow.version
    diff = diff_workflows(h.runtime.workflow, v2.runtime.workflow)
    assert [a.code for a, _ in diff.states_changed] == ["partner_review"]
    assert "gate" in diff.lines()[0]
    with v2.session() as s:
        [move] = migrate(s, v2.runtime, target, {}, actor="uji")
    assert (move.from_state, move.to_state) == ("partner_review", "partner_review")
    # Dinas Sosial's concurrence still counts under the new version: one more passes it.
    v2.act("dinkes.kepala", activity_id, CONCUR)
    assert v2.state(activity_id) == "budget_review"
    assert v2.audit_breaks() == []


def test_a_migration_whose_gate_rule_the_given_decisions_already_meet_is_refused(
    harness: Harness,
) -> None:
    h = harness
    activity_id = at_gate(h)
    h.act("dinsos.kepala", activity_id, CONCUR)
    v2 = upgraded(h, rule="quorum", quorum=1)
    target = v2.runtime.workflow.version
    with v2.session() as s, pytest.raises(MigrationRefused) as err:
        plan_migration(s, v2.runtime, target, {})
    assert f"Kegiatan {activity_id}" in err.value.reasons[0]
    with v2.session() as s:
        migrate(s, v2.runtime, target, {"partner_review": "budget_review"}, actor="uji")
    assert v2.state(activity_id) == "budget_review"
