"""Round trips on the hot paths (issue 17): building an actor is one statement, a seal two on
PostgreSQL (the signed rows with the signer's NIP, then the seal with its activity links), so a
regression to one query per attribute or an ORM flush shows here, with what they return
unchanged. Both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from core.access import load_actor
from core.models import Signoff, User
from core.services import seals, transition
from core.testing import Harness
from tests.helpers import lampung_payload

NIP = "196501011990031001"


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements ``session``'s engine sends inside the block."""
    seen: list[str] = []
    engine = session.get_bind()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_an_actor_is_built_in_one_statement(harness: Harness) -> None:
    expected = harness.actor("dpppa.kepala")
    with harness.session() as s:
        user_id = s.query(User.id).filter(User.username == "dpppa.kepala").scalar()
        roles = harness.runtime.opd_roles
        with statements(s) as seen:
            actor = load_actor(s, user_id, roles_of=lambda code: roles)
    assert len(seen) == 1, seen
    assert actor == expected and actor.grants


def test_a_seal_reads_once_and_writes_once(harness: Harness) -> None:
    activity = harness.create("dpppa.staf", lampung_payload(harness.plan_id()))
    harness.walk(activity.id, "submit", "approve", "confirm_budget")
    governor, plan_id = harness.actor("gubernur"), harness.plan_id()
    with harness.session() as s:
        with statements(s) as seen:
            record = seals.seal(
                s,
                governor,
                province_id=governor.province_id,
                plan_id=plan_id,
                activity_ids=[activity.id],
                decree_number="G/288/V.09/HK/2023",
                decree_date=dt.date(2023, 3, 14),
            )
        s.commit()
        postgres = s.get_bind().dialect.name == "postgresql"
        assert len(seen) == (2 if postgres else 3), seen
        # The session's own object, as an ORM flush left it; its links load when read.
        assert s.get(Signoff, record.id) is record
        assert [link.activity_id for link in record.activities] == [activity.id]
        assert record.snapshot["activities"][0]["years"][0]["year"] == 2023
        assert seals.verify(s, record).valid


def test_a_signing_move_seals_in_its_own_statement(harness: Harness) -> None:
    """PostgreSQL: the signing move's seal goes into its combined write (the load, then one
    statement: no read of the rows again, no INSERT of its own); the seal is what
    ``seals.seal`` would have written: the rows as stored, the signer's NIP, a valid digest.
    SQLite seals after the write, as before."""
    activity = harness.create("dpppa.staf", lampung_payload(harness.plan_id()))
    harness.walk(activity.id, "submit", "approve", "confirm_budget")
    with harness.session() as s:  # a NIP to name (the demo governor has none)
        s.execute(update(User).where(User.username == "gubernur").values(nip=NIP))
        s.commit()
    try:
        _sign_and_check(harness, activity.id)
    finally:  # the next test's governor has none again
        with harness.session() as s:
            s.execute(update(User).where(User.username == "gubernur").values(nip=None))
            s.commit()


def _sign_and_check(harness: Harness, activity_id: int) -> None:
    governor = harness.actor("gubernur")
    version = harness.version(activity_id)
    with harness.session() as s:
        postgres = s.get_bind().dialect.name == "postgresql"
        with statements(s) as seen:
            result = transition(
                s, harness.registry, governor, activity_id, "sign", version,
                {"decree_number": "G/288/V.09/HK/2023", "decree_date": "2023-03-14"},
            )  # fmt: skip
        assert len(seen) == 2 or not postgres, seen
        record = s.get(Signoff, result.signoff_id)
        assert record is not None and record.code == result.signoff_code
        assert record.snapshot["activities"] == seals._activity_rows(s, [activity_id])
        assert record.snapshot["signer"]["nip"] == NIP
        assert seals.verify(s, record).valid
