"""Beranda: what waits for me, counts per state, confirmed budget against each OPD's pagu
(``web.ui.pagu_overview``), and totals per pillar."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from core.access import Actor, activity_scope
from core.models import Activity, Plan, Signoff
from core.services import ListFilters, available_actions_many, list_activities
from core.workflow import StateKind
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.deadlines import oldest_first, upcoming, waiting_of
from web.ui.layout import registry, runtime
from web.ui.monitoring import headline, percent
from web.ui.pagu_overview import pagu_overview

bp = ui_blueprint("dashboard", __name__)

WAITING_LIMIT = 50


def waiting_for(actor: Actor) -> list[Activity]:
    """Activities where the actor holds an action now (four-eyes and scope included)."""
    rt = runtime()
    roles = set(actor.roles)
    states = [s.code for s in rt.workflow.states if s.stage_role in roles]
    out: list[Activity] = []
    s = session()
    for state in states:
        items, _ = list_activities(s, actor, ListFilters(state=state), WAITING_LIMIT)
        actions = available_actions_many(s, registry(), actor, [a.id for a in items])
        out.extend(a for a in items if actions.get(a.id))
    return oldest_first(out)


@dataclass(frozen=True)
class Tally:
    """The dashboard's counts per state and totals per pillar, from one grouped read of the
    reader's activities (each activity's own budget totals, ``Activity.proposed_total``: no
    join of the province's activity years; issue 17, where the two reads were a fifth of the
    page over a national-scale province)."""

    states: dict[str, int]
    pillars: dict[str, tuple[int, int, int]]  # code → (activities, proposed, confirmed)


def tally(actor: Actor) -> Tally:
    """Counts per state of every activity, and per pillar of those not rejected."""
    rows = session().execute(
        select(
            Activity.state,
            Activity.pillar,
            func.count(),
            func.coalesce(func.sum(Activity.proposed_total), 0),
            func.coalesce(func.sum(Activity.confirmed_total), 0),
        )
        .where(activity_scope(actor))
        .group_by(Activity.state, Activity.pillar)
    )
    rejected = set(runtime().workflow.codes(StateKind.REJECTED))
    states: dict[str, int] = {}
    pillars: dict[str, tuple[int, int, int]] = {}
    for state, pillar, n, proposed, confirmed in rows:
        states[state] = states.get(state, 0) + int(n)
        if state not in rejected:
            was = pillars.get(pillar, (0, 0, 0))
            adds = (int(n), int(proposed), int(confirmed or 0))
            pillars[pillar] = (was[0] + adds[0], was[1] + adds[1], was[2] + adds[2])
    return Tally(states, pillars)


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = current_actor()
    rt = runtime()
    found = tally(actor)
    counts = found.states
    pillars = {code: (0, 0, 0) for code in rt.reference.codes("pillars")} | found.pillars
    pillar_rows = [
        (c.label, *pillars.get(c.code, (0, 0, 0))) for c in rt.reference.lists.get("pillars", [])
    ]
    max_pillar = max((row[2] for row in pillar_rows), default=0)
    waiting = waiting_for(actor)
    return render_template(
        "ui/dashboard.html",
        waiting=waiting,
        waits=waiting_of(waiting),
        schedule=upcoming(),
        workflow=rt.workflow,
        counts=[(s, counts.get(s.code, 0)) for s in rt.workflow.states],
        total=sum(counts.values()),
        pagu=pagu_overview(actor),
        pillar_rows=pillar_rows,
        max_pillar=max_pillar,
        signed_plans=signed_plans(actor),
        # The governor's (and every province-wide reader's) card: the latest period's numbers.
        monitoring=headline(actor) if actor.province_wide else None,
        percent=percent,
    )


def signed_plans(actor: Actor) -> list[Plan]:
    """The province's plans with a sealed sign-off: each has a lampiran to download (which
    holds only the seals the actor may see)."""
    has_seal = select(Signoff.id).where(Signoff.plan_id == Plan.id).exists()
    query = select(Plan).where(Plan.province_id == actor.province_id, has_seal).order_by(Plan.id)
    return list(session().execute(query).scalars())
