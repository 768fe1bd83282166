"""Workflow versions and progress reports (issue 14), on both backends: an activity migrated to
a new version of the activity workflow keeps its reports, which still move; a report on an old
version of the report workflow is migrated (its state mapped) like an activity, audited on its
own chain, and then moves on the new route. Each type's migration leaves the other's rows be."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

import plugins.lampung as lampung
from core.hookspecs import hookimpl
from core.models import Activity, AuditEntry, ProgressReport, ReportAuditEntry
from core.plugins import Registry
from core.testing import Harness, harness_for
from core.workflow import State, Transition, WorkflowBuilder, return_report
from core.workflow_migration import (
    ACTIVITIES,
    REPORTS,
    MigrationRefused,
    migrate,
    stored_versions,
    version_kinds,
)
from tests.helpers import lampung_payload
from tests.plugins.test_workflow_versions import invoke

DECREE = "G/288/V.09/HK/2022"
DONE = {"output_target": 60, "output_realised": 45, "output_unit": "orang"}


class LegalStage:
    """Version 2 of Lampung's activity workflow: Bappeda's legal check after the budget."""

    @hookimpl
    def customize_workflow(self, workflow: WorkflowBuilder) -> None:
        workflow.add_state(
            State("legal_check", "Telaah hukum", stage_role="bappeda"), after="budget_review"
        )
        workflow.reroute(action="confirm_budget", source="budget_review", target="legal_check")
        workflow.add_transition(
            Transition("clear", "legal_check", "governor_signoff", ("bappeda",), "Sesuai")
        )


class TwoStepReview:
    """Version 2 of Lampung's report workflow: Bappeda evaluates after the Kepala OPD, and the
    Pokja's verification is renamed ``pokja_check`` (so a report there needs a mapping)."""

    @hookimpl
    def customize_report_workflow(self, workflow: WorkflowBuilder) -> None:
        def renamed(code: str) -> str:
            return "pokja_check" if code == "pokja_verification" else code

        workflow.states = [
            State("pokja_check", s.label, stage_role=s.stage_role)
            if s.code == "pokja_verification"
            else s
            for s in workflow.states
        ]
        workflow.transitions = [
            replace(t, source=renamed(t.source), target=renamed(t.target))
            for t in workflow.transitions
        ]
        workflow.add_state(
            State("bappeda_evaluation", "Evaluasi Bappeda", stage_role="bappeda"),
            after="head_review",
        )
        workflow.reroute(action="approve", source="head_review", target="bappeda_evaluation")
        workflow.add_transition(
            Transition(
                "evaluate", "bappeda_evaluation", "pokja_check", ("bappeda",), "Evaluasi",
                four_eyes=True,
            )
        )  # fmt: skip
        workflow.add_transition(return_report("bappeda_evaluation", "bappeda"))


@pytest.fixture
def v1(database_url: str) -> Harness:
    """Lampung as shipped (version 1 of both workflows), on SQLite and PostgreSQL."""
    return harness_for(lampung, database_url)


def upgraded(h: Harness, extra: object) -> Harness:
    """The same database after Lampung's plugin changed a route (a new process and registry)."""
    registry = Registry([lampung])
    registry.get("lampung").pm.register(extra)
    return Harness(h.factory, registry, province="lampung")


def signed(h: Harness, years: tuple[int, ...] = (2023,)) -> int:
    body = lampung_payload(
        h.plan_id(),
        years=[{"year": y, "target": "60 orang", "proposed_budget": 150_000_000} for y in years],
    )
    activity_id = h.create("dpppa.staf", body).id
    h.walk(activity_id, "submit", "approve", "confirm_budget", "sign", decree_number=DECREE)
    return activity_id


def filed(h: Harness, activity_id: int, year: int, period: str, *path: str) -> int:
    report = h.file_report(
        "dpppa.staf", activity_id, year, period, budget_realised=100_000_000, **DONE
    )
    h.report_walk(report.id, *path, comment="Lengkapi bukti.")
    return report.id


