"""Bappeda's queue: activities waiting for budget confirmation, next to the OPD's remaining
pagu for each year, so the verifier sees what a confirmation would leave; oldest first, each
with how long it has waited and the calendar's deadline (``web.ui.deadlines``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core.models import Activity, Ceiling
from core.services import ListFilters, list_activities
from core.workflow import StateKind
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.deadlines import oldest_first, waiting_of
from web.ui.layout import runtime

bp = ui_blueprint("queue", __name__, "/antrean")

LIMIT = 200


@dataclass(frozen=True)
class QueueLine:
    year: int
    proposed: int
    ceiling: int | None
    remaining: int | None

    @property
    def after(self) -> int | None:
        return None if self.remaining is None else self.remaining - self.proposed


def remaining_by_opd(activities: Sequence[Activity]) -> dict[tuple[int, int], tuple[int, int]]:
    """(OPD, year) → (pagu, remaining), in one query for the whole page."""
    opd_ids = {a.opd_id for a in activities}
    if not opd_ids:
        return {}
    rows = session().execute(
        select(Ceiling.opd_id, Ceiling.year, Ceiling.amount, Ceiling.confirmed).where(
            Ceiling.opd_id.in_(opd_ids)
        )
    )
    return {(o, y): (int(a), int(a) - int(c)) for o, y, a, c in rows}


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = current_actor()
    items, more = list_activities(
        session(), actor, ListFilters(states=runtime().workflow.codes(StateKind.BUDGET)), LIMIT
    )
    pagu = remaining_by_opd(items)
    rows = []
    for a in oldest_first(items):
        lines = []
        for y in a.years:
            ceiling, remaining = pagu.get((a.opd_id, y.year), (None, None))
            lines.append(QueueLine(y.year, y.proposed_budget, ceiling, remaining))
        rows.append((a, lines))
    return render_template(
        "ui/queue.html", rows=rows, more=more is not None, waits=waiting_of(items)
    )
