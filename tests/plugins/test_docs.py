"""Datasette's rule: every hook is documented under its own heading in docs/plugins.md and has
a test of its own (a function ``test_hook_<name>`` somewhere under tests/)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core import hookspecs
from core.plugins import make_plugin_manager

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "plugins.md"


def hook_names() -> list[str]:
    return sorted(name for name, value in vars(hookspecs).items() if hasattr(value, "sepakat_spec"))


def test_hook_names_are_what_pluggy_sees() -> None:
    pm = make_plugin_manager()
    assert hook_names() == sorted(name for name in vars(pm.hook) if not name.startswith("_"))
    assert "transition_rules" in hook_names()


@pytest.mark.parametrize("hook", hook_names())
def test_hook_is_documented(hook: str) -> None:
    headings = re.findall(r"^### (\w+)\(", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert hook in headings, f"docs/plugins.md has no heading '### {hook}(...)'"


def test_documented_hooks_exist() -> None:
    headings = re.findall(r"^### (\w+)\(", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
    assert sorted(headings) == hook_names()


def _test_functions() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    return names


@pytest.mark.parametrize("hook", hook_names())
def test_hook_has_a_test(hook: str) -> None:
    assert f"test_hook_{hook}" in _test_functions(), f"no test named test_hook_{hook}"
