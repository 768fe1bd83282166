"""``/admin/kalender``: the planning calendar page. Every plan year of the province with its
windows (submission, verification, sign-off) and, per reporting period, the due date of its
progress reports (the hook's until the admin moves it); the province admin sets a window, the
admin or Bappeda extends one with a reason. The rules, the refusals and the audit are
``core.services.planning_calendar``'s; this page shows errors beside the form they came from
and keeps what was typed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.deadlines import LABELS, WindowKind, report_kind, report_label
from core.errors import RuleFailed
from core.models import utcnow
from core.policy import may_administer, may_extend_calendar
from core.services import planning_calendar as calendar
from core.services.report_periods import year_periods
from core.timezones import abbreviation, local_date
from core.workflow import Workflow
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.layout import runtime
from web.ui.messages import translate

bp = ui_blueprint("planning_calendar", __name__, "/admin/kalender")


def _workflow() -> Workflow:
    return runtime().workflow


def _page(
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    actor, workflow = current_actor(), _workflow()
    years = calendar.calendar_of(session(), actor, workflow, runtime())  # 403 for anybody else
    zone = runtime().info.timezone
    return (
        render_template(
            "ui/planning_calendar.html",
            years=years,
            kinds=[(k, LABELS[k]) for k in WindowKind],
            # Per year: each reporting period's kind and label, and the hook's due date.
            report_kinds={
                y.year: [(report_kind(p.code), report_label(p.label)) for p in y.periods]
                for y in years
            },
            default_due={y.year: {report_kind(p.code): p.due_on for p in y.periods} for y in years},
            today=local_date(utcnow(), zone),
            zone=abbreviation(zone),
            may_set=may_administer(actor),
            may_extend=may_extend_calendar(actor, workflow),
            failed=failed,
            errors=errors or {},
            typed=typed or {},
        ),
        status,
    )


def _refused(form: str, err: RuleFailed) -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    for v in err.violations:
        errors.setdefault(v.field, []).append(translate(v.message))
    typed = {k: v.strip() for k, v in request.form.items() if k != "csrf_token"}
    return _page(failed=form, errors=errors, typed=typed, status=422)


def _fields(*names: str) -> dict[str, str]:
    """The form's values for the schema (an empty input is a missing one: "Wajib diisi.")."""
    return {n: request.form[n].strip() for n in names if request.form.get(n, "").strip()}


def _back(year: int) -> ResponseReturnValue:
    return redirect(url_for(".index", _anchor=f"tahun-{year}"))


@bp.route("/")
def index() -> ResponseReturnValue:
    return _page()


@bp.route("/<int:year>/<kind>", methods=["POST"])
def set_window(year: int, kind: str) -> ResponseReturnValue:
    form = f"{year}-{kind}-set"
    if not may_administer(current_actor()):  # before the input: a 403, whatever was typed
        abort(403)
    try:
        starts_on, ends_on = calendar.window_input(_fields("starts_on", "ends_on"))
        window = calendar.set_window(
            session(), current_actor(), year, kind, starts_on, ends_on, runtime()
        )
    except RuleFailed as err:
        return _refused(form, err)
    label = translate(calendar.label(window, year_periods(runtime(), year)))
    flash(_("Jadwal %(label)s tahun %(year)s tersimpan.", label=label, year=year), "success")
    return _back(year)


@bp.route("/<int:year>/<kind>/perpanjang", methods=["POST"])
def extend_window(year: int, kind: str) -> ResponseReturnValue:
    form = f"{year}-{kind}-extend"
    if not may_extend_calendar(current_actor(), _workflow()):
        abort(403)
    try:
        ends_on, reason = calendar.extension_input(_fields("ends_on", "reason"))
        window = calendar.extend_window(
            session(), current_actor(), _workflow(), year, kind, ends_on, reason, runtime()
        )
    except RuleFailed as err:
        return _refused(form, err)
    label = translate(calendar.label(window, year_periods(runtime(), year)))
    flash(_("Jadwal %(label)s tahun %(year)s diperpanjang.", label=label, year=year), "success")
    return _back(year)
