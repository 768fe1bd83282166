"""The declared plugin API: ``core.plugin`` re-exports what a province uses, and the
``plugins-api`` import contract (setup.cfg) holds the shipped provinces to it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import core.plugin
import core.plugin.testing
from tests.plugins.contract import ROOT, contract_for, lint


@pytest.mark.parametrize("module", [core.plugin, core.plugin.testing])
def test_every_exported_name_exists(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert names and len(names) == len(set(names))
    assert all(getattr(module, name, None) is not None for name in names)


@pytest.mark.parametrize("path", ["core/plugin/__init__.py", "core/plugin/testing.py"])
def test_the_api_is_re_exports_only(path: str) -> None:
    """No logic of its own: a docstring, imports and ``__all__``."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    for node in body:
        is_all = isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "__all__"
        assert isinstance(node, ast.ImportFrom) or is_all, ast.unparse(node)
    exported = set(
        importlib.import_module(path[:-3].replace("/", ".").removesuffix(".__init__")).__all__
    )
    imported = {a.asname or a.name for n in body if isinstance(n, ast.ImportFrom) for a in n.names}
    assert exported == imported  # everything imported is exported, nothing else


def test_the_api_has_what_a_province_uses() -> None:
    expected = {
        "hookimpl", "ProvinceInfo", "PlanInfo", "Code", "ReferenceData", "RoleInfo", "Recipient",
        "ActivityView", "DemoData", "DemoUser", "DemoActivity", "DemoReport", "Violation", "msg",
        "N_", "State", "Transition", "Workflow", "WorkflowBuilder", "return_transition",
        "reject_transition", "P3aksDetails", "P3aksConflictDetails", "check_codes",
        "decree_violations", "ceiling_warnings", "Choice", "IdSchema", "Str", "WorkingCalendar",
    }  # fmt: skip
    assert expected <= set(core.plugin.__all__)
    assert {"Harness", "harness_for", "RuleFailed", "check_province", "Registry"} <= set(
        core.plugin.testing.__all__
    )


def test_shipped_provinces_keep_the_contract() -> None:
    done = lint(None, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KEPT" in done.stdout


VIOLATIONS = {
    "core.types": "from core.types import Code\n",
    "core.workflow": "from core.workflow import State\n",
    "core.services.transitions": "import core.services.transitions\n",
}


@pytest.mark.parametrize("target", sorted(VIOLATIONS))
def test_a_province_importing_core_internals_breaks_the_contract(
    tmp_path: Path, target: str
) -> None:
    """The same contract on a throwaway province: ``core.plugin`` passes, any other core module
    (a top-level one, one of a subpackage) fails and is named."""
    package = tmp_path / "provinsi_liar"
    package.mkdir()
    (package / "__init__.py").write_text("from core.plugin import Code, hookimpl\n")
    (package / "rules.py").write_text("from core.plugin import Violation\n")
    config = tmp_path / "contract.ini"
    config.write_text(contract_for("provinsi_liar"))
    kept = lint(config, cwd=tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr

    (package / "bad.py").write_text(VIOLATIONS[target])
    broken = lint(config, cwd=tmp_path)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "BROKEN" in broken.stdout
    assert f"provinsi_liar.bad -> {target}" in broken.stdout
    assert "provinsi_liar.rules" not in broken.stdout
