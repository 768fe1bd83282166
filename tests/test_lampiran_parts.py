"""The lampiran laid out in parts (``core.documents.lampiran.render_pdf``): a sign-off longer
than one part reads as one document — every activity once, in order, the pages numbered over
the whole of it — read back by pypdf from the real PDF."""

from __future__ import annotations

import datetime as dt
import io
import re

from pypdf import PdfReader

from core.documents import lampiran
from core.models import Signoff

YEARS = [2023, 2024]


def _signoff(n: int) -> Signoff:
    activities = [
        {
            "id": i,
            "opd": "dpppa",
            "title": f"Kegiatan bagian nomor {i:02d}",
            "details": {"indicator": "Jumlah perempuan terlatih"},
            "years": [
                {"year": y, "target": "60 orang", "confirmed_budget": 1_000_000 * i} for y in YEARS
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


def test_parts_merge_into_one_numbered_document() -> None:
    section = lampiran._section(_signoff(5), {"dpppa": "Dinas PPPA"}, "https://x")
    doc = lampiran.Lampiran(
        province="Provinsi Lampung",
        plan_title="Rencana Aksi Daerah P3AKS 2023-2024",
        years=YEARS,
        sections=[section],
        totals=section.totals,
        total=section.total,
    )
    assert len(list(lampiran.parts(doc, 2))) >= 3  # really more than one part
    reader = PdfReader(io.BytesIO(lampiran.render_pdf(doc, part_rows=2)))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    titles = re.findall(r"Kegiatan bagian nomor (\d\d)", text)
    assert titles == ["01", "02", "03", "04", "05"]  # each once, in order
    count = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Halaman {number} dari {count}" in page
    assert "30.000.000" in text  # the grand total: (1 + … + 5) million × 2 years
