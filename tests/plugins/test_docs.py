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


def _sections() -> dict[str, str]:
    """Each hook's section of docs/plugins.md: from its heading to the next heading."""
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.MULTILINE)
    out: dict[str, str] = {}
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        m = re.match(r"### (\w+)\(", heading)
        if m:
            out[m[1]] = heading + "\n" + body
    return out


def _spec(hook: str) -> ast.FunctionDef:
    tree = ast.parse(Path(hookspecs.__file__).read_text(encoding="utf-8"))
    (node,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == hook]
    return node


def _annotation(node: ast.expr | None) -> str | None:
    return None if node is None else ast.unparse(node)


@pytest.mark.parametrize("hook", hook_names())
def test_documented_signature_matches_the_hookspec(hook: str) -> None:
    """The heading's argument names, and the **Signature** line's names, annotations and return
    type, are those of ``core/hookspecs.py``."""
    section = _sections()[hook]
    spec = _spec(hook)
    names = [a.arg for a in spec.args.args]
    heading = re.match(r"### \w+\(([^)]*)\)", section)
    assert heading and [a.strip() for a in heading[1].split(",") if a.strip()] == names
    line = re.search(r"\*\*Signature:\*\* `([^`]+)`", section)
    assert line, f"{hook}: no **Signature:** line"
    documented = ast.parse(f"def {' '.join(line[1].split())}: pass").body[0]
    assert isinstance(documented, ast.FunctionDef) and documented.name == hook
    assert [a.arg for a in documented.args.args] == names
    assert [_annotation(a.annotation) for a in documented.args.args] == [
        _annotation(a.annotation) for a in spec.args.args
    ]
    assert _annotation(documented.returns) == _annotation(spec.returns)


@pytest.mark.parametrize("hook", hook_names())
def test_firstresult_is_stated_in_spec_and_docs(hook: str) -> None:
    first = bool(getattr(hookspecs, hook).sepakat_spec["firstresult"])
    doc = getattr(hookspecs, hook).__doc__ or ""
    section = _sections()[hook]
    word = "firstresult" if first else "collected"
    assert re.search(rf"^\s*{word}\b.*Returns", doc, re.MULTILINE | re.DOTALL), doc
    assert f"({word}" in section.split("**Called:**")[0], section


def test_hooks_are_grouped_by_purpose_in_spec_and_docs() -> None:
    grouped = [h for hooks in hookspecs.GROUPS.values() for h in hooks]
    assert sorted(grouped) == hook_names() and len(set(grouped)) == len(grouped)
    text = DOCS.read_text(encoding="utf-8")
    reference = text[text.index("## Hook reference") :]
    parts = re.split(r"^## (.*)$", reference, flags=re.MULTILINE)[3:]  # after the intro
    documented = {
        title: tuple(re.findall(r"^### (\w+)\(", body, re.MULTILINE))
        for title, body in zip(parts[0::2], parts[1::2], strict=True)
    }
    assert documented == hookspecs.GROUPS
