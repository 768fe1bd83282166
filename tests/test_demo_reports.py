"""The demo's progress reports (issue 14): signed demo activities carry reports in every state of
the report workflow, filed and moved by the demo users through ``core.services.reports``;
``seed_demo`` stays idempotent, gives a database seeded before reports existed its reports, and
a plugin whose demo data has none (every plugin written before) seeds as before."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.hookspecs import hookimpl
from core.models import (
    Activity,
    ActivityYear,
    Opd,
    ProgressReport,
    Province,
    ReportAuditEntry,
    User,
)
from core.plugin_check import check_demo
from core.plugins import Registry, load_registry
from core.seed import DEMO_REPORT_NOTE, seed_demo
from core.testing import Harness, fresh_engine, harness_for, seeded
from core.types import DemoActivity, DemoData, DemoReport
from plugins.lampung.demo import DEMO as LAMPUNG_DEMO
from tests.plugins.contoh import Contoh


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[sessionmaker[Session], Registry]:
    """A fresh SQLite database with both provinces' demo data, as ``sepakat demo`` seeds it."""
    registry = load_registry()
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    factory = seeded(fresh_engine(f"sqlite:///{path}"), registry)
    with factory() as s:
        first = seed_demo(s, registry)
    assert (first.activities, first.reports) == (20, 9)
    return factory, registry


def lampung_reports(factory: sessionmaker[Session]) -> list[tuple[ProgressReport, str, str]]:
    with factory() as s:
        rows = s.execute(
            select(ProgressReport, Opd.code, Activity.pillar)
            .join(Opd, Opd.id == ProgressReport.opd_id)
            .join(Activity, Activity.id == ProgressReport.activity_id)
            .join(Province, Province.id == ProgressReport.province_id)
            .where(Province.code == "lampung")
            .order_by(ProgressReport.id)
        ).all()
    return [(r, o, p) for r, o, p in rows]


def test_lampung_demo_reports_are_in_every_state_across_opds_pillars_and_semesters(
    demo: tuple[sessionmaker[Session], Registry],
) -> None:
    factory, registry = demo
    rows = lampung_reports(factory)
    states = {r.state for r, _, _ in rows}
    assert states == {s.code for s in registry.get("lampung").report_workflow.states}
    assert {o for _, o, _ in rows} == {"dpppa", "dinsos"}
    assert {p for _, _, p in rows} == {"pencegahan", "pemberdayaan_partisipasi"}
    assert {r.period for r, _, _ in rows} == {"S1", "S2"}
    # "60 orang" planned, 45 trained in the first semester; spending stays below the pagu.
    trained = next(r for r, o, _ in rows if o == "dpppa" and (r.year, r.period) == (2022, "S1"))
    assert (trained.output_target, trained.output_realised, trained.output_unit) == (
        60,
        45,
        "orang",
    )
    with factory() as s:
        confirmed = {
            (y.activity_id, y.year): y.confirmed_budget
            for y in s.execute(select(ActivityYear)).scalars()
        }
    for r, _, _ in rows:
        if r.budget_realised is not None:
            assert 0 < r.budget_realised < (confirmed[(r.activity_id, r.year)] or 0)


def test_demo_reports_were_moved_by_the_demo_users_on_intact_chains(
    demo: tuple[sessionmaker[Session], Registry],
) -> None:
    factory, registry = demo
    with factory() as s:
        entries = s.execute(
            select(ReportAuditEntry.action, ReportAuditEntry.actor, ReportAuditEntry.comment)
            .join(ProgressReport, ProgressReport.id == ReportAuditEntry.report_id)
            .join(Province, Province.id == ProgressReport.province_id)
            .where(Province.code == "lampung")
        ).all()
        returned = s.execute(
            select(ProgressReport.revision_round).where(ProgressReport.state == "returned")
        ).scalar_one()
        filers = set(
            s.execute(
                select(User.username).join(ProgressReport, ProgressReport.created_by_id == User.id)
            ).scalars()
        )
    assert {a for a, _, _ in entries} == {"create", "submit", "approve", "verify", "return"}
    assert {actor for _, actor, _ in entries} == {
        "dpppa.staf",
        "dpppa.kepala",
        "dinsos.staf",
        "dinsos.kepala",
        "pokja.lampung",
    }
    assert [(actor, c) for a, actor, c in entries if a == "return"] == [
        ("pokja.lampung", DEMO_REPORT_NOTE)
    ]
    assert returned == 1
    assert filers == {"dpppa.staf", "dinsos.staf", "sulteng.dp3a.staf"}
    assert Harness(factory, registry).audit_breaks() == []


