"""Clarification threads: a reviewer asks a question on an activity without moving it (for
example Bappeda asks the OPD for the basis of a cost), the OPD answers. No state change and no
revision round; each question and answer is an audit entry (from and to the current state) in
the activity's hash chain, and an outbox message (the OPD's staff and head are told of a
question, the asker of its answer). Whoever may see the activity sees the thread.

Who asks: anyone who sees the activity and is not of its OPD (reviewers, partner OPDs). Who
answers: the OPD's staff or head. An answered question cannot be answered again (409).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import Conflict, NotAllowed, NotFound, RuleFailed, Violation
from core.models import Activity, Clarification, utcnow
from core.notifications import recipients
from core.notifications.pending import note_written
from core.plugins import Registry
from core.schemas import Str
from core.services.common import activities_t, append_audit
from core.services.queries import get_activity
from core.types import Recipient
from core.unit_of_work import unit_of_work

ASK_ACTION, ANSWER_ACTION = "tanya_klarifikasi", "jawab_klarifikasi"
ASK_LABEL, ANSWER_LABEL = "Pertanyaan klarifikasi", "Jawaban klarifikasi"
OPD_ROLES = ("opd_staff", "opd_head")  # who answers for the activity's OPD
NOTIFY_KIND = "transition"  # rendered like a move: action, note, the (unchanged) status


def _of_its_opd(actor: Actor, activity: Activity) -> str | None:
    """The role in which the actor answers for the activity's OPD, if any."""
    return next((r for r in OPD_ROLES if actor.holds(r, activity.opd_id)), None)


def may_ask(actor: Actor, activity: Activity) -> bool:
    """Whether the actor may ask (they see it, so only: not of its OPD)."""
    return _of_its_opd(actor, activity) is None


def may_answer(actor: Actor, activity: Activity) -> bool:
    return _of_its_opd(actor, activity) is not None


_TEXT = Str()  # several lines, but no NUL, control character or lone surrogate


def _text(value: str | None, field: str) -> str:
    text = (value or "").strip()
    if not text:
        code = "question_required" if field == "question" else "answer_required"
        raise RuleFailed([Violation(code, "Teks wajib diisi.", field)])
    try:
        checked: str = _TEXT.deserialize(text)
    except ValidationError as err:  # the API's and the page's callers alike: a 422, not SQL's 500
        first = err.messages[0] if isinstance(err.messages, list) else err.messages
        raise RuleFailed([Violation("invalid_text", str(first), field)]) from None
    return checked


def _record(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity: Activity,
    *,
    action: str,
    label: str,
    role: str,
    text: str,
    told: list[Recipient],
    payload: dict[str, Any],
) -> None:
    """The audit entry (under the activity's row lock, bumping its version as every append
    does) and the outbox rows of one question or answer."""
    now = utcnow()
    session.execute(
        update(activities_t)
        .where(activities_t.c.id == activity.id)
        .values(version=activities_t.c.version + 1, updated_at=now)
    )
    seq = append_audit(
        session,
        activity_id=activity.id,
        actor_id=actor.user_id,
        actor=actor.username,
        role=role,
        action=action,
        from_state=activity.state,
        to_state=activity.state,
        comment=text,
        payload=payload,
        at=now,
    )
    runtime = registry.get(actor.province_code)
    workflow = runtime.workflow_version(session, activity.workflow_version)
    audience = recipients.audience(told, opd=activity.opd.code, opd_roles=runtime.opd_roles)
    batch = recipients.OutboxBatch(
        kind=NOTIFY_KIND,
        key_prefix=f"c:{activity.id}:{seq}:",
        activity_id=activity.id,
        payload={
            "activity_id": activity.id,
            "title": activity.title,
            "opd": activity.opd.code,
            "province": actor.province_code,
            "action": action,
            "action_label": label,
            "from_state": activity.state,
            "to_state": activity.state,
            "to_label": workflow.label(activity.state),
            "actor": actor.full_name,
            "comment": text,
        },
        created_at=now,
    )
    params = audience.params | batch.params()
    params |= {
        "o_province_id": activity.province_id,
        "o_opd_id": activity.opd_id,
        "o_actor_id": actor.user_id,
    }
    ids = list(session.execute(recipients.insert_rows(audience.shape), params).scalars())
    note_written(session, ids)


def ask(
    session: Session, registry: Registry, actor: Actor, activity_id: int, question: str | None
) -> Clarification:
    """A question on the activity (404 not visible, 403 its own OPD, 422 empty)."""
    with unit_of_work(session):
        activity = get_activity(session, actor, activity_id)
        if _of_its_opd(actor, activity) is not None:
            raise NotAllowed("OPD pengusul menjawab pertanyaan klarifikasi, tidak mengajukannya.")
        text = _text(question, "question")
        item = Clarification(activity_id=activity.id, question=text, asked_by_id=actor.user_id)
        session.add(item)
        session.flush()
        _record(
            session,
            registry,
            actor,
            activity,
            action=ASK_ACTION,
            label=ASK_LABEL,
            role=actor.roles[0] if actor.roles else "",
            text=text,
            told=[Recipient(role=r) for r in OPD_ROLES],
            payload={"clarification_id": item.id},
        )
    return item


def answer(
    session: Session,
    registry: Registry,
    actor: Actor,
    activity_id: int,
    clarification_id: int,
    text: str | None,
) -> Clarification:
    """The OPD's answer (404 not visible, 403 not of the OPD, 409 answered, 422 empty)."""
    with unit_of_work(session):
        activity = get_activity(session, actor, activity_id)
        item = session.get(Clarification, clarification_id, with_for_update=True)
        if item is None or item.activity_id != activity.id:
            raise NotFound("Pertanyaan klarifikasi tidak ditemukan.")
        role = _of_its_opd(actor, activity)
        if role is None:
            raise NotAllowed("Hanya OPD pengusul yang dapat menjawab pertanyaan klarifikasi.")
        if item.answer is not None:
            raise Conflict("Pertanyaan ini sudah dijawab.")
        body = _text(text, "answer")
        item.answer, item.answered_by_id, item.answered_at = body, actor.user_id, utcnow()
        session.flush()
        _record(
            session,
            registry,
            actor,
            activity,
            action=ANSWER_ACTION,
            label=ANSWER_LABEL,
            role=role,
            text=body,
            told=[Recipient(user_id=item.asked_by_id)],
            payload={"clarification_id": item.id},
        )
    return item


def thread(session: Session, actor: Actor, activity_id: int) -> Sequence[Clarification]:
    """The activity's questions and answers, oldest first (404 when not visible)."""
    get_activity(session, actor, activity_id)
    return (
        session.execute(
            select(Clarification)
            .where(Clarification.activity_id == activity_id)
            .order_by(Clarification.id)
        )
        .scalars()
        .all()
    )
