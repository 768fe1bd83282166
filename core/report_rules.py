"""The core's rules on a progress report (the default ``report_rules``): what a report must
hold before it is submitted, and what only warns."""

from __future__ import annotations

from core.errors import Violation
from core.messages import msg
from core.money import rupiah
from core.types import ReportView


def confirmed_for(report: ReportView) -> int | None:
    """The activity's confirmed budget for the report's year (None: not confirmed)."""
    for y in report.activity.years:
        if y.get("year") == report.year:
            value = y.get("confirmed_budget")
            return int(value) if value is not None else None
    return None


def completeness(report: ReportView) -> list[Violation]:
    """Output realised and budget spent are required to submit; spending more than the
    confirmed budget of the year is a warning (a budget shift is the finance office's
    business, not the report's)."""
    out: list[Violation] = []
    if report.output_realised is None:
        out.append(Violation("output_required", "Capaian keluaran wajib diisi.", "output_realised"))
    if report.budget_realised is None:
        out.append(
            Violation("budget_required", "Realisasi anggaran wajib diisi.", "budget_realised")
        )
    confirmed = confirmed_for(report)
    spent = report.budget_realised
    if spent is not None and confirmed is not None and spent > confirmed:
        text = msg(
            "Realisasi anggaran {spent} melebihi anggaran yang dikonfirmasi {confirmed}.",
            spent=rupiah(spent),
            confirmed=rupiah(confirmed),
        )
        out.append(Violation("budget_over", text, "budget_realised", warning=True))
    return out
