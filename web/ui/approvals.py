"""A party's queue (``/persetujuan``): the activities at a gate where the logged-in user still
has a decision to give, and only those (decided, or not a party: not listed)."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core.models import Activity
from core.services import pending_decisions
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.deadlines import oldest_first, waiting_of
from web.ui.diagram import gate_rule
from web.ui.layout import registry, workflow_of

bp = ui_blueprint("approvals", __name__, "/persetujuan")


@bp.route("/")
def index() -> ResponseReturnValue:
    s, actor = session(), current_actor()
    pending = pending_decisions(s, registry(), actor)
    ids = [activity_id for activity_id, _ in pending]
    activities = {
        a.id: a for a in s.execute(select(Activity).where(Activity.id.in_(ids))).scalars()
    }
    gates = dict(pending)
    ordered = oldest_first(activities[activity_id] for activity_id in gates)
    rows = [(a, gates[a.id], workflow_of(a), gate_rule(gates[a.id].gate)) for a in ordered]
    return render_template("ui/approvals.html", rows=rows, waits=waiting_of(ordered))
