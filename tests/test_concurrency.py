"""Races on PostgreSQL: whoever commits first wins, the other changes nothing.

Each race is run twice: deterministically (a test plugin makes the rival commit while the
first transition sits between its checks and its writes) and with real threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from core.errors import DomainError, RuleFailed, StaleVersion
from core.hookspecs import hookimpl
from core.models import AuditEntry, Ceiling, Opd
from core.testing import Harness

pytestmark = pytest.mark.postgres

TO_BUDGET = (("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
BIG = [{"year": 2023, "target": "x", "proposed_budget": 1_500_000_000}]  # pagu: 2.5 billion


class RivalFirst:
    """Runs ``rival`` once, from inside the first transition's rule checks."""

    def __init__(self, rival: Callable[[], Any]) -> None:
        self.rival: Callable[[], Any] | None = rival

    @hookimpl
    def transition_rules(self, **_: Any) -> list[Any]:
        rival, self.rival = self.rival, None
        if rival is not None:
            # Another thread, so another connection: a committed rival, not a nested call.
            t = threading.Thread(target=rival)
            t.start()
            t.join(timeout=30)
        return []


def approvals(h: Harness, activity_id: int) -> int:
    with h.session() as s:
        return s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.activity_id == activity_id, AuditEntry.action == "approve")
        ).scalar_one()


def dpppa_confirmed(h: Harness) -> int:
    with h.session() as s:
        return s.execute(
            select(Ceiling.confirmed)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == "dpppa", Ceiling.year == 2023)
        ).scalar_one()


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call at the same moment; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except DomainError as err:
            results[i] = err

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_approvals_rival_commits_in_between(pg: Harness, payload_pg) -> None:
    a = pg.create("dpppa.staf", payload_pg())
    pg.act("dpppa.staf", a.id, "submit")
    version = pg.version(a.id)
    won: list[Any] = []
    rival = RivalFirst(lambda: won.append(pg.act("dpppa.kepala", a.id, "approve")))
    with pg.plugged(rival), pytest.raises(StaleVersion):
        pg.act("dpppa.kepala", a.id, "approve")
    assert won and won[0].to_state == "budget_review"
    assert pg.version(a.id) == version + 1
    assert approvals(pg, a.id) == 1


def test_two_approvals_at_once(pg: Harness, payload_pg) -> None:
    a = pg.create("dpppa.staf", payload_pg())
    pg.act("dpppa.staf", a.id, "submit")
    version = pg.version(a.id)
    with pg.session() as s1, pg.session() as s2:
        from core.services import transition

        head = pg.actor("dpppa.kepala")
        results = race(
            *(
                (lambda s=s: transition(s, pg.registry, head, a.id, "approve", version))
                for s in (s1, s2)
            )
        )
    assert sorted(type(r).__name__ for r in results) == ["StaleVersion", "TransitionResult"]
    assert approvals(pg, a.id) == 1
    assert pg.state(a.id) == "budget_review"


def test_two_confirmations_rival_commits_in_between(pg: Harness, payload_pg) -> None:
    first = pg.create("dpppa.staf", payload_pg(years=BIG))
    second = pg.create("dpppa.staf", payload_pg(years=BIG))
    for a in (first, second):
        pg.move(a.id, *TO_BUDGET)
    version = pg.version(first.id)
    rival = RivalFirst(lambda: pg.act("bappeda.verifikator", second.id, "confirm_budget"))
    with pg.plugged(rival), pytest.raises(RuleFailed) as err:
        pg.act("bappeda.verifikator", first.id, "confirm_budget")
    assert err.value.codes() == ["ceiling_exceeded"]
    assert pg.state(second.id) == "governor_signoff"
    assert (pg.state(first.id), pg.version(first.id)) == ("budget_review", version)
    assert dpppa_confirmed(pg) == 1_500_000_000


def test_two_confirmations_at_once(pg: Harness, payload_pg) -> None:
    ids = []
    for _ in range(2):
        a = pg.create("dpppa.staf", payload_pg(years=BIG))
        pg.move(a.id, *TO_BUDGET)
        ids.append(a.id)
    results = race(*((lambda i=i: pg.act("bappeda.verifikator", i, "confirm_budget")) for i in ids))
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["RuleFailed", "TransitionResult"]
    assert dpppa_confirmed(pg) == 1_500_000_000
    assert sorted(pg.state(i) for i in ids) == ["budget_review", "governor_signoff"]
