"""``sepakat plugins check``: consistent plugins pass; each kind of inconsistency is reported."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from core.hookspecs import hookimpl
from core.plugin_check import Problem, check_province
from core.plugins import Registry, load_registry
from core.types import (
    ActivityView,
    Code,
    DemoData,
    DemoUser,
    PlanInfo,
    ReferenceData,
    ReportingPeriod,
)
from core.workflow import State, Transition, WorkflowBuilder
from tests.helpers import SECRET_KEY
from tests.plugins.contoh import Contoh, Inspektorat

ROOT = Path(__file__).resolve().parents[2]


def problems(plugin: object) -> list[Problem]:
    (runtime,) = Registry([plugin])
    return check_province(runtime)


def codes(plugin: object) -> set[str]:
    return {p.code for p in problems(plugin)}


@pytest.mark.parametrize("code", ["lampung", "sulteng"])
def test_shipped_provinces_pass(code: str) -> None:
    assert check_province(load_registry().get(code)) == []


def test_test_provinces_pass() -> None:
    assert problems(Contoh()) == []
    assert problems(Inspektorat()) == []


class English(Contoh):
    @hookimpl
    def reference_data(self, reference: ReferenceData) -> None:
        super().reference_data(reference)
        reference.lists["pillars"] = [Code("prevention", "Prevention of conflict")]
        reference.lists["opds"].append(Code("dinas_a", ""))
        reference.lists["locations"] = [Code("Kota Contoh", "kota_contoh")]


def test_reference_problems() -> None:
    found = problems(English())
    assert {p.code for p in found} == {
        "label_not_indonesian",
        "code_duplicate",
        "label_empty",
        "code_format",
        "label_is_code",
    }
    assert any("Prevention of conflict" in p.message for p in found)


def test_sipd_unit_problems() -> None:
    class Units(Contoh):
        @hookimpl
        def reference_data(self, reference: ReferenceData) -> None:
            super().reference_data(reference)
            opd = reference.lists["opds"][0].code
            reference.lists["sipd_units"] = [
                Code(opd, "2.08.2.14.0.00.01.0000"),
                Code("dinas_hilang", "1.06.0.00.0.00.01.0000"),
                Code("dinas_lain", "kode 2,08"),
            ]

    found = [p for p in problems(Units()) if p.code.startswith("sipd")]
    assert sorted(p.code for p in found) == [
        "sipd_code_format",
        "sipd_unit_unknown",
        "sipd_unit_unknown",
    ]


class Graph(Contoh):
    """A stage with an undefined role, an orphan state, a dead end and a missing condition."""

    @hookimpl
    def customize_workflow(self, workflow: WorkflowBuilder) -> None:
        workflow.add_state(State("inspection", "Reviu Inspektorat"), after="budget_review")
        workflow.add_state(State("arsip", "Arsip"))
        workflow.reroute(
            action="confirm_budget", source="budget_review", target="inspection", when="besar"
        )


def test_workflow_problems() -> None:
    found = problems(Graph())
    by_code = {p.code: p for p in found}
    assert set(by_code) == {"state_unreachable", "dead_end", "condition_missing"}
    assert [p.where for p in found if p.code == "state_unreachable"] == ["status arsip"]
    assert {p.where for p in found if p.code == "dead_end"} == {"status inspection", "status arsip"}


def test_undefined_role_and_english_action() -> None:
    class Role(Contoh):
        @hookimpl
        def customize_workflow(self, workflow: WorkflowBuilder) -> None:
            workflow.add_transition(
                Transition(
                    "inspect", "budget_review", "governor_signoff", ("inspektorat",), "Review"
                )
            )

    found = problems(Role())
    assert {p.code for p in found} == {"role_undefined", "label_not_indonesian"}
    assert "extra_roles" in next(p.message for p in found if p.code == "role_undefined")


def test_demo_problems() -> None:
    class Demo(Contoh):
        @hookimpl
        def demo_data(self) -> DemoData:
            return DemoData(
                users=(
                    DemoUser("x", "X", "opd_staff", "dinas_z"),
                    DemoUser("y", "Y", "opd_head"),
                    DemoUser("y", "Y", "kepala_suku"),
                ),
                ceilings={"dinas_z": {2025: 1}},
            )

    assert codes(Demo()) == {"opd_unknown", "opd_missing", "code_duplicate", "role_undefined"}


class LongPeriod(Contoh):
    @hookimpl
    def reporting_periods(self, plan: PlanInfo, year: int) -> list[ReportingPeriod]:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return [ReportingPeriod("TRIWULAN_KEEMPAT", "Triwulan IV", start, end, end)]


def test_a_period_code_too_long_for_its_calendar_kind() -> None:
    assert codes(LongPeriod()) == {"period_code_too_long"}


def test_failing_hook_is_a_problem() -> None:
    class Broken(Contoh):
        @hookimpl
        def workflow_conditions(self) -> dict[str, Callable[[ActivityView], bool]]:
            raise KeyError("besar")

    found = problems(Broken())
    assert [(p.code, p.where) for p in found] == [("hook_failed", "alur")]


def invoke(plugin: object, *args: str, tmp_path: Path) -> tuple[int, str]:
    from sepakat.app import create_app
    from sepakat.cli import main

    def app():  # type: ignore[no-untyped-def]
        return create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.db'}",
                "SECRET_KEY": SECRET_KEY,
            },
            registry=Registry([plugin]),
        )

    result = CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=app))
    return result.exit_code, result.output


def test_cli_reports_problems_and_exits_1(tmp_path: Path) -> None:
    status, output = invoke(Graph(), "plugins", "check", "contoh", tmp_path=tmp_path)
    assert status == 1
    assert "[status arsip] Tidak terjangkau dari 'draft'." in output
    assert "4 masalah ditemukan." in output  # (stderr is mixed in by CliRunner)
    status, output = invoke(Contoh(), "plugins", "check", "contoh", tmp_path=tmp_path)
    assert status == 0, output
    assert "Tidak ada masalah" in output
    status, output = invoke(Contoh(), "plugins", "check", "maluku", tmp_path=tmp_path)
    assert status == 1 and "tidak terpasang" in output


def test_console_script_checks_installed_provinces(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": SECRET_KEY}
    for code in ("lampung", "sulteng"):
        done = subprocess.run(
            [sys.executable, "-m", "sepakat.cli", "plugins", "check", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Tidak ada masalah" in done.stdout
