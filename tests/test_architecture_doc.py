"""docs/architecture.md describes what is built: every file, module and folder it names exists,
and nothing in the repository points at the design notes outside it any more."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
# `core/services/transitions/write.py`, `web/status.py`, `core/workflow/` ...
PATH = re.compile(r"`((?:core|web|workers|plugins|sepakat|tests|docs|benchmarks)/[\w./]*)`")
# `core.services.pagu_booking`, `core.plugin.testing` ... (dotted names of modules)
MODULE = re.compile(r"`((?:core|web|workers|sepakat)(?:\.\w+)+)`")


def test_every_path_it_names_exists() -> None:
    missing = [p for p in PATH.findall(DOC.read_text()) if not (ROOT / p).exists()]
    assert not missing, missing


def _module_exists(dotted: str) -> bool:
    """A module or package, or a name defined in one (``core.models.utcnow``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        if base.with_suffix(".py").exists() or (base / "__init__.py").exists():
            return True
    return False


def test_every_module_it_names_exists() -> None:
    missing = [m for m in MODULE.findall(DOC.read_text()) if not _module_exists(m)]
    assert not missing, missing


def test_nothing_points_at_the_old_design_notes() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    citing = [
        f
        for f in tracked
        if f != "tests/test_architecture_doc.py"
        and Path(ROOT / f).is_file()
        and "DESIGN.md" in Path(ROOT / f).read_text(errors="ignore")
    ]
    assert not citing, f"point these at docs/architecture.md: {citing}"
