"""Taking a workflow action from the activity page (submit, approve, confirm, sign, return...).

The form data is shaped into the API's transition payload and validated by the same marshmallow
schema; ``core.services.transition`` decides everything else.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import ValidationError

from core.errors import Conflict, RuleFailed
from core.schemas import TransitionInputSchema
from core.services import discard_draft, get_activity, transition
from core.services.common import violations_from_marshmallow
from web.extensions import session
from web.ui.activities import render_detail
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID, parse_amount, whole_number
from web.ui.layout import registry, workflow_of
from web.ui.messages import error_text, translate

bp = ui_blueprint("actions", __name__, "/kegiatan")

_schema = TransitionInputSchema()


def transition_payload(form: Any) -> dict[str, Any]:
    """The API body from the HTML form: ``confirmed.2023`` inputs become ``confirmed_years``.

    Every year's input is sent, an emptied one as null: the core then names the year that has
    no amount instead of confirming the proposal nobody typed."""
    data: dict[str, Any] = {
        "action": form.get("action", ""),
        "version": whole_number(form.get("version", "")),
    }
    if form.get("comment", "").strip():
        data["comment"] = form["comment"].strip()
    if form.get("decree_number", "").strip():
        data["decree_number"] = form["decree_number"].strip()
    if form.get("decree_date", "").strip():
        data["decree_date"] = form["decree_date"].strip()
    # ``confirmed.2023``: a suffix that is not a year is passed on for the schema to refuse.
    confirmed = [
        {
            "year": whole_number(key.removeprefix("confirmed.")),
            "confirmed_budget": parse_amount(form[key].strip()) if form[key].strip() else None,
        }
        for key in confirmed_keys(form)
    ]
    if confirmed:
        data["confirmed_years"] = confirmed
    return data


def confirmed_keys(form: Any) -> list[str]:
    """The confirmed-amount inputs in the order ``confirmed_years`` lists them."""
    return [key for key in sorted(form) if key.startswith("confirmed.")]


def _errors(err: RuleFailed, keys: list[str]) -> dict[str, list[str]]:
    """Messages by input: ``confirmed_years.0.confirmed_budget`` → ``confirmed.2023`` (the
    year's own input, ``keys`` in payload order), and the message says the year."""
    out: dict[str, list[str]] = {}
    for v in err.violations:
        key, text = v.field, translate(v.message)
        m = re.fullmatch(r"confirmed_years\.(\d+)(?:\..*)?", key)
        if m and int(m[1]) < len(keys):
            key = keys[int(m[1])]
            year = key.removeprefix("confirmed.")
            if year not in text:
                text = _("Tahun %(y)s: %(m)s", y=year, m=text)
        elif key.startswith("confirmed_years"):
            key = "confirmed"
        elif key not in ("comment", "decree_number", "decree_date"):
            key = "_form"
        out.setdefault(key, []).append(text)
    return out


# One rule for both methods: a second rule of the same path would make an id the converter
# refuses (out of range) a 405 instead of a 404.
@bp.route(f"/<{ID}:activity_id>/aksi", methods=["GET", "POST"])
def act(activity_id: int) -> ResponseReturnValue:
    if request.method == "GET":  # the address left in the bar, reloaded or bookmarked
        return redirect(url_for("activities.detail", activity_id=activity_id))
    actor = current_actor()
    raw = transition_payload(request.form)
    typed = request.form.to_dict()
    action = str(raw.get("action"))
    # Errors are answered here with the activity page: the browser shows the activity's address.
    g.page_url = url_for("activities.detail", activity_id=activity_id)
    try:
        try:
            data = _schema.load(raw)
        except ValidationError as err:
            raise RuleFailed(violations_from_marshmallow(err)) from None
        body = {k: v for k, v in data.items() if k not in ("action", "version")}
        result = transition(
            session(), registry(), actor, activity_id, data["action"], data["version"], body
        )
    except RuleFailed as err:
        return render_detail(
            activity_id,
            errors=_errors(err, confirmed_keys(request.form)),
            active=action,
            typed=typed,
            status=422,
        )
    except Conflict as err:  # stale page or somebody else acted first: show the current state
        session().expire_all()
        return render_detail(activity_id, errors={"_form": [error_text(err)]}, status=409)
    activity = get_activity(session(), actor, activity_id)
    label = translate(workflow_of(activity).label(result.to_state))
    flash(_("Berhasil. Status kegiatan sekarang: %(state)s.", state=label), "success")
    for warning in result.warnings:
        flash(translate(warning.message), "warning")
    return redirect(url_for("activities.detail", activity_id=activity_id))


@bp.route(f"/<{ID}:activity_id>/hapus", methods=["POST"])
def discard(activity_id: int) -> ResponseReturnValue:
    """*Hapus draf*: a draft never submitted is set aside (``core.services.discard_draft``);
    the list follows, where it no longer shows."""
    version = whole_number(request.form.get("version", ""))
    try:
        discard_draft(
            session(),
            registry(),
            current_actor(),
            activity_id,
            version if isinstance(version, int) else -1,
        )
    except Conflict as err:  # submitted meanwhile, or changed since the page was read
        session().expire_all()
        return render_detail(activity_id, errors={"_form": [error_text(err)]}, status=409)
    flash(_("Draf kegiatan dihapus."), "success")
    return redirect(url_for("activities.index"))
