"""``core.unit_of_work``: commit on success, roll back everything on any error, on both
backends, seen from a second connection."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.errors import RuleFailed, Violation
from core.models import RevokedToken
from core.testing import Harness
from core.unit_of_work import unit_of_work

LATER = dt.datetime(2030, 1, 1)


@pytest.fixture
def jti() -> str:
    """A prefix of this test's own rows (the harness's reset keeps revoked tokens)."""
    return secrets.token_hex(8)


def stored(h: Harness, prefix: str) -> set[str]:
    with h.session() as other:  # a second session: only committed rows are visible
        rows = other.execute(select(RevokedToken.jti).where(RevokedToken.jti.startswith(prefix)))
        return {j.removeprefix(prefix) for j in rows.scalars()}


def test_commits_when_the_block_ends(harness: Harness, jti: str) -> None:
    with harness.session() as s:
        with unit_of_work(s):
            s.add(RevokedToken(jti=jti + "a", expires_at=LATER))
        assert not s.in_transaction()
    assert stored(harness, jti) == {"a"}


def test_rolls_back_and_reraises_a_domain_error(harness: Harness, jti: str) -> None:
    refused = RuleFailed([Violation("nope", "Tidak boleh.")])
    with harness.session() as s:
        with pytest.raises(RuleFailed) as caught, unit_of_work(s):
            s.add(RevokedToken(jti=jti + "a", expires_at=LATER))
            s.flush()  # written to the database, inside the transaction
            raise refused
        assert caught.value is refused
        mine = RevokedToken.jti.startswith(jti)
        assert s.execute(select(func.count()).where(mine)).scalar_one() == 0
    assert stored(harness, jti) == set()


def test_nothing_half_written_when_a_later_write_fails(harness: Harness, jti: str) -> None:
    with harness.session() as s:
        with unit_of_work(s):
            s.add(RevokedToken(jti=jti + "old", expires_at=LATER))
        with pytest.raises(IntegrityError), unit_of_work(s):
            s.add(RevokedToken(jti=jti + "new", expires_at=LATER))
            s.flush()
            s.add(RevokedToken(jti=jti + "old", expires_at=LATER))  # duplicate key at commit
        with unit_of_work(s):  # the session is usable again afterwards
            s.add(RevokedToken(jti=jti + "after", expires_at=LATER))
    assert stored(harness, jti) == {"old", "after"}
