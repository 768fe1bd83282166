"""Progress reports (issue 14): the second workflow type, moved by the same engine as activities
(the same checks, guarded write, hash chain and outbox), on both backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from core.errors import Conflict, NotAllowed, NotFound, RuleFailed, StaleVersion
from core.hookspecs import hookimpl
from core.models import OutboxMessage, ProgressReport, ReportAuditEntry, User
from core.plugin import ReportingPeriod, State, Transition, WorkflowBuilder
from core.services.reports import get_report, list_reports, update_report
from core.testing import Harness

DECREE = "G/288/V.09/HK/2022"
DONE = {
    "output_target": 60,
    "output_realised": 40,
    "output_unit": "orang",
    "budget_realised": 90_000_000,
}


def signed(h: Harness, payload: Any) -> int:
    activity_id = h.create("dpppa.staf", payload()).id
    h.walk(activity_id, "submit", "approve", "confirm_budget", "sign", decree_number=DECREE)
    return activity_id


def codes(err: pytest.ExceptionInfo[RuleFailed]) -> set[str]:
    return {v.code for v in err.value.violations}


def edit(h: Harness, username: str, report_id: int, **changes: Any) -> ProgressReport:
    with h.session() as s:
        version = h.report(report_id).version
        return update_report(s, h.registry, h.actor(username), report_id, version, changes)


def told(h: Harness, report_id: int, action: str) -> list[str]:
    """Who the outbox tells of a report's move (by the payload's report id)."""
    with h.session() as s:
        rows = s.execute(
            select(User.username, OutboxMessage.payload).join(
                OutboxMessage, OutboxMessage.recipient_id == User.id
            )
        ).all()
    return sorted(
        u for u, p in rows if p.get("report_id") == report_id and p.get("action") == action
    )


def test_a_report_goes_draft_head_pokja_accepted_with_a_return_on_its_own_chain(
    harness: Harness, payload: Any
) -> None:
    h = harness
    activity_id = signed(h, payload)
    report = h.file_report("dpppa.staf", activity_id, 2023, "S1", obstacles="Hujan deras")
    assert (report.state, report.version) == ("draft", 1)
    edit(h, "dpppa.staf", report.id, **DONE)
    h.report_act("dpppa.staf", report.id, "submit")
    h.report_act("dpppa.kepala", report.id, "return", comment="Lampirkan daftar hadir.")
    assert (h.report(report.id).state, h.report(report.id).revision_round) == ("returned", 1)
    edit(h, "dpppa.staf", report.id, follow_up="Daftar hadir dilampirkan")
    h.report_walk(report.id, "submit", "approve")
    assert sorted(told(h, report.id, "approve")) == ["dpppa.staf", "pokja.lampung"]
    result = h.report_act("pokja.lampung", report.id, "verify")
    assert (result.report_id, result.activity_id) == (report.id, activity_id)
    final = h.report(report.id)
    assert (final.state, final.follow_up, final.budget_realised) == (
        "accepted",
        "Daftar hadir dilampirkan",
        90_000_000,
    )
    with h.session() as s:
        chain = s.execute(
            select(ReportAuditEntry.action, ReportAuditEntry.to_state)
            .where(ReportAuditEntry.report_id == report.id)
            .order_by(ReportAuditEntry.seq)
        ).all()
    assert [a for a, _ in chain] == [
        "create",
        "edit",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
        "verify",
    ]
    assert h.audit_breaks() == []
    # The activity itself did not move: its chain and state are as signed.
    assert h.state(activity_id) == "signed"


def test_an_incomplete_report_is_refused_naming_each_missing_field(
    harness: Harness, payload: Any
) -> None:
    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1")
    with pytest.raises(RuleFailed) as err:
        h.report_act("dpppa.staf", report.id, "submit")
    assert codes(err) == {"output_required", "budget_required"}
    assert (h.report(report.id).state, h.report(report.id).version) == ("draft", 1)


def test_spending_more_than_confirmed_warns_but_moves(harness: Harness, payload: Any) -> None:
    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S2", **DONE)
    edit(h, "dpppa.staf", report.id, budget_realised=151_000_000)
    result = h.report_act("dpppa.staf", report.id, "submit")
    assert [w.code for w in result.warnings] == ["budget_over"]


def test_the_engine_guards_a_report_as_an_activity(harness: Harness, payload: Any) -> None:
    """Four eyes, roles, stale versions and the note: the activity's checks, worded for a
    report."""
    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1", **DONE)
    with pytest.raises(NotAllowed):
        h.report_act("pokja.lampung", report.id, "submit")
    h.report_act("dpppa.staf", report.id, "submit")
    with pytest.raises(RuleFailed) as err:
        h.report_act("dpppa.kepala", report.id, "return")
    assert codes(err) == {"comment_required"}
    with h.session() as s:
        from core.services.reports import transition_report

        with pytest.raises(StaleVersion):
            transition_report(s, h.registry, h.actor("dpppa.kepala"), report.id, "approve", 1)
    with pytest.raises(Conflict):
        h.report_act("pokja.lampung", report.id, "verify")  # not at verification yet


def test_only_a_signed_activity_is_reported_once_per_period(harness: Harness, payload: Any) -> None:
    h = harness
    draft = h.create("dpppa.staf", payload()).id
    with pytest.raises(Conflict):
        h.file_report("dpppa.staf", draft, 2023, "S1")
    activity_id = signed(h, payload)
    with pytest.raises(RuleFailed) as err:
        h.file_report("dpppa.staf", activity_id, 2025, "S3")
    assert codes(err) == {"year_not_planned", "period_unknown"}
    h.file_report("dpppa.staf", activity_id, 2023, "S1")
    with pytest.raises(Conflict):
        h.file_report("dpppa.staf", activity_id, 2023, "S1")
    with pytest.raises(NotAllowed):  # another OPD's operator sees it not: 404 first
        h.file_report("dpppa.kepala", activity_id, 2023, "S2")


def test_another_opd_sees_no_report_and_lists_are_scoped(harness: Harness, payload: Any) -> None:
    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1")
    with h.session() as s, pytest.raises(NotFound):
        get_report(s, h.actor("dinsos.staf"), report.id)
    with h.session() as s:
        assert [r.id for r in list_reports(s, h.actor("dinsos.staf"))] == []
        assert [r.id for r in list_reports(s, h.actor("pokja.lampung"))] == [report.id]
        assert [r.id for r in list_reports(s, h.actor("dpppa.kepala"))] == [report.id]
        assert get_report(s, h.actor("gubernur"), report.id).id == report.id


def test_an_accepted_report_is_no_longer_editable(harness: Harness, payload: Any) -> None:
    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1", **DONE)
    h.report_walk(report.id, "submit", "approve", "verify")
    with pytest.raises(Conflict):
        edit(h, "dpppa.staf", report.id, obstacles="terlambat")


class ExtraStage:
    """A province that adds a stage to the report workflow: Inspektorat reviews before the
    Pokja verifies."""

    @hookimpl
    def customize_report_workflow(self, workflow: WorkflowBuilder) -> None:
        workflow.add_state(
            State("inspektorat_review", "Reviu Inspektorat", stage_role="viewer"),
            after="head_review",
        )
        workflow.reroute(action="approve", source="head_review", target="inspektorat_review")
        workflow.add_transition(
            Transition("review", "inspektorat_review", "pokja_verification", ("viewer",), "Reviu")
        )


def test_hook_customize_report_workflow(harness: Harness, payload: Any) -> None:
    h = harness
    runtime = h.runtime
    activity_id = signed(h, payload)
    extra = ExtraStage()
    runtime.pm.register(extra)
    runtime.__dict__.pop("report_workflow", None)  # rebuilt with the plugin
    try:
        report = h.file_report("dpppa.staf", activity_id, 2023, "S1", **DONE)
        h.report_walk(report.id, "submit", "approve")
        assert h.report(report.id).state == "inspektorat_review"
        h.report_act("auditor", report.id, "review")
        h.report_act("pokja.lampung", report.id, "verify")
        assert h.report(report.id).state == "accepted"
    finally:
        runtime.pm.unregister(extra)
        runtime.__dict__.pop("report_workflow", None)
    # The report keeps the version it started on, stored with the activity's.
    with h.session() as s:
        stored = runtime.workflow_version(s, h.report(report.id).workflow_version)
    assert stored.state("inspektorat_review") is not None
    assert runtime.report_workflow.state("inspektorat_review") is None


def test_hook_reporting_periods(harness: Harness) -> None:
    class Quarterly:
        @hookimpl
        def reporting_periods(self, plan: Any, year: int) -> list[ReportingPeriod]:
            import datetime as dt

            return [
                ReportingPeriod(
                    f"TW{q}",
                    f"Triwulan {q}",
                    dt.date(year, 3 * q - 2, 1),
                    dt.date(year, 3 * q, 28),
                    dt.date(year, 3 * q, 28),
                )
                for q in (1, 2, 3, 4)
            ]

    plan = harness.runtime.info.plans[0]
    assert [p.code for p in harness.runtime.reporting_periods(plan, 2023)] == ["S1", "S2"]
    with harness.plugged(Quarterly()):
        assert [p.code for p in harness.runtime.reporting_periods(plan, 2023)] == [
            "TW1",
            "TW2",
            "TW3",
            "TW4",
        ]


def test_hook_report_rules(harness: Harness, payload: Any) -> None:
    from core.plugin import Violation

    class NeedsFollowUp:
        @hookimpl
        def report_rules(self, report: Any, transition: Any) -> list[Violation]:
            if transition.records_submitter and report.obstacles and not report.follow_up:
                return [Violation("follow_up_required", "Tindak lanjut wajib diisi.", "follow_up")]
            return []

    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1", obstacles="Banjir", **DONE)
    with h.plugged(NeedsFollowUp()):
        with pytest.raises(RuleFailed) as err:
            h.report_act("dpppa.staf", report.id, "submit")
        assert codes(err) == {"follow_up_required"}
        edit(h, "dpppa.staf", report.id, follow_up="Jadwal ulang")
        h.report_act("dpppa.staf", report.id, "submit")


def test_hook_report_recipients(harness: Harness, payload: Any) -> None:
    from core.plugin import Recipient

    class TellAuditor:
        @hookimpl
        def report_recipients(self, report: Any, transition: Any) -> list[Recipient]:
            return [Recipient(role="viewer")] if transition.records_submitter else []

    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1", **DONE)
    with h.plugged(TellAuditor()):
        h.report_act("dpppa.staf", report.id, "submit")
    assert "auditor" in told(h, report.id, "submit")
    assert "dpppa.kepala" in told(h, report.id, "submit")


def test_report_chain_tampering_is_found(harness: Harness, payload: Any) -> None:
    """The walk of ``sepakat audit verify`` covers the reports' chains (the test database has no
    trigger: tests/standing/test_audit_integrity.py shows the migrated one refusing)."""
    h = harness
    report = h.file_report("dpppa.staf", signed(h, payload), 2023, "S1", **DONE)
    h.report_act("dpppa.staf", report.id, "submit")
    assert h.audit_breaks() == []
    with h.session() as s:
        s.execute(text("UPDATE report_audit_entries SET comment = 'diubah' WHERE seq = 2"))
        s.commit()
    (found,) = h.audit_breaks()
    assert (found.report_id, found.seq) == (report.id, 2)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # sniffed by its magic number


def test_evidence_is_the_reports_own_while_it_is_editable(
    harness: Harness, payload: Any, tmp_path: Any
) -> None:
    from core.services import attachments
    from core.storage import LocalStorage

    h = harness
    activity_id = signed(h, payload)
    report = h.file_report("dpppa.staf", activity_id, 2023, "S1", **DONE)
    storage, limits = LocalStorage(tmp_path), attachments.Limits(1_000_000, 5)
    with h.session() as s:
        photo = attachments.add_to_report(
            s,
            h.registry,
            storage,
            limits,
            h.actor("dpppa.staf"),
            report.id,
            data=PNG,
            filename="kegiatan.png",
        )
        s.commit()
    with h.session() as s:
        assert [a.id for a in attachments.of_report(s, h.actor("pokja.lampung"), report.id)] == [
            photo.id
        ]
        assert attachments.of_activity(s, h.actor("dpppa.staf"), activity_id) == []
        with pytest.raises(NotFound):
            attachments.visible(s, h.actor("dinsos.staf"), photo.id)
    assert h.report(report.id).version == 2  # the evidence is an entry of the report's chain
    h.report_act("dpppa.staf", report.id, "submit")
    with h.session() as s, pytest.raises(Conflict):
        attachments.remove(s, h.registry, h.actor("dpppa.staf"), photo.id)
    assert h.audit_breaks() == []
