"""SpiffWorkflow 3: a BPMN process with four user tasks, its whole state serialized to a jsonb
column after every step (as SpiffArena stores a process instance), on an ORM model locked for
the step (``with_for_update``). No rules, audit chain or outbox."""

from __future__ import annotations

import itertools
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Integer, create_engine, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bench.common import ROUTE

STEPS = [action for _, action, _, _ in ROUTE]


def _bpmn() -> bytes:
    nodes = ["start", *STEPS, "end"]
    tasks = "".join(
        f'<bpmn:userTask id="{s}" name="{s}"><bpmn:incoming>f{i}</bpmn:incoming>'
        f"<bpmn:outgoing>f{i + 1}</bpmn:outgoing></bpmn:userTask>"
        for i, s in enumerate(STEPS)
    )
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(itertools.pairwise(nodes))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        'targetNamespace="http://bpmn.io/schema/bpmn"><bpmn:process id="approval" '
        'isExecutable="true"><bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing>'
        f'</bpmn:startEvent>{tasks}<bpmn:endEvent id="end"><bpmn:incoming>f{len(STEPS)}'
        f"</bpmn:incoming></bpmn:endEvent>{flows}</bpmn:process></bpmn:definitions>"
    ).encode()


class Base(DeclarativeBase):
    pass


class ProcessInstance(Base):
    __tablename__ = "spiff_process_instance"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bpmn_json: Mapped[dict[str, Any]] = mapped_column(JSONB)


def _spec() -> Any:
    parser = BpmnParser()
    parser.add_bpmn_str(_bpmn())
    return parser.get_spec("approval")


def prepare(url: str, count: int) -> list[int]:
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    serializer = BpmnWorkflowSerializer()
    workflow = BpmnWorkflow(_spec())
    workflow.do_engine_steps()
    start = serializer.to_dict(workflow)
    with Session(engine) as s:
        rows = [ProcessInstance(bpmn_json=start) for _ in range(count)]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def setup(url: str) -> tuple[Session, BpmnWorkflowSerializer]:
    return Session(create_engine(url)), BpmnWorkflowSerializer()


def client(state: tuple[Session, BpmnWorkflowSerializer], ids: list[int]) -> int:
    session, serializer = state
    done = 0
    with session as s:
        for instance_id in ids:
            for step in STEPS:
                with s.begin():
                    row = s.execute(
                        select(ProcessInstance)
                        .where(ProcessInstance.id == instance_id)
                        .with_for_update()
                    ).scalar_one()
                    workflow = serializer.from_dict(row.bpmn_json)
                    (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
                    if task.task_spec.name != step:
                        raise RuntimeError(f"{instance_id} waits at {task.task_spec.name}")
                    task.run()
                    workflow.do_engine_steps()
                    row.bpmn_json = serializer.to_dict(workflow)
                done += 1
    return done


def finished(url: str, ids: list[int]) -> bool:
    serializer = BpmnWorkflowSerializer()
    with Session(create_engine(url)) as s:
        rows = s.execute(select(ProcessInstance).where(ProcessInstance.id.in_(ids))).scalars()
        return all(serializer.from_dict(r.bpmn_json).is_completed() for r in rows)
