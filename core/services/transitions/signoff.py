"""The governor's batch sign-off: many activities under one decree number and date, each in its
own transaction, so one failure does not undo the others; then one seal for the activities the
batch signed (``core.services.seals``). Which move signs is the workflow's business (the
transition that ``requires_decree`` from the activity's state)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import DomainError, NotAllowed, NotFound, Violation
from core.models import Plan, Signoff, utcnow
from core.plugins import Registry
from core.policy import ensure_may_sign_in_batch
from core.services import seals
from core.services.transitions.apply import transition
from core.services.transitions.checks import check
from core.services.transitions.load import load
from core.services.transitions.write import TransitionResult
from core.timezones import local_date
from core.unit_of_work import unit_of_work


@dataclass
class BatchItem:
    activity_id: int
    result: TransitionResult | None = None
    error: DomainError | None = None


class BatchResult(list[BatchItem]):
    """The items, in the order asked, with the batch's decree date and seal (None when nothing
    was signed)."""

    decree_date: dt.date
    signoff: Signoff | None = None


def decree_problems(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_ids: Sequence[int],
    decree_number: str,
    decree_date: dt.date | None = None,
) -> list[Violation]:
    """What is wrong with a batch's decree number and date, once for the batch: the checks of
    the signing move (the core's and the province's ``transition_rules``, a decree format)
    run on the first activity that could be signed now, nothing written, and only what they
    say of ``decree_number`` and ``decree_date`` is kept, the same for every activity. The
    page asks before signing, so a malformed number is one error on its field, not one per
    activity."""
    for activity_id in dict.fromkeys(activity_ids):
        loaded = load(session, activity_id)
        if loaded is None:
            continue
        workflow = registry.get(loaded.view.province).workflow_version(
            session, loaded.workflow_version
        )
        action = workflow.decree_action(loaded.state)
        if action is None:
            continue
        payload: dict[str, Any] = {"decree_number": decree_number, "decree_date": decree_date}
        try:
            checked = check(session, registry, actor, activity_id, action, loaded.version, payload)
        except DomainError:
            continue  # this one cannot be signed by the actor: the batch reports it
        finally:
            session.rollback()
        return [
            v
            for v in checked.violations
            if not v.warning and v.field in ("decree_number", "decree_date")
        ]
    return []


def batch_signoff(
    session: Session,
    registry: Registry,
    actor: Actor,
    plan_id: int,
    activity_ids: Sequence[int],
    decree_number: str,
    decree_date: dt.date | None = None,
) -> BatchResult:
    """Sign every activity of ``activity_ids`` (of plan ``plan_id``) under ``decree_number``
    and ``decree_date`` (by default today in the province's zone, once for the whole batch)."""
    plan = session.get(Plan, plan_id)
    if plan is None or plan.province_id != actor.province_id:
        raise NotFound("Rencana aksi tidak ditemukan.")
    province_id = plan.province_id
    runtime = registry.get(actor.province_code)
    # The whole batch is refused to a role that never signs, rather than every item.
    ensure_may_sign_in_batch(actor, runtime.workflow)
    day = decree_date or local_date(utcnow(), runtime.info.timezone)
    items = BatchResult()
    items.decree_date = day
    for activity_id in dict.fromkeys(activity_ids):  # keeps order, drops repeats
        item = BatchItem(activity_id)
        try:
            loaded = load(session, activity_id)
            if loaded is None or loaded.view.plan_id != plan_id:
                raise NotFound("Kegiatan tidak ditemukan dalam rencana aksi ini.")
            workflow = registry.get(loaded.view.province).workflow_version(
                session, loaded.workflow_version
            )
            # Not in a signing state: the workflow's signing action, refused with its reason.
            action = workflow.decree_action(loaded.state) or workflow.decree_action()
            if action is None:  # a workflow without a decree: nobody signs in batch
                raise NotAllowed("Peran Anda tidak berwenang melakukan aksi ini pada kegiatan ini.")
            session.rollback()  # end the read so each sign-off starts its own transaction
            item.result = transition(
                session,
                registry,
                actor,
                activity_id,
                action,
                loaded.version,
                {"decree_number": decree_number, "decree_date": day},
                seal=False,
            )
        except DomainError as err:
            session.rollback()
            item.error = err
        items.append(item)
    signed = [i.activity_id for i in items if i.result is not None]
    # One actor signs the batch: as acting official or not, the first move says which.
    as_acting = next((i.result.acting for i in items if i.result is not None), None)
    if signed:
        with unit_of_work(session):
            items.signoff = seals.seal(
                session,
                actor,
                province_id=province_id,
                plan_id=plan_id,
                activity_ids=signed,
                decree_number=decree_number.strip(),
                decree_date=day,
                acting=as_acting,
            )
        for item in items:
            if item.result is not None:
                item.result.signoff_id = items.signoff.id
                item.result.signoff_code = items.signoff.code
    return items
