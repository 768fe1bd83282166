"""The two charts of the consolidation (``core.services.monitoring``), shared by the page and the
PDF: budget realisation per pillar over the periods so far, and the period's reports by status.
Texts come in through ``label`` (the page translates, the PDF keeps Bahasa Indonesia)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from babel.numbers import format_decimal

from core.documents.charts import Bar, BarGroup, grouped_bars, horizontal_bars
from core.services.monitoring import Consolidation

Label = Callable[[str], str]


def _same(text: str) -> str:
    return text


def persen(value: float | None, locale: str = "id") -> str:
    """``47,5%`` (``47.5%`` in English); a dash (as for a missing amount) when there is
    nothing to measure."""
    if value is None:
        return "–"
    return f"{format_decimal(value, format='0.0', locale=locale)}%"


def budget_chart(
    found: Consolidation,
    chart_id: str,
    label: Label = _same,
    title: str = "Realisasi anggaran per pilar per periode (%)",
    locale: str = "id",
) -> str:
    groups = [
        BarGroup(
            f"{p.period.code} {p.period.year}",
            [Bar(label(g.label), g.budget_percent) for g in p.pillars],
        )
        for p in found.series
    ]
    return grouped_bars(chart_id, title, groups, partial(persen, locale=locale))


def status_chart(
    found: Consolidation,
    chart_id: str,
    label: Label = _same,
    title: str = "Laporan per status",
    no_report: str = "Belum ada laporan",
) -> str:
    bars = [Bar(label(s.label), float(s.count)) for s in found.statuses]
    bars.append(Bar(no_report, float(found.unreported)))
    return horizontal_bars(chart_id, title, bars)
