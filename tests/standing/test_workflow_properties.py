"""Property-based, stateful (issue 15's standing suite): random actions by random demo users on
random activities, on PostgreSQL through the core use cases. Whatever hypothesis tries:

- no activity is ever in a state outside its workflow;
- no OPD's pagu is ever exceeded (the DPPPA's 2023 pagu is made tight so it is tried);
- the audit chain always verifies;
- every successful transition wrote exactly one audit entry (its ``seq``, its action) and its
  outbox rows (those the result names, keyed by that transition); a refused one wrote nothing.

Bounded: ``MAX_EXAMPLES`` runs of at most ``STEPS`` steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, update

from core.audit import iter_breaks
from core.errors import DomainError
from core.models import Activity, AuditEntry, Ceiling, Opd, OutboxMessage, Province, User
from core.services import available_actions
from core.testing import Harness, reset
from tests.helpers import lampung_payload

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MAX_EXAMPLES = 20
STEPS = 40
DECREE = "G/301/V.09/HK/2023"
REACHED: set[str] = set()
COUNTS = {"steps": 0, "accepted": 0, "refused": 0}
TIGHT = 500_000_000  # room left in DPPPA's 2023 pagu: three activities of 150M, not four


@pytest.fixture
def tight_pagu(pg: Harness) -> Iterator[None]:
    with pg.session() as s:
        opd_id = s.execute(select(Opd.id).where(Opd.code == "dpppa")).scalar_one()
        where = (Ceiling.opd_id == opd_id, Ceiling.year == 2023)
        before = s.execute(select(Ceiling.amount).where(*where)).scalar_one()
        s.execute(update(Ceiling).where(*where).values(amount=TIGHT))
        s.commit()
    yield
    with pg.session() as s:
        s.execute(update(Ceiling).where(*where).values(amount=before))
        s.commit()
    reset(pg.factory)


def _facts(h: Harness, activity_id: int) -> tuple[int, int, int]:
    with h.session() as s:
        version = s.execute(select(Activity.version).where(Activity.id == activity_id)).scalar_one()
        audits = s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.activity_id == activity_id)
        ).scalar_one()
        outbox = s.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
    return version, audits, outbox


def test_random_actions_keep_every_invariant(pg: Harness, tight_pagu: None) -> None:
    h = pg
    workflow = h.registry.get("lampung").workflow
    states = {s.code for s in workflow.states}
    actions = sorted({t.action for t in workflow.transitions})
    with h.session() as s:
        users = sorted(s.execute(select(User.username)).scalars())
    staff = [u for u in users if u.endswith(".staf")]
    with h.session() as s:
        lampung_users = sorted(
            s.execute(
                select(User.username)
                .join(Province, Province.id == User.province_id)
                .where(Province.code == "lampung")
            ).scalars()
        )

    class Workflow(RuleBasedStateMachine):
        activities = Bundle("activities")

        @initialize()
        def clean(self) -> None:
            reset(h.factory)
            self.successes = 0

        @rule(
            target=activities,
            user=st.sampled_from(staff),
            budget=st.sampled_from([50_000_000, 150_000_000, 400_000_000]),
        )
        def create(self, user: str, budget: int) -> Any:
            years = [{"year": 2023, "target": "60 orang", "proposed_budget": budget}]
            try:
                return h.create(user, lampung_payload(h.plan_id(), years=years)).id
            except DomainError:  # e.g. a staff member of another province: not theirs to draft
                return h.create("dpppa.staf", lampung_payload(h.plan_id(), years=years)).id

        @rule(
            activity_id=activities,
            user=st.sampled_from(users),
            action=st.sampled_from(actions),
            comment=st.sampled_from([None, "Catatan uji properti."]),
        )
        def act_at_random(
            self, activity_id: int, user: str, action: str, comment: str | None
        ) -> None:
            """Anyone, any action: mostly refused, which must write nothing."""
            self.check(activity_id, user, action, comment)

        @rule(
            activity_id=activities,
            data=st.data(),
            comment=st.sampled_from([None, "Catatan uji properti."]),
        )
        def act_as_offered(self, activity_id: int, data: Any, comment: str | None) -> None:
            """Someone the activity's stage offers an action to, so routes are walked far."""
            offered = []
            with h.session() as s:
                for user in lampung_users:
                    try:
                        mine = available_actions(s, h.registry, h.actor(user), activity_id)
                    except DomainError:  # not theirs to see
                        continue
                    offered += [(user, a) for a in mine]
            if offered:
                user, action = data.draw(st.sampled_from(offered))
                self.check(activity_id, user, action, comment)

        def check(self, activity_id: int, user: str, action: str, comment: str | None) -> None:
            COUNTS["steps"] += 1
            version, audits, outbox = _facts(h, activity_id)
            body: dict[str, Any] = {"decree_number": DECREE}
            if comment:
                body["comment"] = comment
            try:
                result = h.act(user, activity_id, action, **body)
            except DomainError:
                assert _facts(h, activity_id) == (version, audits, outbox)  # nothing written
                COUNTS["refused"] += 1
                return
            COUNTS["accepted"] += 1
            self.successes += 1
            REACHED.add(result.to_state)
            assert result.version == version + 1
            with h.session() as s:
                entries = (
                    s.execute(
                        select(AuditEntry.action).where(
                            AuditEntry.activity_id == activity_id, AuditEntry.seq == result.seq
                        )
                    )
                    .scalars()
                    .all()
                )
                keys = s.execute(
                    select(OutboxMessage.id, OutboxMessage.key).where(
                        OutboxMessage.key.startswith(f"t:{activity_id}:{result.seq}:")
                    )
                ).all()
            assert entries == [action]
            assert _facts(h, activity_id)[1] == audits + 1
            assert sorted(i for i, _ in keys) == sorted(result.outbox_ids)
            assert _facts(h, activity_id)[2] == outbox + len(result.outbox_ids)

        @invariant()
        def states_are_the_workflows(self) -> None:
            with h.session() as s:
                seen = set(s.execute(select(Activity.state).distinct()).scalars())
            assert seen <= states, seen - states

        @invariant()
        def no_pagu_is_exceeded(self) -> None:
            with h.session() as s:
                over = s.execute(select(Ceiling.id).where(Ceiling.confirmed > Ceiling.amount)).all()
            assert over == []

        @invariant()
        def the_chain_verifies(self) -> None:
            with h.session() as s:
                assert list(iter_breaks(s)) == []

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,  # no .hypothesis folder in the work tree; CI starts clean anyway
            derandomize=True,  # the same walk every run: a failure reproduces
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(
        f"hypothesis: {MAX_EXAMPLES} runs, transitions {COUNTS}, states reached {sorted(REACHED)}"
    )
    # The walk goes far, not only refusals: the pagu check and the sign-off were exercised.
    assert {"budget_review", "governor_signoff", "signed"} <= REACHED, REACHED
