"""A hand-rolled state machine: the ``transitions`` library on a SQLAlchemy ORM model locked for
the step (``with_for_update``) with optimistic versioning (``version_id_col``). No rules, no
audit, no outbox."""

from __future__ import annotations

from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from transitions import Machine

from bench.common import ROUTE


class Base(DeclarativeBase):
    pass


class FsmActivity(Base):
    __tablename__ = "fsm_activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's own dict


STATES = sorted({s for _, _, a, b in ROUTE for s in (a, b)})
# One machine for all models (add_model/remove_model per step), the library's cheap way.
MACHINE = Machine(
    model=None,
    states=STATES,
    transitions=[{"trigger": action, "source": a, "dest": b} for _, action, a, b in ROUTE],
    initial="draft",
    auto_transitions=False,
    model_attribute="state",
)


def prepare(url: str, count: int) -> list[int]:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        rows = [FsmActivity(state="draft") for _ in range(count)]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def setup(url: str) -> Session:
    return Session(create_engine(url))


def client(session: Session, ids: list[int]) -> int:
    done = 0
    with session as s:
        for activity_id in ids:
            for _, action, _, _ in ROUTE:
                with s.begin():
                    row = s.execute(
                        select(FsmActivity).where(FsmActivity.id == activity_id).with_for_update()
                    ).scalar_one()
                    MACHINE.add_model(row, initial=row.state)
                    try:
                        getattr(row, action)()  # raises MachineError when not allowed here
                    finally:
                        MACHINE.remove_model(row)
                done += 1
    return done


def finished(url: str, ids: list[int]) -> bool:
    with Session(create_engine(url)) as s:
        states = set(s.execute(select(FsmActivity.state).where(FsmActivity.id.in_(ids))).scalars())
    return states == {"signed"}
