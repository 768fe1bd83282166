"""``core.notifications.pending`` alone (SQLAlchemy only, no Flask, no Celery): noted ids are
handed to the publisher after the outer commit, exactly once, and never after a rollback; a
failing publisher cannot fail the commit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from core.notifications.pending import note_written, publish_on_commit, written


@pytest.fixture
def engine() -> Iterator[Engine]:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    yield engine
    engine.dispose()


def subscribed(engine: Engine) -> tuple[sessionmaker[Session], list[list[int]]]:
    published: list[list[int]] = []
    factory = sessionmaker(engine)
    publish_on_commit(factory, published.append)
    return factory, published


def write(session: Session, row_id: int) -> None:
    session.execute(text("INSERT INTO t (id) VALUES (:id)"), {"id": row_id})
    note_written(session, [row_id])


def test_commit_hands_over_what_its_transaction_noted_once(engine: Engine) -> None:
    factory, published = subscribed(engine)
    with factory() as s:
        write(s, 1)
        write(s, 2)
        assert published == []  # nothing before the commit
        s.commit()
        assert published == [[1, 2]]
        s.execute(text("SELECT 1"))
        s.commit()  # a later commit with nothing noted publishes nothing
    assert published == [[1, 2]]


def test_rollback_and_close_drop_the_noted_ids(engine: Engine) -> None:
    factory, published = subscribed(engine)
    with factory() as s:
        write(s, 1)
        s.rollback()
        assert written(s) == []
        write(s, 2)
        s.commit()
    with factory() as s:
        write(s, 3)
    # closed without committing: dropped as well
    assert written(s) == []
    assert published == [[2]]


def test_a_savepoint_waits_for_the_outer_commit(engine: Engine) -> None:
    factory, published = subscribed(engine)
    with factory() as s:
        write(s, 1)
        with s.begin_nested():
            write(s, 2)
        assert published == []  # released, but the outer transaction may still roll back
        s.commit()
    assert published == [[1, 2]]


def test_a_failing_publisher_leaves_the_commit_standing(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    factory = sessionmaker(engine)

    def broken(ids: list[int]) -> None:
        raise ConnectionError("broker mati")

    publish_on_commit(factory, broken)
    with factory() as s:
        write(s, 7)
        s.commit()  # does not raise
    with factory() as s:
        assert s.execute(text("SELECT id FROM t")).scalars().all() == [7]
    assert "publishing outbox [7] after commit failed" in caplog.text


def test_sessions_of_other_factories_are_not_subscribed(engine: Engine) -> None:
    _factory, published = subscribed(engine)
    with Session(engine) as s:
        write(s, 1)
        s.commit()
    assert published == []
