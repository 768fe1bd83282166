"""The province admin's pagu page: every OPD with its pagu per plan year, each OPD a form.

The rules (never below what Bappeda confirmed, only the plans' years, all years or none) are
``core.services.set_ceilings``'s; this page only parses rupiah and shows errors by their input.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.access import Actor
from core.errors import RuleFailed
from core.policy import may_set_pagu
from core.services import province_pagu, set_ceilings
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import parse_amount
from web.ui.messages import translate

bp = ui_blueprint("ceilings", __name__, "/pagu")


def _admin() -> Actor:
    actor = current_actor()
    if not may_set_pagu(actor):
        abort(403)
    return actor


def _page(
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    opds = province_pagu(session(), _admin())
    return (
        render_template(
            "ui/ceilings.html", opds=opds, failed=failed, errors=errors or {}, typed=typed or {}
        ),
        status,
    )


@bp.route("/")
def index() -> ResponseReturnValue:
    return _page()


@bp.get("/<code>")
def back_to_ceilings(code: str) -> ResponseReturnValue:
    """The form's address opened directly (or reloaded after an error): the pagu page."""
    return redirect(url_for(".index"))


@bp.route("/<code>", methods=["POST"])
def save(code: str) -> ResponseReturnValue:
    actor = _admin()
    current = {o.code: o for o in province_pagu(session(), actor)}.get(code)
    if current is None:
        abort(404)
    typed = {k: v.strip() for k, v in request.form.items() if k.startswith("pagu.")}
    amounts: dict[int, Any] = {}
    for year, now in current.years.items():
        text = typed.get(f"pagu.{year}", "")
        if not text:
            continue  # an empty input leaves the year as it is (a pagu is never deleted)
        amount = parse_amount(text)
        if now is None or amount != now[0]:
            amounts[year] = amount
    if not amounts:
        flash(_("Tidak ada pagu yang berubah."), "info")
        return redirect(url_for(".index", _anchor=f"opd-{code}"))
    try:
        set_ceilings(session(), actor, code, amounts)
    except RuleFailed as err:
        errors: dict[str, list[str]] = {}
        for v in err.violations:
            errors.setdefault(v.field, []).append(translate(v.message))
        return _page(failed=code, errors=errors, typed=typed, status=422)
    flash(_("Pagu %(opd)s tersimpan.", opd=current.name), "success")
    return redirect(url_for(".index", _anchor=f"opd-{code}"))
