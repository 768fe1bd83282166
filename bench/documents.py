"""Item 6's documents: the peak memory of the matrix workbook of ``xlsx`` activities and of the
decree lampiran of a sign-off of ``pdf`` activities, each in a fresh child process so that its
peak is that document's alone. The children are the document benchmarks of issue 13
(``benchmarks/bench_matrix_export.py``: bulk-seeded Lampung activities, the whole plan exported
as Bappeda, the peak ``VmHWM`` reset just before; ``benchmarks/bench_lampiran.py``: one seal's
snapshot through the real section builder, template and WeasyPrint, ``ru_maxrss``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "benchmarks"
PEAK_TARGET_MIB = 200


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{args[0]} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(url: str, xlsx: int, pdf: int) -> dict[str, Any]:
    seed = (
        "import sys; sys.path.insert(0, sys.argv[1]); import bench_matrix_export as b; "
        "b.fresh_database(sys.argv[2]); b.seed(sys.argv[2], int(sys.argv[3])); print('{}')"
    )
    _child("-c", seed, str(SCRIPTS), url, str(xlsx))
    workbook = _child(str(SCRIPTS / "bench_matrix_export.py"), "--measure", "--database", url)
    lampiran = _child(str(SCRIPTS / "bench_lampiran.py"), "--one", str(pdf))
    return {"xlsx": workbook, "lampiran": lampiran}


def report(r: dict[str, Any]) -> list[str]:
    w, p = r["xlsx"], r["lampiran"]

    def met(peak: float) -> str:
        return "yes" if peak < PEAK_TARGET_MIB else "**no**"

    return [
        "Documents (item 6), each in a fresh process (interpreter and imports included):",
        "",
        "| document | size | seconds | peak RSS | target | met |",
        "|---|---|---|---|---|---|",
        f"| matrix workbook (XLSX), the whole plan as Bappeda | {w['activities']:,} activities, "
        f"{w['file_mib']:.2f} MiB | {w['seconds']:.1f} | {w['peak_mib']:.0f} MiB "
        f"(from {w['rss_before_mib']:.0f}) | < {PEAK_TARGET_MIB} MB | {met(w['peak_mib'])} |",
        f"| decree lampiran (PDF), one sign-off | {p['activities']:,} activities, "
        f"{p['pages']} pages, {p['pdf_kib']:,} KiB | {p['seconds']:.1f} | "
        f"{p['peak_rss_mib']:.0f} MiB | < {PEAK_TARGET_MIB} MB | {met(p['peak_rss_mib'])} |",
    ]