def reports(h: Harness) -> dict[int, tuple[str, str, int]]:
    with h.session() as s:
        rows = s.execute(
            select(
                ProgressReport.id,
                ProgressReport.state,
                ProgressReport.workflow_version,
                ProgressReport.version,
            )
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


def state_of(h: Harness, report_id: int) -> str:
    return h.report(report_id).state


def test_an_activity_migrated_to_a_new_version_keeps_its_reports_and_they_move(
    v1: Harness,
) -> None:
    done = signed(v1)  # signed on version 1: finished, it stays there
    at_head = filed(v1, done, 2023, "S1", "submit")
    in_flight = v1.create("dpppa.staf", lampung_payload(v1.plan_id())).id
    v1.walk(in_flight, "submit", "approve")  # at Bappeda's budget review
    v2 = upgraded(v1, LegalStage())
    assert v2.runtime.workflow.version != v1.runtime.workflow.version
    assert v2.runtime.report_workflow.version == v1.runtime.report_workflow.version
    before = reports(v2)
    with v2.session() as s:
        moves = migrate(s, v2.runtime, v2.runtime.workflow.version, {}, actor="uji")
    assert [(m.activity_id, m.from_state, m.to_state, m.report_id) for m in moves] == [
        (in_flight, "budget_review", "budget_review", None)
    ]
    assert reports(v2) == before  # moving activities never touches a report
    with v2.session() as s:
        assert s.execute(select(ReportAuditEntry.action).distinct()).scalars().all() != []
        assert (
            s.execute(
                select(ReportAuditEntry.id).where(ReportAuditEntry.action == "migrate_workflow")
            ).first()
            is None
        )
        # Nothing of the report workflow to move: it did not change.
        same = v2.runtime.report_workflow.version
        assert migrate(s, v2.runtime, same, {}, actor="uji", kind=REPORTS) == []
    # The migrated activity goes on along version 2, is signed, and is reported on.
    v2.walk(in_flight, "confirm_budget")
    assert v2.state(in_flight) == "legal_check"
    v2.walk(in_flight, "clear", "sign", decree_number=DECREE)
    assert v2.state(in_flight) == "signed"
    on_v2 = filed(v2, in_flight, 2023, "S2", "submit", "approve", "verify")
    assert state_of(v2, on_v2) == "accepted"
    # The report of the activity signed on version 1 still moves.
    v2.report_walk(at_head, "approve", "verify")
    assert state_of(v2, at_head) == "accepted"
    with v2.session() as s:
        versions = {
            r[0]: r[1] for r in s.execute(select(Activity.id, Activity.workflow_version)).all()
        }
    assert versions == {done: v1.runtime.workflow.version, in_flight: v2.runtime.workflow.version}
    assert v2.audit_breaks() == []


def test_a_report_on_an_old_report_workflow_is_migrated_then_moves_on_the_new_route(
    v1: Harness,
) -> None:
    activity_id = signed(v1, (2023, 2024))
    at_pokja = filed(v1, activity_id, 2023, "S1", "submit", "approve")
    at_head = filed(v1, activity_id, 2023, "S2", "submit")
    draft = filed(v1, activity_id, 2024, "S1")
    accepted = filed(v1, activity_id, 2024, "S2", "submit", "approve", "verify")
    old = v1.runtime.report_workflow.version
    v2 = upgraded(v1, TwoStepReview())
    new = v2.runtime.report_workflow.version
    assert new != old and v2.runtime.workflow.version == v1.runtime.workflow.version
    # Filed before the upgrade, a report keeps its route until an operator moves it.
    assert reports(v2)[at_pokja][1] == old
    before = reports(v2)
    activity_before = v2.version(activity_id)
    with v2.session() as s, pytest.raises(MigrationRefused) as err:
        migrate(s, v2.runtime, new, {}, actor="uji", kind=REPORTS)
    assert err.value.reasons == [
        f"Status 'pokja_verification' tidak ada di versi {new} dan tidak dipetakan "
        f"(--map pokja_verification=STATUS_BARU): laporan {at_pokja}."
    ]
    for mapping, reason in (
        ({"pokja_verification": "accepted"}, "status akhir"),
        ({"pokja_verification": "tidak_ada"}, "tidak ada di versi"),
    ):
        with v2.session() as s, pytest.raises(MigrationRefused, match=reason):
            migrate(s, v2.runtime, new, mapping, actor="uji", kind=REPORTS)
    # Each type's versions are its own: no report moved to an activity route, nor the reverse.
    with v2.session() as s, pytest.raises(MigrationRefused, match="alur kegiatan"):
        migrate(s, v2.runtime, v2.runtime.workflow.version, {}, actor="uji", kind=REPORTS)
    with v2.session() as s, pytest.raises(MigrationRefused, match="tambahkan --reports"):
        migrate(s, v2.runtime, new, {}, actor="uji")
    assert reports(v2) == before

    mapping = {"pokja_verification": "pokja_check"}
    with v2.session() as s:
        planned = migrate(s, v2.runtime, new, mapping, actor="uji", kind=REPORTS, dry_run=True)
    assert reports(v2) == before
    moved = {m.row_id: (m.activity_id, m.from_state, m.to_state) for m in planned}
    assert all(m.report_id == m.row_id for m in planned)
    assert moved == {
        at_pokja: (activity_id, "pokja_verification", "pokja_check"),
        at_head: (activity_id, "head_review", "head_review"),
        draft: (activity_id, "draft", "draft"),
    }  # the accepted one is finished and stays
    with v2.session() as s:
        assert migrate(s, v2.runtime, new, mapping, actor="uji", kind=REPORTS) == planned
    after = reports(v2)
    for report_id, (_, _, to_state) in moved.items():
        assert after[report_id] == (to_state, new, before[report_id][2] + 1)
    assert after[accepted] == before[accepted]
    assert v2.version(activity_id) == activity_before  # the activity is not moved
    with v2.session() as s:
        entries = s.execute(
            select(ReportAuditEntry.report_id, ReportAuditEntry.role, ReportAuditEntry.payload)
            .where(ReportAuditEntry.action == "migrate_workflow")
            .order_by(ReportAuditEntry.report_id)
        ).all()
        assert (
            s.execute(select(AuditEntry.id).where(AuditEntry.action == "migrate_workflow")).all()
            == []
        )
        kinds = version_kinds(s, v2.runtime)
        assert (kinds[old], kinds[new]) == (REPORTS, REPORTS)
        assert kinds[v2.runtime.workflow.version] is ACTIVITIES
        assert [v.version for v in stored_versions(s, v2.runtime, REPORTS)] == [old, new]
        assert old not in [v.version for v in stored_versions(s, v2.runtime)]
    assert [(e[0], e[1], e[2]["from_version"]) for e in entries] == [
        (r, "sistem", old) for r in sorted(moved)
    ]
    assert v2.audit_breaks() == []
    # The new route: Bappeda's evaluation now comes between the Kepala OPD and the Pokja.
    v2.report_walk(at_head, "approve")
    assert state_of(v2, at_head) == "bappeda_evaluation"
    v2.report_walk(at_head, "evaluate", "verify")
    v2.report_walk(at_pokja, "verify")
    v2.report_walk(draft, "submit", "approve", "return", comment="Lampirkan daftar hadir.")
    assert [state_of(v2, r) for r in (at_head, at_pokja, draft)] == [
        "accepted",
        "accepted",
        "returned",
    ]


def test_cli_reports_flag(v1: Harness, tmp_path: Path) -> None:
    activity_id = signed(v1)
    at_pokja = filed(v1, activity_id, 2023, "S1", "submit", "approve")
    old = v1.runtime.report_workflow.version
    v2 = upgraded(v1, TwoStepReview())
    new = v2.runtime.report_workflow.version
    status, out = invoke(v2, tmp_path, "workflow", "diff", "lampung", "--reports")
    assert status == 0, out
    assert "Versi alur laporan lampung:" in out and "1 laporan" in out
    assert f"Perubahan {old} → {new}:" in out
    assert "+ status bappeda_evaluation (Evaluasi Bappeda)" in out
    assert "- status pokja_verification (Verifikasi Sekretariat Pokja)" in out
    # Without the flag, exactly as before: the activity workflow's versions only.
    status, out = invoke(v2, tmp_path, "workflow", "diff", "lampung")
    assert status == 0, out
    assert "Versi alur lampung:" in out and old not in out and "Hanya ada satu versi" in out
    args: tuple[str, ...] = ("workflow", "migrate", "lampung", "--reports", "--to", new)
    status, out = invoke(v2, tmp_path, *args)
    assert status == 1 and "DITOLAK: Status 'pokja_verification'" in out
    assert "Tidak ada laporan yang dipindahkan." in out
    mapped = (*args, "--map", "pokja_verification=pokja_check")
    status, out = invoke(v2, tmp_path, *mapped, "--dry-run")
    assert status == 0 and "Uji coba: 1 laporan akan dipindahkan" in out, out
    status, out = invoke(v2, tmp_path, *mapped, "--actor", "operator.pokja")
    assert status == 0, out
    assert f"laporan {at_pokja} (kegiatan {activity_id}): pokja_verification → pokja_check" in out
    assert "1 laporan dipindahkan" in out
    assert state_of(v2, at_pokja) == "pokja_check"
    status, out = invoke(v2, tmp_path, "audit", "verify")
    assert (status, out.strip()) == (0, "Jejak audit utuh.")
    # Nothing uses the old report version now: it is still told apart by its states.
    with v2.session() as s:
        assert version_kinds(s, v2.runtime)[old] is REPORTS
    status, out = invoke(v2, tmp_path, "workflow", "diff", "lampung")
    assert status == 0 and old not in out and new not in out, out
    status, out = invoke(v2, tmp_path, "workflow", "diff", "lampung", "--reports")
    assert status == 0 and f"{old}" in out and "0 laporan" in out, out
