"""The governor's batch sign-off: tick activities, enter the decree number (and date) once.

``core.services.batch_signoff`` signs each activity in its own transaction, so the page reports
per activity what was signed and what was refused (and why)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.models import Signoff, utcnow
from core.policy import may_sign_in_batch
from core.schemas import SignoffInputSchema
from core.services import ListFilters, batch_signoff, list_activities
from core.services.common import violations_from_marshmallow
from core.services.transitions import BatchItem, decree_problems
from core.timezones import local_date
from core.workflow import StateKind
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.deadlines import oldest_first, waiting_of
from web.ui.forms import whole_number
from web.ui.layout import registry, runtime
from web.ui.messages import translate

bp = ui_blueprint("signoff", __name__, "/penetapan")

LIMIT = 200
_schema = SignoffInputSchema()


def _waiting() -> ListFilters:
    """Activities waiting for the decree."""
    return ListFilters(states=runtime().workflow.codes(StateKind.SIGNOFF))


def _page(
    *,
    results: list[BatchItem] | None = None,
    errors: dict[str, str] | None = None,
    decree: str = "",
    decree_date: str = "",
    seals: list[Signoff] | None = None,
    selected: set[int] | None = None,
    titles: dict[int, str] | None = None,
    signed_under: tuple[str, dt.date] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    found, more = list_activities(session(), current_actor(), _waiting(), LIMIT)
    items = oldest_first(found)
    titles = {**(titles or {}), **{a.id: a.title for a in items}}
    return (
        render_template(
            "ui/signoff.html",
            items=items,
            waits=waiting_of(items),
            more=more is not None,
            results=results or [],
            titles=titles,
            errors=errors or {},
            decree=decree,
            decree_date=decree_date,
            seals=seals or [],
            selected=selected or set(),
            decree_format=runtime().info.decree_format,
            signed_under=signed_under,
        ),
        status,
    )


def _refused(data: dict[str, object]) -> dict[str, str]:
    """What ``SignoffInputSchema`` refuses, by input (``activity_ids.0`` is the boxes')."""
    try:
        _schema.load(data)
    except ValidationError as err:
        out: dict[str, list[str]] = {}
        for v in violations_from_marshmallow(err):
            out.setdefault(v.field.split(".", 1)[0], []).append(translate(v.message))
        return {key: "; ".join(messages) for key, messages in out.items()}
    return {}


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    if not may_sign_in_batch(current_actor(), runtime().workflow):
        abort(403)  # as the API does: the page is for the roles that sign
    if request.method == "GET":
        return _page()
    actor = current_actor()
    decree = request.form.get("decree_number", "").strip()
    typed_date = request.form.get("decree_date", "").strip()
    raw_ids = [whole_number(v.strip()) for v in request.form.getlist("activity_ids")]
    ids = [i for i in raw_ids if isinstance(i, int)]
    if request.form.get("step") == "back":  # from the summary: the form, as it was filled
        return _page(decree=decree, decree_date=typed_date, selected=set(ids))
    errors: dict[str, str] = {}
    if not raw_ids:
        errors["activity_ids"] = _("Pilih paling sedikit satu kegiatan.")
    if not decree:
        errors["decree_number"] = _("Nomor keputusan wajib diisi.")
    day: dt.date | None = None
    if typed_date:  # empty: today in the province's zone (core decides)
        try:
            day = dt.date.fromisoformat(typed_date)
        except ValueError:
            errors["decree_date"] = _("Harus berupa tanggal dengan format TTTT-BB-HH.")
    if not errors:  # then the API's own schema: ids within the key, one clean decree line
        errors = _refused({"activity_ids": raw_ids, "decree_number": decree})
    if not errors:  # the decree's own rules (a province's format), once for the whole batch
        for v in decree_problems(session(), registry(), actor, ids, decree, day):
            errors[v.field] = "; ".join(filter(None, [errors.get(v.field), translate(v.message)]))
    if errors:
        return _page(
            errors=errors,
            decree=decree,
            decree_date=typed_date,
            selected=set(ids),
            status=422,
        )
    if request.form.get("step") != "final":  # first the summary, then the signature
        return _confirmation(ids, decree, typed_date, day)
    # batch_signoff works per plan; the page may list activities of several plans.
    listed, _more = list_activities(session(), actor, _waiting(), LIMIT)
    plan_of = {a.id: a.plan_id for a in listed}
    titles = {a.id: a.title for a in listed}  # read before signing moves them off this list
    by_plan: dict[int, list[int]] = defaultdict(list)
    missing: list[BatchItem] = []
    for activity_id in ids:
        if activity_id in plan_of:
            by_plan[plan_of[activity_id]].append(activity_id)
        else:
            missing.append(BatchItem(activity_id))
    results: list[BatchItem] = []
    sealed: list[Signoff] = []
    for plan_id, plan_ids in by_plan.items():
        batch = batch_signoff(session(), registry(), actor, plan_id, plan_ids, decree, day)
        results.extend(batch)
        if batch.signoff is not None:
            sealed.append(batch.signoff)
    results.extend(missing)
    failed = any(r.result is None for r in results)
    return _page(
        results=results,
        decree=decree if failed else "",
        decree_date=typed_date if failed else "",
        seals=sealed,
        titles=titles,
        signed_under=(decree, sealed[0].decree_date if sealed else day or _today()),
        selected={r.activity_id for r in results if r.result is None},
    )


def _today() -> dt.date:
    return local_date(utcnow(), runtime().info.timezone)


def _confirmation(
    ids: list[int], decree: str, typed_date: str, day: dt.date | None
) -> ResponseReturnValue:
    """What is about to be signed: which activities, how many, the confirmed total, under which
    decree number and date; the governor signs from here or goes back with the ticks kept."""
    listed, _more = list_activities(session(), current_actor(), _waiting(), LIMIT)
    chosen = [a for a in listed if a.id in set(ids)]
    total = sum(y.confirmed_budget or 0 for a in chosen for y in a.years)
    return render_template(
        "ui/signoff_confirm.html",
        chosen=chosen,
        unknown=len(set(ids)) - len(chosen),
        ids=ids,
        total=total,
        decree=decree,
        decree_date=typed_date,
        day=day or _today(),
    )
