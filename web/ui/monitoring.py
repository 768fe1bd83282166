"""*Pemantauan*: the consolidation of progress reports (``core.services.monitoring``) for the
Pokja, Bappeda, the governor, the auditor and the admin — the province's — and for an OPD role
its own OPDs': filters plan, year and period; realisation per pillar, OPD and activity; the two
charts (inline SVG from ``core.documents.monitoring_charts``, each with its numbers in a table);
the activities that have not reported; and the consolidated report as PDF and Excel with the
same filters. ``headline`` is the dashboard's card."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core.access import Actor
from core.documents import monitoring_pdf, monitoring_xlsx
from core.documents.monitoring_charts import budget_chart, persen, status_chart
from core.errors import DomainError
from core.models import Plan
from core.schemas import MonitoringFilterSchema
from core.services import monitoring_headline
from core.services.monitoring import Consolidation, Filters, consolidate
from core.services.monitoring_headline import Headline
from web.extensions import session
from web.spreadsheets import xlsx_download
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import parse_query
from web.ui.layout import registry
from web.ui.messages import translate

bp = ui_blueprint("monitoring", __name__, "/pemantauan")

_filters = MonitoringFilterSchema()


def _consolidation(actor: Actor) -> Consolidation:
    """The consolidation the query string asks for: a value the schema refuses is a 422 page
    naming it, as is a year or period the plan does not have (``RuleFailed``)."""
    return consolidate(session(), registry(), actor, Filters(**parse_query(_filters, request.args)))


def _locale() -> str:
    return str(get_locale() or "id")


def percent(value: float | None) -> str:
    return persen(value, _locale())


def charts(found: Consolidation) -> dict[str, str]:
    """The two charts in the reader's language."""
    return {
        "budget": budget_chart(
            found,
            "chart-budget",
            translate,
            _("Persentase realisasi anggaran per pilar per periode"),
            _locale(),
        ),
        "status": status_chart(
            found,
            "chart-status",
            translate,
            _("Laporan per status"),
            _("Belum ada laporan"),
        ),
    }


def args_of(found: Consolidation) -> dict[str, Any]:
    return {"plan_id": found.plan_id, "year": found.year, "period": found.period.code}


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = current_actor()
    found = _consolidation(actor)
    plans = (
        session()
        .execute(select(Plan).where(Plan.province_id == actor.province_id).order_by(Plan.id))
        .scalars()
        .all()
    )
    years = sorted({p.year for p in found.periods})
    codes = [p for p in found.periods if p.year == found.year]
    return render_template(
        "ui/monitoring.html",
        c=found,
        plans=plans,
        years=years,
        codes=codes,
        charts=charts(found),
        percent=percent,
        args=args_of(found),
    )


@bp.route("/laporan.pdf")
def pdf() -> ResponseReturnValue:
    found = _consolidation(current_actor())
    name = monitoring_pdf.filename(found, "pdf")
    return Response(
        monitoring_pdf.render_pdf(found),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/laporan.xlsx")
def xlsx() -> ResponseReturnValue:
    found = _consolidation(current_actor())
    return xlsx_download(
        lambda out: monitoring_xlsx.write(found, out), monitoring_pdf.filename(found, "xlsx")
    )


def headline(actor: Actor) -> Headline | None:
    """The latest period's totals for the dashboard's card (None when the province has no plan
    or period to show)."""
    try:
        return monitoring_headline.headline(session(), registry(), actor)
    except DomainError:
        return None
