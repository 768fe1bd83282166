"""Concurrency through HTTP with several worker processes (issue 15's standing suite): a real
``sepakat serve --workers 2`` (threaded gunicorn) on the migrated PostgreSQL.

- 50 identical transitions at once: exactly one 200, 49 × 409, one audit entry, one set of
  outbox rows;
- confirmations of more activities than an OPD's pagu holds, all at once: the pagu is never
  exceeded and exactly as many as fit succeed;
- overlapping batch sign-offs at once: each activity is signed exactly once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, update

from core.models import Activity, AuditEntry, Ceiling, Opd, OutboxMessage
from core.testing import Harness
from tests.api.serving import sepakat_serve
from tests.helpers import lampung_payload
from tests.standing.http import Http, at_once

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PARALLEL = 50
BUDGET = 150_000_000  # lampung_payload's proposed budget for 2023
DECREE = "G/301/V.09/HK/2023"


@pytest.fixture(scope="module")
def http(migrated_url: str) -> Iterator[Http]:
    with sepakat_serve(migrated_url, "--workers", "2", "--threads", "8") as port:
        yield Http(port)


def _draft(http: Http, h: Harness) -> int:
    status, body = http.call(
        "POST", "/api/v1/activities", lampung_payload(h.plan_id()), "dpppa.staf"
    )
    assert status == 201, body
    return int(body["id"])


def test_fifty_identical_transitions_one_wins(http: Http, migrated: Harness) -> None:
    activity_id = _draft(http, migrated)
    body = {"action": "submit", "version": http.version(activity_id, "dpppa.staf")}
    path = f"/api/v1/activities/{activity_id}/transitions"
    results = at_once([lambda: http.call("POST", path, body, "dpppa.staf")] * PARALLEL)
    assert Counter(status for status, _ in results) == {200: 1, 409: PARALLEL - 1}
    with migrated.session() as s:
        actions = (
            s.execute(select(AuditEntry.action).where(AuditEntry.activity_id == activity_id))
            .scalars()
            .all()
        )
        keys = (
            s.execute(select(OutboxMessage.key).where(OutboxMessage.activity_id == activity_id))
            .scalars()
            .all()
        )
    assert sorted(actions) == ["create", "submit"]
    assert keys and all(k.startswith(f"t:{activity_id}:2:") for k in keys)  # one transition's
    assert len(set(keys)) == len(keys)


def _in_budget_review(http: Http, h: Harness) -> int:
    activity_id = _draft(http, h)
    h.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    return activity_id


DPPPA_2023 = (
    Ceiling.opd_id == select(Opd.id).where(Opd.code == "dpppa").scalar_subquery(),
    Ceiling.year == 2023,
)


def _room(h: Harness, activities: int) -> tuple[int, int]:
    """Make DPPPA's 2023 pagu hold ``activities`` more (and a half): (confirmed, amount)."""
    with h.session() as s:
        confirmed = s.execute(select(Ceiling.confirmed).where(*DPPPA_2023)).scalar_one()
        amount = confirmed + activities * BUDGET + BUDGET // 2
        s.execute(update(Ceiling).where(*DPPPA_2023).values(amount=amount))
        s.commit()
    return confirmed, amount


def test_parallel_confirmations_never_exceed_the_pagu(http: Http, migrated: Harness) -> None:
    fits, tried = 3, 8
    activities = [_in_budget_review(http, migrated) for _ in range(tried)]
    confirmed, amount = _room(migrated, fits)
    calls = []
    for activity_id in activities:
        body = {"action": "confirm_budget", "version": http.version(activity_id, "auditor")}
        path = f"/api/v1/activities/{activity_id}/transitions"
        calls.append(lambda p=path, b=body: http.call("POST", p, b, "bappeda.verifikator"))
    results = at_once(calls)
    statuses = Counter(status for status, _ in results)
    assert statuses[200] == fits, results
    assert set(statuses) <= {200, 409, 422}, results
    with migrated.session() as s:
        after = s.execute(select(Ceiling.confirmed).where(*DPPPA_2023)).scalar_one()
        booked = s.execute(
            select(func.count())
            .select_from(Activity)
            .where(Activity.id.in_(activities), Activity.state != "budget_review")
        ).scalar_one()
    assert after == confirmed + fits * BUDGET <= amount
    assert booked == fits


def test_overlapping_batch_sign_offs_sign_each_activity_once(http: Http, migrated: Harness) -> None:
    """Four batches at once, each overlapping the others: every activity is signed exactly
    once (one ``sign`` audit entry), whichever batch got it."""
    _room(migrated, 6)
    activities = []
    for _ in range(6):
        activity_id = _in_budget_review(http, migrated)
        migrated.act("bappeda.verifikator", activity_id, "confirm_budget")
        activities.append(activity_id)
    plan_id = migrated.plan_id()
    batches = [activities[0:4], activities[2:6], activities[1:5], activities]
    path = f"/api/v1/plans/{plan_id}/signoff"
    results = at_once(
        [
            lambda ids=ids: http.call(
                "POST", path, {"activity_ids": ids, "decree_number": DECREE}, "gubernur"
            )
            for ids in batches
        ]
    )
    assert [status for status, _ in results] == [200] * len(batches), results
    assert sum(body["signed"] for _, body in results) == len(activities)
    with migrated.session() as s:
        signs = Counter(
            s.execute(
                select(AuditEntry.activity_id).where(
                    AuditEntry.activity_id.in_(activities), AuditEntry.action == "sign"
                )
            ).scalars()
        )
        states = set(s.execute(select(Activity.state).where(Activity.id.in_(activities))).scalars())
    assert signs == dict.fromkeys(activities, 1)
    assert states == {"signed"}
