"""What a move means and what a state is are data (``Transition`` flags, ``State.kind``): no
module of the engine or the front ends outside ``core/workflow`` names a core action or state,
of the activity's route or of the progress report's (``REPORT_STATES``/``REPORT_TRANSITIONS``).
A province that renames ``sign`` or adds a second budget step would otherwise silently lose
the behaviour attached to the name (tests/plugins/test_renamed_route.py shows it keeps it).

The province plugins are the workflow's authors and may name the states they customise."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.workflow import CORE_STATES, CORE_TRANSITIONS, REPORT_STATES, REPORT_TRANSITIONS

ROOT = Path(__file__).resolve().parents[1]
# Both workflow types: the activity's core route and the progress report's (issue 14).
NAMES = {s.code for s in (*CORE_STATES, *REPORT_STATES)} | {
    t.action for t in (*CORE_TRANSITIONS, *REPORT_TRANSITIONS)
}
CHECKED = ("core", "web", "workers")
EXEMPT_DIRS = (ROOT / "core" / "workflow", ROOT / "web" / "migrations")
# A name that is something else as well, with why it may stay.
ALLOWED = {
    ("web/api/plans.py", "signed"): "the sign-off result's count, a field of the REST contract",
}
JINJA = re.compile(r"{{.*?}}|{%.*?%}", re.S)
QUOTED = re.compile(r"""['"]([a-z_]+)['"]""")


def _modules() -> list[Path]:
    return [
        p
        for top in CHECKED
        for p in sorted((ROOT / top).rglob("*.py"))
        if not any(p.is_relative_to(d) for d in EXEMPT_DIRS)
    ]


def names_in_python(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in NAMES
    ]


def names_in_template(text: str) -> list[str]:
    """Quoted core names inside Jinja expressions and statements (HTML attributes such as
    ``type="submit"`` are not the workflow's)."""
    return [n for block in JINJA.findall(text) for n in QUOTED.findall(block) if n in NAMES]


def test_no_engine_or_front_end_module_names_a_core_action_or_state() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name!r}"
        for path in _modules()
        for line, name in names_in_python(path)
        if (str(path.relative_to(ROOT)), name) not in ALLOWED
    ]
    assert not found, "branch on Transition flags / State.kind instead:\n" + "\n".join(found)


def test_no_template_names_a_core_action_or_state() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {name!r}"
        for path in sorted((ROOT / "web").rglob("*.html"))
        for name in names_in_template(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_checks_find_a_name(tmp_path: Path) -> None:
    """The scans can fail: a module and a template that branch on names are caught."""
    module = tmp_path / "bad.py"
    module.write_text('def f(t):\n    return t.action == "confirm_budget"\n')
    assert names_in_python(module) == [(2, "confirm_budget")]
    report = tmp_path / "report.py"
    report.write_text('def f(r):\n    return r.state == "pokja_verification"\n')
    assert names_in_python(report) == [(2, "pokja_verification")]  # the report route's too
    assert names_in_template("{% if report.state == 'head_review' %}x{% endif %}") == [
        "head_review"
    ]
    assert names_in_template("{% if activity.state == 'returned' %}x{% endif %}") == ["returned"]
    assert names_in_template('<button type="submit">') == []
