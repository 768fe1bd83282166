"""Sulawesi Tengah's progress reports (issue 14): a province that adds a stage to the report
workflow through ``customize_report_workflow`` (Bappeda's evaluation between the Kepala OPD and
the Pokja secretariat), walked for real on both backends (its demo reports:
tests/test_demo_reports.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from core.errors import NotAllowed
from core.models import ReportAuditEntry
from core.services.reports import report_actions
from core.testing import Harness
from tests.plugins.test_sulteng import DECREE, POKJA
from tests.test_reports import told

FIELDS = {
    "output_target": 40,
    "output_realised": 34,
    "output_unit": "orang",
    "budget_realised": 150_000_000,
}


def signed(h: Harness, new_sulteng: Callable[..., int]) -> int:
    activity_id = new_sulteng()
    h.move(
        activity_id,
        ("sulteng.dp3a.staf", "submit"),
        ("sulteng.dp3a.kepala", "approve"),
        *POKJA,
        ("sulteng.bappeda", "confirm_budget"),
        ("sulteng.birohukum", "clear_legal"),
        ("sulteng.gubernur", "sign", {"decree_number": DECREE}),
    )
    assert h.state(activity_id) == "signed"
    return activity_id


def test_the_report_workflow_has_bappedas_evaluation_and_lampungs_does_not(
    sulteng: Harness,
) -> None:
    workflow = sulteng.runtime.report_workflow
    assert [s.code for s in workflow.states][:4] == [
        "draft",
        "head_review",
        "bappeda_evaluation",
        "pokja_verification",
    ]
    assert workflow.label("bappeda_evaluation") == "Evaluasi Bappeda"
    (approve,) = workflow.candidates("head_review", "approve")
    assert approve.target == "bappeda_evaluation"
    lampung = sulteng.registry.get("lampung").report_workflow
    assert lampung.state("bappeda_evaluation") is None
    assert workflow.version != lampung.version


def test_a_report_walks_through_bappedas_evaluation(
    sulteng: Harness,
    new_sulteng: Callable[..., int],
) -> None:
    h = sulteng
    activity_id = signed(h, new_sulteng)
    report = h.file_report("sulteng.dp3a.staf", activity_id, 2026, "T", **FIELDS)
    h.report_act("sulteng.dp3a.staf", report.id, "submit")
    h.report_act("sulteng.dp3a.kepala", report.id, "approve")
    assert h.report(report.id).state == "bappeda_evaluation"
    assert "sulteng.bappeda" in told(h, report.id, "approve")  # the next stage is told
    # Only Bappeda acts at its evaluation: not the Pokja, not the Kepala OPD.
    for username in ("sulteng.pokja1", "sulteng.dp3a.kepala"):
        with pytest.raises(NotAllowed):
            h.report_act(username, report.id, "evaluate")
    with h.session() as s:
        actions = report_actions(s, h.registry, h.actor("sulteng.bappeda"), report.id)
    assert sorted(actions) == ["evaluate", "return"]
    # Bappeda sends it back with a note: a new round, back to the operator.
    h.report_act("sulteng.bappeda", report.id, "return", comment="Sertakan daftar hadir.")
    assert (h.report(report.id).state, h.report(report.id).revision_round) == ("returned", 1)
    h.report_walk(report.id, "submit", "approve")
    h.report_act("sulteng.bappeda", report.id, "evaluate")
    assert h.report(report.id).state == "pokja_verification"
    assert "sulteng.pokja1" in told(h, report.id, "evaluate")
    h.report_act("sulteng.pokja2", report.id, "verify")
    assert h.report(report.id).state == "accepted"
    with h.session() as s:
        chain = s.execute(
            select(ReportAuditEntry.action, ReportAuditEntry.to_state)
            .where(ReportAuditEntry.report_id == report.id)
            .order_by(ReportAuditEntry.seq)
        ).all()
    assert [tuple(e) for e in chain] == [
        ("create", "draft"),
        ("submit", "head_review"),
        ("approve", "bappeda_evaluation"),
        ("return", "returned"),
        ("submit", "head_review"),
        ("approve", "bappeda_evaluation"),
        ("evaluate", "pokja_verification"),
        ("verify", "accepted"),
    ]
    assert h.audit_breaks() == []
