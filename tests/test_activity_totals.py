"""An activity's budget totals (``Activity.proposed_total``/``confirmed_total``, issue 17: what
the dashboard's totals per pillar read) stay the sums of its years through every write of
them: creation, an edit of the years, a confirmation with lowered amounts, a return that gives
the budget back, a new confirmation, a rejection; on SQLite and on PostgreSQL (whose move books
inside its combined statement)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import RuleFailed
from core.models import Activity, ActivityYear
from core.services import update_activity
from core.testing import Harness
from tests.helpers import lampung_payload

M = 1_000_000
TWO_YEARS = [
    {"year": 2023, "target": "60 orang", "proposed_budget": 150 * M},
    {"year": 2024, "target": "80 orang", "proposed_budget": 200 * M},
]


def totals(h: Harness, activity_id: int) -> tuple[tuple[int, int | None], tuple[int, int | None]]:
    """(the activity's totals, the sums of its years)."""
    with h.session() as s:
        kept = s.execute(
            select(Activity.proposed_total, Activity.confirmed_total).where(
                Activity.id == activity_id
            )
        ).one()
        summed = s.execute(
            select(
                func.coalesce(func.sum(ActivityYear.proposed_budget), 0),
                func.sum(ActivityYear.confirmed_budget),
            ).where(ActivityYear.activity_id == activity_id)
        ).one()
    return (int(kept[0]), kept[1]), (int(summed[0]), summed[1])


def assert_kept(h: Harness, activity_id: int, proposed: int, confirmed: int | None) -> None:
    kept, summed = totals(h, activity_id)
    assert kept == summed == (proposed, confirmed)


def test_totals_follow_every_write_of_the_years(harness: Harness) -> None:
    h = harness
    a = h.create("dpppa.staf", lampung_payload(h.plan_id(), years=TWO_YEARS)).id
    assert_kept(h, a, 350 * M, None)
    with h.session() as s:
        edited = [TWO_YEARS[0] | {"proposed_budget": 120 * M}, TWO_YEARS[1]]
        edited.append({"year": 2022, "target": "10 orang", "proposed_budget": 5 * M})
        actor = h.actor("dpppa.staf")
        update_activity(s, h.registry, actor, a, h.version(a), {"years": edited})
    assert_kept(h, a, 325 * M, None)
    h.walk(a, "submit", "approve")
    lowered = [
        {"year": 2022, "confirmed_budget": 5 * M},
        {"year": 2023, "confirmed_budget": 100 * M},
        {"year": 2024, "confirmed_budget": 200 * M},
    ]
    h.act("bappeda.verifikator", a, "confirm_budget", confirmed_years=lowered)
    assert_kept(h, a, 325 * M, 305 * M)
    h.walk(a, "return", comment="Rincian belanja belum lengkap.")  # the governor's
    assert_kept(h, a, 325 * M, None)
    with h.session() as s:
        fewer = {"years": [TWO_YEARS[1]]}
        update_activity(s, h.registry, h.actor("dpppa.staf"), a, h.version(a), fewer)
    assert_kept(h, a, 200 * M, None)
    h.walk(a, "submit", "approve", "confirm_budget")  # as proposed
    assert_kept(h, a, 200 * M, 200 * M)
    h.walk(a, "reject", comment="Tidak sesuai rencana aksi.")
    assert_kept(h, a, 200 * M, None)


def test_a_refused_confirmation_leaves_the_totals(harness: Harness) -> None:
    """A confirmation the pagu no longer takes is refused whole: no year confirmed, no total."""
    h = harness
    big = [{"year": 2023, "target": "1 paket", "proposed_budget": 10**15}]
    a = h.create("dpppa.staf", lampung_payload(h.plan_id(), years=big)).id
    h.walk(a, "submit", "approve")
    with pytest.raises(RuleFailed):  # over the pagu (what it says is tested elsewhere)
        h.walk(a, "confirm_budget")
    assert_kept(h, a, 10**15, None)
