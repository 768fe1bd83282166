"""Documents on the pages: the decree lampiran (PDF) of a sealed sign-off or of a whole plan,
for the signed-in users who may see what it holds, and the public page *Verifikasi dokumen*,
which answers for a printed code only the decree number, date, count, total and whether the
record still matches — nothing else, and without a login."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.documents import lampiran
from core.errors import NotFound
from core.models import Plan, Signoff
from core.services import seals
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID

bp = ui_blueprint("documents", __name__)
public = ui_blueprint("verification", __name__, "/verifikasi", login=False)


def _pdf(plan: Plan, records: list[Signoff], filename: str) -> Response:
    public_url = str(current_app.config.get("PUBLIC_URL", ""))
    return Response(
        lampiran.pdf_of(session(), plan, records, public_url),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.route(f"/penetapan/<{ID}:signoff_id>/lampiran.pdf")
def signoff_lampiran(signoff_id: int) -> ResponseReturnValue:
    try:
        record = seals.visible(session(), current_actor(), signoff_id)
    except NotFound:
        abort(404)
    plan = session().get(Plan, record.plan_id)
    assert plan is not None  # a foreign key
    return _pdf(plan, [record], f"lampiran-{record.code}.pdf")


@bp.route(f"/rencana/<{ID}:plan_id>/lampiran.pdf")
def plan_lampiran(plan_id: int) -> ResponseReturnValue:
    actor = current_actor()
    plan = session().get(Plan, plan_id)
    if plan is None or plan.province_id != actor.province_id:
        abort(404)
    records = seals.visible_of_plan(session(), actor, plan.id)
    if not records:
        abort(404)
    return _pdf(plan, records, f"lampiran-{plan.code}.pdf")


@public.route("/")
def lookup() -> ResponseReturnValue:
    code = request.args.get("kode", "").strip()
    if code:
        return redirect(url_for("verification.check", code=seals.normalise_code(code)))
    return render_template("ui/verify.html", code="", found=None, checked=False)


@public.route("/<code>")
def check(code: str) -> ResponseReturnValue:
    record = seals.by_code(session(), code)
    valid = seals.verify(session(), record).valid if record else False
    return (
        render_template("ui/verify.html", code=code, found=record, valid=valid, checked=True),
        200 if record else 404,
    )
