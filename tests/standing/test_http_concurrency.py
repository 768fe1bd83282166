"""Concurrency through HTTP with several worker processes (issue 15's standing suite): a real
``sepakat serve --workers 2`` (threaded gunicorn) on the migrated PostgreSQL.

- 50 identical transitions at once: exactly one 200, 49 × 409, one audit entry, one set of
  outbox rows;
- confirmations of more activities than an OPD's pagu holds, all at once: the pagu is never
  exceeded and exactly as many as fit succeed.
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


def test_parallel_confirmations_never_exceed_the_pagu(http: Http, migrated: Harness) -> None:
    fits, tried = 3, 8
    activities = [_in_budget_review(http, migrated) for _ in range(tried)]
    with migrated.session() as s:
        opd_id = s.execute(select(Opd.id).where(Opd.code == "dpppa")).scalar_one()
        where = (Ceiling.opd_id == opd_id, Ceiling.year == 2023)
        confirmed = s.execute(select(Ceiling.confirmed).where(*where)).scalar_one()
        amount = confirmed + fits * BUDGET + BUDGET // 2  # room for three and a half
        s.execute(update(Ceiling).where(*where).values(amount=amount))
        s.commit()
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
        after = s.execute(select(Ceiling.confirmed).where(*where)).scalar_one()
        booked = s.execute(
            select(func.count())
            .select_from(Activity)
            .where(Activity.id.in_(activities), Activity.state != "budget_review")
        ).scalar_one()
    assert after == confirmed + fits * BUDGET <= amount
    assert booked == fits