def test_sulteng_demo_reports_reach_bappedas_evaluation(
    demo: tuple[sessionmaker[Session], Registry],
) -> None:
    factory, _ = demo
    with factory() as s:
        states = sorted(
            s.execute(
                select(ProgressReport.state)
                .join(Province, Province.id == ProgressReport.province_id)
                .where(Province.code == "sulteng")
            ).scalars()
        )
    assert states == ["accepted", "bappeda_evaluation", "pokja_verification"]


def test_seeding_again_adds_no_report(demo: tuple[sessionmaker[Session], Registry]) -> None:
    factory, registry = demo
    before = len(lampung_reports(factory))
    with factory() as s:
        again = seed_demo(s, registry)
    assert (again.users, again.activities, again.reports) == (0, 0, 0)
    assert len(lampung_reports(factory)) == before


class Signed(Contoh):
    """Contoh with a signed demo activity, without reports (a plugin written before them)."""

    reports: tuple[DemoReport, ...] = ()

    @hookimpl
    def demo_data(self) -> DemoData:
        activity = DemoActivity(
            "dinas_a",
            "Pelatihan mediasi bagi perempuan",
            "pencegahan",
            ((2025, "30 orang", 100_000_000),),
            {},
            path=("submit", "approve", "confirm_budget", "sign"),
            reports=self.reports,
        )
        return replace(super().demo_data(), activities=(activity,))


class WithReports(Signed):
    """The same plugin, upgraded: its signed activity now carries a submitted yearly report."""

    reports = (
        DemoReport(
            2025,
            "T",
            {"output_target": 30, "output_realised": 24, "budget_realised": 80_000_000},
            ("submit",),
        ),
    )


def test_a_database_seeded_before_reports_gets_them_once(tmp_path: Path) -> None:
    h = harness_for(Signed(), f"sqlite:///{tmp_path / 'old.db'}")
    with h.session() as s:
        first = seed_demo(s, h.registry)
        assert (first.activities, first.reports) == (1, 0)  # an older plugin seeds as before
    upgraded = Harness(h.factory, Registry([WithReports()]), province="contoh")
    with upgraded.session() as s:
        second = seed_demo(s, upgraded.registry)
        third = seed_demo(s, upgraded.registry)
        rows = s.execute(select(ProgressReport.state, ProgressReport.output_realised)).all()
    assert (second.activities, second.reports, third.reports) == (0, 1, 0)
    assert [tuple(r) for r in rows] == [("head_review", 24)]
    assert upgraded.audit_breaks() == []


def test_the_plugin_check_follows_demo_reports() -> None:
    runtime = load_registry().get("lampung")
    assert check_demo(LAMPUNG_DEMO, runtime.info, runtime.reference, runtime) == []
    signed = next(a for a in LAMPUNG_DEMO.activities if a.reports)
    draft = next(a for a in LAMPUNG_DEMO.activities if not a.path)
    broken = (
        replace(draft, reports=signed.reports[:1]),  # not signed
        replace(
            signed,
            reports=(
                DemoReport(2022, "S3", {}),  # no such period
                DemoReport(2030, "S1", {}),  # not a year of the activity
                DemoReport(2022, "S1", {}, ("submit", "sign")),  # not a report action
                DemoReport(2022, "S1", {}),  # twice
            ),
        ),
    )
    problems = check_demo(
        replace(LAMPUNG_DEMO, activities=broken), runtime.info, runtime.reference, runtime
    )
    texts = [p.message for p in problems]
    assert [p.code for p in problems] == ["demo_report"] * 5, texts
    assert "hanya untuk kegiatan yang jalurnya berakhir ditetapkan" in texts[0]
    assert "periode 'S3'" in texts[1] and "Tahun 2030" in texts[2]
    assert "Aksi laporan 'sign'" in texts[3] and "dua kali" in texts[4]
