"""The province admin's page of acting officials (Plt./Plh.), ``/admin/plt``: record an
appointment, see the current, upcoming and past ones, end one early. The rules are
``core.services.acting``'s; this page parses the form and shows errors by their input."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from core.errors import RuleFailed
from core.models import Opd
from core.policy import ensure_may_administer
from core.services import acting
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.layout import registry, runtime
from web.ui.messages import translate

bp = ui_blueprint("acting", __name__, "/admin/plt")

FIELDS = ("username", "role", "opd", "kind", "start_date", "end_date", "decree_number", "reason")
OPTIONAL = ("opd", "reason")  # an empty input means none


def _page(
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    s, actor = session(), current_actor()
    ensure_may_administer(actor)
    rows = acting.appointments(s, registry(), actor)
    groups = {key: [r for r in rows if r.status == key] for key in ("current", "upcoming", "past")}
    opds = s.execute(
        select(Opd.code, Opd.name).where(Opd.province_id == actor.province_id).order_by(Opd.name)
    ).all()
    return (
        render_template(
            "ui/admin/acting.html",
            groups=groups,
            users=acting.candidates(s, actor),
            roles=acting.appointable_roles(runtime()),
            opd_roles=runtime().opd_roles,
            opds=opds,
            errors=errors or {},
            typed=typed or {},
        ),
        status,
    )


@bp.route("/")
def index() -> ResponseReturnValue:
    return _page()


@bp.route("/", methods=["POST"])
def create() -> ResponseReturnValue:
    actor = current_actor()
    ensure_may_administer(actor)
    typed = {k: request.form.get(k, "").strip() for k in FIELDS}
    data: dict[str, Any] = {k: v for k, v in typed.items() if v or k not in OPTIONAL}
    try:
        parsed = acting.parse(acting.ActingInputSchema(), data)
        made = acting.appoint(session(), registry(), actor, parsed)
    except RuleFailed as err:
        errors: dict[str, list[str]] = {}
        for v in err.violations:
            errors.setdefault(v.field, []).append(translate(v.message))
        return _page(errors=errors, typed=typed, status=422)
    flash(_("%(title)s — %(name)s tercatat.", title=made.title, name=made.full_name), "success")
    return redirect(url_for(".index"))


@bp.route("/<int(min=1, max=2147483647):appointment_id>/akhiri", methods=["POST"])
def end(appointment_id: int) -> ResponseReturnValue:
    actor = current_actor()
    ensure_may_administer(actor)
    reason = request.form.get("reason", "").strip() or None
    ended = acting.end_early(session(), registry(), actor, appointment_id, reason=reason)
    flash(_("%(title)s — %(name)s diakhiri.", title=ended.title, name=ended.full_name), "success")
    return redirect(url_for(".index"))
