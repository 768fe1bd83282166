"""The province admin's OPD page (``/admin/opd``): every OPD of the province, active or not,
with its SIPD unit code; create one, rename it, set its SIPD code, deactivate or reactivate it.
The rules and the audit entries are ``core.services.opds``'s; this page shows errors by their
input, keeps what was typed, and answers the saved row at its anchor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.access import Actor
from core.errors import RuleFailed
from core.policy import may_administer
from core.services.opds import change_opd, create_opd, list_opds
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.messages import translate

bp = ui_blueprint("opds", __name__, "/admin/opd")
NEW = "_new"  # the create form's key in ``failed``


def _admin() -> Actor:
    actor = current_actor()
    if not may_administer(actor):
        abort(403)
    return actor


def _page(
    actor: Actor,
    failed: str | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return (
        render_template(
            "ui/admin_opds.html",
            opds=list_opds(session(), actor),
            failed=failed,
            errors=errors or {},
            typed=request.form if failed else {},
            new=NEW,
        ),
        status,
    )


def _refused(actor: Actor, failed: str, err: RuleFailed) -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    for v in err.violations:
        errors.setdefault(v.field, []).append(translate(v.message))
    return _page(actor, failed, errors, 422)


def _text(name: str) -> str:
    return request.form.get(name, "").strip()


@bp.route("/")
def index() -> ResponseReturnValue:
    return _page(_admin())


@bp.route("/", methods=["POST"])
def create() -> ResponseReturnValue:
    actor = _admin()
    payload = {
        "code": _text("code"),
        "name": _text("name"),
        "sipd_code": _text("sipd_code") or None,
        "reason": _text("reason") or None,
    }
    try:
        opd = create_opd(session(), actor, payload)
    except RuleFailed as err:
        return _refused(actor, NEW, err)
    flash(_("OPD %(opd)s dibuat.", opd=opd.name), "success")
    return redirect(url_for(".index", _anchor=f"opd-{opd.code}"))


@bp.route("/<code>", methods=["POST"])
def change(code: str) -> ResponseReturnValue:
    actor = _admin()
    payload: dict[str, object] = {"reason": _text("reason") or None}
    if "active" in request.form:
        payload["active"] = request.form["active"] == "1"
    else:
        payload["name"] = _text("name")
        payload["sipd_code"] = _text("sipd_code") or None
    try:
        opd = change_opd(session(), actor, code, payload)
    except RuleFailed as err:
        return _refused(actor, code, err)
    flash(_("OPD %(opd)s tersimpan.", opd=opd.name), "success")
    return redirect(url_for(".index", _anchor=f"opd-{opd.code}"))
