"""Peak memory and time of the decree lampiran (WeasyPrint) for a sign-off of N activities.

Each size runs in a fresh child process, so its peak RSS (``VmHWM``) is that document's
alone (the interpreter, SQLAlchemy and WeasyPrint's imports included). The seal is a transient
``Signoff`` with a snapshot shaped like ``core.services.seals`` writes (a five-year plan, every
year confirmed); it goes through the real section builder, template and renderer."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import resource
import subprocess
import sys
import time

YEARS = list(range(2023, 2028))


def _signoff(n: int):  # type: ignore[no-untyped-def]
    from core.models import Signoff

    activities = [
        {
            "id": i,
            "opd": "dpppa",
            "title": f"Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji, angkatan {i}",
            "details": {"indicator": "Jumlah perempuan terlatih mediasi konflik sosial"},
            "years": [
                {"year": y, "target": "60 orang", "confirmed_budget": 150_000_000 + i}
                for y in YEARS
            ],
        }
        for i in range(1, n + 1)
    ]
    return Signoff(
        code="ABCD-EFGH",
        decree_number="G/288/V.09/HK/2023",
        decree_date=dt.date(2023, 3, 14),
        signer_name="Gubernur Lampung",
        digest="0" * 64,
        snapshot={"activities": activities},
    )


def _hwm_kib() -> int:
    """This process's peak resident set (``VmHWM``, KiB), from /proc; ``ru_maxrss`` elsewhere."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def one(n: int) -> dict[str, float]:
    from pypdf import PdfReader

    from core.documents import lampiran

    start = time.perf_counter()
    section = lampiran._section(
        _signoff(n), {"dpppa": "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"}, "https://x"
    )
    doc = lampiran.Lampiran(
        province="Provinsi Lampung",
        plan_title="Rencana Aksi Daerah P3AKS 2023-2027",
        years=YEARS,
        sections=[section],
        totals=section.totals,
        total=section.total,
    )
    pdf = lampiran.render_pdf(doc)
    seconds = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child of a large process
    # (the full `python -m bench` after its reads) reported its parent's size (issue 17).
    peak_kib = _hwm_kib()
    return {
        "activities": n,
        "pages": pages,
        "pdf_kib": round(len(pdf) / 1024),
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak_kib / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, nargs="+", default=[100, 1000, 3000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print("activities\tpages\tPDF KiB\tseconds\tpeak RSS MiB")
    for n in args.activities:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['activities']}\t{r['pages']}\t{r['pdf_kib']}\t{r['seconds']}\t{r['peak_rss_mib']}"
        )


if __name__ == "__main__":
    main()
