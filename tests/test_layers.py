"""The layer contracts of setup.cfg ``[importlinter]`` (run by scripts/test) catch a violation:
each case adds one offending module to a copy of the source tree and runs ``lint-imports`` on
the copy, with the project's own configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "plugins", "web", "workers", "sepakat")

CORE = "core imports no Flask, Celery, web, workers or the root"
INDEPENDENT = "web and workers do not import each other"
NO_ROOT = "web and workers do not import the composition root"
CONTRACTS = (CORE, INDEPENDENT, NO_ROOT)


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), "--no-cache", "--no-logo"],
        cwd=tree,
        # The copy first on the path, ahead of the editable install's finder.
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("layers")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "setup.cfg", copy / "setup.cfg")
    return copy


def test_the_copy_keeps_every_contract(tree: Path) -> None:
    """The baseline: without an offending module the copy passes, so a failure below is the
    offending import's."""
    run = lint_imports(tree)
    assert run.returncode == 0, run.stdout + run.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in run.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        ("core/_probe.py", "import flask\n", CORE),
        ("core/_probe.py", "from celery import shared_task\n", CORE),
        ("core/services/_probe.py", "from web.extensions import session\n", CORE),
        ("core/_probe.py", "import sepakat.app\n", CORE),
        ("web/ui/_probe.py", "from workers.publish import publish_committed\n", INDEPENDENT),
        ("workers/_probe.py", "from web import get_registry\n", INDEPENDENT),
        ("web/_probe.py", "from sepakat.database import db\n", NO_ROOT),
        ("workers/_probe.py", "import sepakat\n", NO_ROOT),
    ],
)
def test_an_offending_import_breaks_its_contract(
    tree: Path, module: str, source: str, broken: str
) -> None:
    probe = tree / module
    probe.write_text(f'"""A deliberate layer violation."""\n\n{source}')
    try:
        run = lint_imports(tree)
    finally:
        probe.unlink()
    assert run.returncode != 0
    assert f"{broken} BROKEN" in run.stdout, run.stdout + run.stderr
    assert "_probe" in run.stdout  # the report names the offending module
