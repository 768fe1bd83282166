"""The activity page's clarification thread: a reviewer's question and the OPD's answer, posted
from forms on the activity (``core.services.clarifications``); back to the activity either way,
with the outcome flashed."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.errors import DomainError
from core.services import clarifications
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID
from web.ui.layout import registry
from web.ui.messages import error_text

bp = ui_blueprint("clarifications", __name__, "/kegiatan")


def _back(activity_id: int) -> ResponseReturnValue:
    return redirect(url_for("activities.detail", activity_id=activity_id) + "#klarifikasi")


# GET and POST on one rule each: a form's address opened directly leads to its thread, and an
# id out of range stays a 404 for both methods (a GET rule of its own made the POST a 405).
@bp.route(f"/<{ID}:activity_id>/klarifikasi", methods=["GET", "POST"])
def ask(activity_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        return _back(activity_id)
    question = request.form.get("question", "")
    try:
        clarifications.ask(session(), registry(), current_actor(), activity_id, question)
    except DomainError as err:
        session().rollback()
        flash(error_text(err), "error")
        return _back(activity_id)
    flash(_("Pertanyaan klarifikasi terkirim ke OPD."), "success")
    return _back(activity_id)


@bp.route(f"/<{ID}:activity_id>/klarifikasi/<{ID}:clarification_id>/jawab", methods=["GET", "POST"])
def answer(activity_id: int, clarification_id: int) -> ResponseReturnValue:
    if request.method == "GET":
        return _back(activity_id)
    text = request.form.get("answer", "")
    try:
        clarifications.answer(
            session(), registry(), current_actor(), activity_id, clarification_id, text
        )
    except DomainError as err:
        session().rollback()
        flash(error_text(err), "error")
        return _back(activity_id)
    flash(_("Jawaban klarifikasi terkirim."), "success")
    return _back(activity_id)
