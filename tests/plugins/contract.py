"""The ``plugins-api`` import contract of setup.cfg, run by import-linter: on this repository, or
rewritten for another package (a deliberate violation, a scaffolded province)."""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTION = "importlinter:contract:plugins-api"
# import-linter's own command line, run by whichever interpreter sees the packages to check.
LINT = "import sys; from importlinter.cli import lint_imports_command; lint_imports_command()"


def contract_for(package: str) -> str:
    """setup.cfg's contract with ``package`` in place of ``plugins``: the same forbidden modules
    and the same single exception, so what passes or fails here passes or fails there."""
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    contract = dict(cfg[SECTION])
    assert contract["source_modules"].split() == ["plugins"]
    contract["source_modules"] = package
    contract["ignore_imports"] = re.sub(
        r"^plugins\b", package, contract["ignore_imports"], flags=re.MULTILINE
    )
    out = configparser.ConfigParser()
    out["importlinter"] = {"root_packages": f"\ncore\n{package}"}
    out[SECTION] = contract
    lines: list[str] = []
    for name, section in out.items():
        if name == "DEFAULT":
            continue
        lines.append(f"[{name}]")
        for key, value in section.items():
            lines.append(f"{key} = " + "\n    ".join(value.strip().splitlines()))
        lines.append("")
    return "\n".join(lines)


def lint(
    config: Path | None, cwd: Path, python: str = sys.executable, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    args = [python, "-c", LINT, "--no-cache", "--no-logo", "--contract", "plugins-api"]
    return subprocess.run(
        [*args, *([str(config)] if config else [])],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
