"""The province admin's pagu page: every OPD with its pagu per plan year, and the pagu history.

The whole page is one form: every OPD's inputs travel with every save, and each OPD's button
saves only that OPD (``POST /pagu/<code>``, its ``formaction``). What was typed for the *other*
OPDs and not saved yet is given back on the page that follows (kept in the session across the
redirect, or, when too big for the cookie, answered directly), so saving one OPD never discards
another's edit; the result is shown inside the saved OPD's card, which the address's anchor
scrolls to. The rules (never below what Bappeda confirmed, only the plans' years, all years or
none) are ``core.services.set_ceilings``'s; this page only parses rupiah and shows errors by
their input. The history (``/pagu/riwayat``) is for the admin and the auditor.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask import session as cookie
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.access import Actor
from core.errors import RuleFailed
from core.policy import may_read_admin_audit, may_set_pagu
from core.services import OpdPagu, province_pagu, set_ceilings
from core.services.ceilings import opd_names, pagu_history
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import parse_amount
from web.ui.messages import translate
from web.ui.sessions import MAX_KEPT

bp = ui_blueprint("ceilings", __name__, "/pagu")

UNSAVED, NOTICE = "_pagu_unsaved", "_pagu_notice"
Typed = dict[str, dict[str, str]]  # OPD code → year → the text in its input


def _admin() -> Actor:
    actor = current_actor()
    if not may_set_pagu(actor):
        abort(403)
    return actor


def _page(
    opds: list[OpdPagu],
    *,
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    typed: Typed | None = None,
    notice: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    typed = typed or {}
    return (
        render_template(
            "ui/ceilings.html",
            opds=opds,
            failed=failed,
            errors=errors or {},
            typed=typed,
            unsaved={c for c in typed if c != failed},
            notice=notice or {},
        ),
        status,
    )


@bp.route("/")
def index() -> ResponseReturnValue:
    opds = province_pagu(session(), _admin())
    return _page(opds, typed=cookie.pop(UNSAVED, None), notice=cookie.pop(NOTICE, None))


def _typed(code: str) -> tuple[Typed, str]:
    """Every OPD's inputs as typed (``pagu.<opd>.<year>``; a bare ``pagu.<year>`` is the saved
    OPD's), and the saved OPD's reason."""
    out: Typed = {}
    for key, value in request.form.items():
        parts = key.split(".")
        if parts[0] != "pagu" or len(parts) not in (2, 3):
            continue
        opd, year = (code, parts[1]) if len(parts) == 2 else (parts[1], parts[2])
        out.setdefault(opd, {})[year] = value.strip()
    reason = request.form.get(f"reason.{code}", request.form.get("reason", ""))
    return out, reason.strip()


def _changes(opd: OpdPagu, typed: dict[str, str]) -> dict[int, Any]:
    """The years whose input differs from the pagu as it is (an empty input changes nothing:
    a pagu is never deleted); a value that is no amount is passed on for core to refuse."""
    out: dict[int, Any] = {}
    for year, now in opd.years.items():
        text = typed.get(str(year), "")
        if not text:
            continue
        amount = parse_amount(text)
        if now is None or amount != now[0]:
            out[year] = amount
    return out


def _unsaved(opds: dict[str, OpdPagu], typed: Typed, saved: str) -> Typed:
    """The other OPDs' inputs that differ from what is stored: what the user has not saved."""
    return {
        code: years
        for code, years in typed.items()
        if code != saved and code in opds and _changes(opds[code], years)
    }


@bp.route("/<code>")
def card(code: str) -> ResponseReturnValue:
    """The address a save answers at, when reloaded: the page, at that OPD."""
    return redirect(url_for(".index", _anchor=f"opd-{code}"))


@bp.route("/<code>", methods=["POST"])
def save(code: str) -> ResponseReturnValue:
    actor = _admin()
    opds = {o.code: o for o in province_pagu(session(), actor)}
    current = opds.get(code)
    if current is None:
        abort(404)
    typed, reason = _typed(code)
    amounts = _changes(current, typed.get(code, {}))
    unsaved = _unsaved(opds, typed, code)
    if not amounts:
        notice = {"opd": code, "category": "info", "text": _("Tidak ada pagu yang berubah.")}
        return _after(unsaved, notice)
    try:
        set_ceilings(session(), actor, code, amounts, reason or None)
    except RuleFailed as err:
        errors: dict[str, list[str]] = {}
        for v in err.violations:
            errors.setdefault(v.field, []).append(translate(v.message))
        return _page(list(opds.values()), failed=code, errors=errors, typed=typed, status=422)
    text = _("Pagu %(opd)s tersimpan.", opd=current.name)
    return _after(unsaved, {"opd": code, "category": "success", "text": text})


def _after(unsaved: Typed, notice: dict[str, str]) -> ResponseReturnValue:
    """Back to the page at the saved OPD, with the others' unsaved inputs: through the session
    and a redirect when they fit in the cookie, else answered here (the address already ends
    at the OPD's anchor, from the button's ``formaction``)."""
    if len(json.dumps(unsaved)) <= MAX_KEPT:
        if unsaved:
            cookie[UNSAVED] = unsaved
        cookie[NOTICE] = notice
        return redirect(url_for(".index", _anchor=f"opd-{notice['opd']}"))
    opds = province_pagu(session(), current_actor())
    return _page(opds, typed=unsaved, notice=notice)


@bp.route("/riwayat")
def history() -> ResponseReturnValue:
    """Every change of the province's pagu, newest first (one OPD's with ``?opd=``)."""
    actor = current_actor()
    if not may_read_admin_audit(actor):
        abort(403)
    code = request.args.get("opd") or None
    if code is not None and len(code) > 40:
        abort(404)
    changes = pagu_history(session(), actor, code)
    names = opd_names(session(), actor.province_id)
    return render_template("ui/pagu_history.html", changes=changes, opd=code, names=names)
