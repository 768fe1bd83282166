"""Versioned workflows: the plugin's route changes (same province code, another
``customize_workflow``); activities in flight keep their version until an operator migrates them
with an explicit state mapping, audited, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import select

from core.hookspecs import hookimpl
from core.models import Activity, AuditEntry, WorkflowDefinition
from core.plugins import Registry
from core.testing import Harness, harness_for
from core.workflow import State, Transition, WorkflowBuilder, return_transition
from core.workflow_migration import (
    MigrationRefused,
    diff_workflows,
    migrate,
    plan_migration,
    stored_versions,
)
from tests.plugins.contoh import BIG, Inspektorat, payload


class Renamed(Inspektorat):
    """Version 2: the inspection stage is now an audit by the same role, for every activity."""

    @hookimpl
    def customize_workflow(self, workflow: WorkflowBuilder) -> None:
        workflow.add_state(
            State("audit_review", "Audit Inspektorat", stage_role="inspektorat"),
            after="budget_review",
        )
        workflow.reroute(action="confirm_budget", source="budget_review", target="audit_review")
        workflow.add_transition(
            Transition("audit", "audit_review", "governor_signoff", ("inspektorat",), "Audit")
        )
        workflow.add_transition(return_transition("audit_review", "inspektorat"))


@pytest.fixture
def v1(database_url: str) -> Harness:
    """Version 1 of the province on SQLite and PostgreSQL."""
    return harness_for(Inspektorat(), database_url)


def v2_of(h: Harness) -> Harness:
    """The same database after the plugin was upgraded (a new process, a new registry)."""
    return Harness(h.factory, Registry([Renamed()]), province="contoh")


def snapshot(h: Harness) -> dict[int, tuple[str, str, int]]:
    with h.session() as s:
        rows = s.execute(
            select(Activity.id, Activity.state, Activity.workflow_version, Activity.version)
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


@pytest.fixture
def in_flight(v1: Harness) -> dict[str, int]:
    """Activities started on version 1, one in each interesting state."""
    ids = {
        "inspection": v1.create("a.staf", payload(v1, budget=BIG)).id,
        "continues": v1.create("a.staf", payload(v1, budget=BIG)).id,
        "opd_review": v1.create("a.staf", payload(v1)).id,
        "draft": v1.create("b.staf", payload(v1)).id,
        "signed": v1.create("a.staf", payload(v1)).id,
    }
    v1.walk(ids["inspection"], "submit", "approve", "confirm_budget")
    v1.walk(ids["continues"], "submit", "approve", "confirm_budget")
    v1.walk(ids["opd_review"], "submit")
    v1.walk(ids["signed"], "submit", "approve", "confirm_budget")
    v1.walk(ids["signed"], "sign", decree_number="Peraturan Gubernur Contoh Nomor 3 Tahun 2025")
    return ids


def test_activities_keep_the_route_they_started_on(v1: Harness, in_flight: dict[str, int]) -> None:
    old = v1.runtime.workflow.version
    v2 = v2_of(v1)
    assert v2.runtime.workflow.version != old
    # Started on version 1: still inspected, although version 2 has no such stage.
    v2.walk(in_flight["continues"], "inspect")
    assert v2.state(in_flight["continues"]) == "governor_signoff"
    # New activities start on version 2.
    fresh = v2.create("a.staf", payload(v2, budget=1)).id
    v2.walk(fresh, "submit", "approve", "confirm_budget")
    assert v2.state(fresh) == "audit_review"
    with v2.session() as s:
        versions = [v.version for v in stored_versions(s, v2.runtime)]
        assert versions == [old, v2.runtime.workflow.version]
        assert s.execute(
            select(Activity.workflow_version).where(Activity.id == fresh)
        ).scalar_one() == (v2.runtime.workflow.version)


def test_diff(v1: Harness) -> None:
    v2 = v2_of(v1)
    diff = diff_workflows(v1.runtime.workflow, v2.runtime.workflow)
    assert [s.code for s in diff.states_added] == ["audit_review"]
    assert [s.code for s in diff.states_removed] == ["inspection"]
    assert {(t.action, t.source) for t in diff.transitions_removed} == {
        ("confirm_budget", "budget_review"),  # the conditional one
        ("inspect", "inspection"),
        ("return", "inspection"),
    }
    assert [(a.target, b.target) for a, b in diff.transitions_changed] == [
        ("governor_signoff", "audit_review")
    ]
    assert "- status inspection (Reviu Inspektorat)" in diff.lines()
    assert diff_workflows(v1.runtime.workflow, v1.runtime.workflow).empty


def test_migrate_refuses_unmapped_states(v1: Harness, in_flight: dict[str, int]) -> None:
    v2 = v2_of(v1)
    before = snapshot(v2)
    target = v2.runtime.workflow.version
    with v2.session() as s, pytest.raises(MigrationRefused) as err:
        migrate(s, v2.runtime, target, {}, actor="uji")
    assert len(err.value.reasons) == 1
    assert "'inspection'" in err.value.reasons[0]
    assert str(in_flight["inspection"]) in err.value.reasons[0]
    bad_mappings = {
        "tidak_ada": "tidak ada di versi",
        "signed": "status akhir",
        "draft": "sudah dikonfirmasi",  # its pagu is booked; it would be confirmed twice
        "budget_review": "sudah dikonfirmasi",
    }
    for to_state, reason in bad_mappings.items():
        with v2.session() as s, pytest.raises(MigrationRefused) as err:
            migrate(s, v2.runtime, target, {"inspection": to_state}, actor="uji")
        assert reason in err.value.message
    with v2.session() as s, pytest.raises(Exception, match="tidak dikenal"):
        migrate(s, v2.runtime, "000000000000", {"inspection": "audit_review"}, actor="uji")
    assert snapshot(v2) == before


def test_migrate_dry_run_then_real(v1: Harness, in_flight: dict[str, int]) -> None:
    v2 = v2_of(v1)
    target = v2.runtime.workflow.version
    mapping = {"inspection": "audit_review"}
    before = snapshot(v2)
    with v2.session() as s:
        planned = migrate(s, v2.runtime, target, mapping, actor="uji", dry_run=True)
    assert snapshot(v2) == before
    with v2.session() as s:
        assert s.get(WorkflowDefinition, ("contoh", target)) is None  # a dry run stores nothing
    moved = {m.activity_id: (m.from_state, m.to_state) for m in planned}
    assert moved == {
        in_flight["inspection"]: ("inspection", "audit_review"),
        in_flight["continues"]: ("inspection", "audit_review"),
        in_flight["opd_review"]: ("opd_review", "opd_review"),
        in_flight["draft"]: ("draft", "draft"),
    }  # the signed one is finished and stays

    with v2.session() as s:
        assert migrate(s, v2.runtime, target, mapping, actor="uji") == planned
    after = snapshot(v2)
    for activity_id, (_, to_state) in moved.items():
        assert after[activity_id][:2] == (to_state, target)
        assert after[activity_id][2] == before[activity_id][2] + 1
    assert after[in_flight["signed"]] == before[in_flight["signed"]]
    with v2.session() as s:
        entries = s.execute(
            select(
                AuditEntry.activity_id, AuditEntry.actor, AuditEntry.role, AuditEntry.payload
            ).where(AuditEntry.action == "migrate_workflow")
        ).all()
        assert s.get(WorkflowDefinition, ("contoh", target)) is not None
    assert sorted(e[0] for e in entries) == sorted(moved)
    assert {(e[1], e[2], e[3]["workflow_version"]) for e in entries} == {("uji", "sistem", target)}
    assert v2.audit_breaks() == []
    # The moved activity follows version 2 now; nothing left to move.
    v2.walk(in_flight["inspection"], "audit")
    assert v2.state(in_flight["inspection"]) == "governor_signoff"
    with v2.session() as s:
        assert plan_migration(s, v2.runtime, target, {}) == []


def invoke(h: Harness, tmp_path: Path, *args: str) -> tuple[int, str]:
    from sepakat.app import create_app
    from sepakat.cli import main
    from tests.helpers import SECRET_KEY

    url = h.factory.kw["bind"].url.render_as_string(hide_password=False)

    def app():  # type: ignore[no-untyped-def]
        return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY}, h.registry)

    # The command checks the secret key before it builds the app: given here, so the test does
    # not depend on an earlier one having written the instance's key file.
    env = {"SECRET_KEY": SECRET_KEY}
    result = CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=app), env=env)
    return result.exit_code, result.output


def test_cli(v1: Harness, in_flight: dict[str, int], tmp_path: Path) -> None:
    old = v1.runtime.workflow.version
    v2 = v2_of(v1)
    new = v2.runtime.workflow.version
    status, out = invoke(v2, tmp_path, "workflow", "diff", "contoh")
    assert status == 0, out
    assert f"{old}" in out and f"{new}" in out and "(saat ini)" in out
    assert f"Perubahan {old} → {new}:" in out
    assert "+ status audit_review (Audit Inspektorat)" in out
    assert "- status inspection (Reviu Inspektorat)" in out

    before = snapshot(v2)
    status, out = invoke(v2, tmp_path, "workflow", "migrate", "contoh", "--to", new)
    assert status == 1 and "DITOLAK: Status 'inspection'" in out
    status, out = invoke(
        v2, tmp_path, "workflow", "migrate", "contoh", "--to", new,
        "--map", "inspection=audit_review", "--dry-run",
    )  # fmt: skip
    assert status == 0, out
    assert "Uji coba: 4 kegiatan" in out
    assert snapshot(v2) == before
    status, out = invoke(
        v2, tmp_path, "workflow", "migrate", "contoh", "--to", new,
        "--map", "inspection=audit_review", "--actor", "operator.bappeda",
    )  # fmt: skip
    assert status == 0, out
    assert "4 kegiatan dipindahkan" in out
    assert v2.state(in_flight["inspection"]) == "audit_review"
    status, out = invoke(v2, tmp_path, "audit", "verify")
    assert (status, out.strip()) == (0, "Jejak audit utuh.")
    status, out = invoke(v2, tmp_path, "workflow", "migrate", "contoh", "--to", new, "--map", "x")
    assert status == 2 and "STATUS_LAMA=STATUS_BARU" in out
