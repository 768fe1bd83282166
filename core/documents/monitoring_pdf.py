"""The consolidated report as PDF: the Pokja P3AKS's report to the governor on one period
(``core.services.monitoring``): heading with the province, plan and period; the summary per
pillar with the totals, the two charts and their numbers as tables; per OPD; every activity;
and the activities that have not reported. Laid out like the decree lampiran
(``core.documents.lampiran``): the same Jinja environment and DejaVu fonts, WeasyPrint for the
layout (inline SVG charts included), the footer and "Halaman i dari n" stamped with pypdf.

One period's consolidation holds one row per signed activity of the year, a few hundred at
most, so it is laid out in one go (the lampiran splits only because a sign-off may hold
thousands)."""

from __future__ import annotations

import io
from functools import cache

from babel.numbers import format_decimal
from jinja2 import Environment
from pypdf import PdfReader, PdfWriter

from core.documents import lampiran
from core.documents.monitoring_charts import budget_chart, persen, status_chart
from core.services.monitoring import Consolidation

TITLE = "Laporan Pemantauan dan Evaluasi RAD P3AKS"


def angka(value: float | None) -> str:
    """``30`` or ``2,5``: an output count as Indonesian writes it."""
    return "–" if value is None else str(format_decimal(value, format="#,##0.##", locale="id"))


@cache
def _environment() -> Environment:
    env = lampiran.environment().overlay()
    env.filters.update(persen=persen, angka=angka)
    return env


def render_html(found: Consolidation) -> str:
    return (
        _environment()
        .get_template("monitoring.html")
        .render(
            c=found,
            title=TITLE,
            budget_svg=budget_chart(found, "pdf-budget"),
            status_svg=status_chart(found, "pdf-status"),
        )
    )


def title_of(found: Consolidation) -> str:
    return f"{TITLE} {found.period.label} {found.year}"


def render_pdf(found: Consolidation) -> bytes:
    reader = PdfReader(io.BytesIO(lampiran.html_to_pdf(render_html(found))))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    count = len(writer.pages)
    left = f"{title_of(found)} · {found.province}"
    for number, page in enumerate(writer.pages, start=1):
        lampiran.stamp(page, left, f"Halaman {number} dari {count}")
        page.compress_content_streams()
    writer.add_metadata({"/Title": title_of(found)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def filename(found: Consolidation, ext: str) -> str:
    return f"pemantauan-{found.plan_code}-{found.year}-{found.period.code}.{ext}"
