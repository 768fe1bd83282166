"""Delivering one outbox message: an inbox row, then an e-mail, each at most once.

Idempotency: the inbox row is keyed by the outbox key (unique), so delivering a message twice,
or two workers delivering it at once, yields one row. The e-mail's state lives on that row
(``email_status``: ``pending`` → ``sent`` / ``failed`` / ``skipped``), and the SMTP send happens
while the row is locked (``SELECT ... FOR UPDATE``), so a second delivery waits and then sees
``sent``.

The crash window: if the process dies after the SMTP server accepted the message but before our
COMMIT of ``sent``, the lock and the attempt are rolled back and the message is redelivered
(``acks_late``), so that e-mail goes out twice. We chose at-least-once over at-most-once: a
duplicate notice is a nuisance, a lost one means an approval waits unseen. The window is the
few milliseconds between the server's ``250`` and our commit, and both copies carry the same
``Message-ID`` (derived from the key), so mail clients can fold them into one. A crash before
the server's ``250`` (the usual case: the worker dies while talking to the server) is not a
duplicate at all: SMTP did not take the message, and the redelivery sends it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from core.email import EmailError, header_text, send_email
from core.models import (
    Activity,
    Notification,
    Opd,
    OutboxMessage,
    ProgressReport,
    Province,
    RoleAssignment,
    User,
    utcnow,
)
from core.notifications.language import Catalogues
from core.notifications.store import insert_new, notifications_t, outbox_t
from core.notifications.text import Composed, compose
from core.timezones import as_utc
from core.unit_of_work import unit_of_work

PENDING, SENT, FAILED, SKIPPED = "pending", "sent", "failed", "skipped"


@dataclass(frozen=True)
class MailSettings:
    smtp_url: str | None
    sender: str  # the From header, e.g. ``Sepakat <noreply@example.go.id>``
    public_url: str  # links in e-mails point here
    max_attempts: int = 5  # then the e-mail is ``failed`` for good
    # The pages' catalogues, for recipients who chose another language (none: Indonesian).
    catalogues: Catalogues = field(default_factory=Catalogues)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], catalogues: Catalogues | None = None
    ) -> MailSettings:
        """From the loaded settings (``core.settings``), as the workers and the web app hold
        them; ``catalogues`` for the notices' other languages."""
        return cls(
            smtp_url=config.get("SMTP_URL"),
            sender=config["MAIL_FROM"],
            public_url=config["PUBLIC_URL"],
            max_attempts=int(config["EMAIL_MAX_ATTEMPTS"]),
            catalogues=catalogues or Catalogues(),
        )


@dataclass(frozen=True)
class Delivery:
    outbox_id: int
    notification_id: int
    inbox_created: bool  # False when an earlier delivery already wrote it
    email_status: str
    retry: bool = False  # a transient e-mail failure: try again later


@dataclass(frozen=True)
class _Written:
    notification_id: int
    created: bool
    email: EmailMessage | None  # None: no address, or it could not be composed
    broken: str | None = None  # why the e-mail could not be composed
    status: str = PENDING  # the e-mail's state as this delivery wrote the row


def _email_message(
    settings: MailSettings, key: str, to: tuple[str, str], texts: Composed, at: dt.datetime
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = formataddr((header_text(to[0]), to[1]))
    mail["Subject"] = header_text(texts.subject)
    mail["Date"] = format_datetime(as_utc(at))
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "sepakat.local"
    # Stable per message, so a rare resend (see the module docstring) is recognisably the same.
    mail["Message-ID"] = f"<sepakat.{key.replace(':', '.')}@{domain}>"
    mail.set_content(texts.body)
    return mail


def _cannot_send(has_address: bool, settings: MailSettings) -> str | None:
    """Why no e-mail will go out, shown on the inbox row; None when it can."""
    if not has_address:
        return "Pengguna tidak memiliki alamat e-mail."
    if not settings.smtp_url:
        return "Pengiriman e-mail belum diatur (SMTP_URL kosong)."
    return None


def _asked(
    session: Session, msg: OutboxMessage, held: list[tuple[str, str | None]] | None = None
) -> str | None:
    """The stage the message asks its recipient to act at, or None when it only tells them.
    A reminder always asks; a transition asks those who may act where the activity now is
    (the payload's ``asks``: role and OPD pairs, frozen at the move). ``held``: the
    recipient's (role, OPD code) pairs when read with the message (PostgreSQL)."""
    payload = msg.payload or {}
    if msg.kind != "transition":
        stage = payload.get("stage")
        return stage if isinstance(stage, str) else None
    asks = {(role, opd) for role, opd in payload.get("asks") or []}
    if not asks:
        return None
    if held is None:
        held = [
            (role, opd)
            for role, opd in session.execute(
                select(RoleAssignment.role, Opd.code)
                .outerjoin(Opd, Opd.id == RoleAssignment.opd_id)
                .where(RoleAssignment.user_id == msg.recipient_id)
            )
        ]
    if any((role, None) in asks or (role, opd) in asks for role, opd in held):
        return str(payload["to_state"])
    return None


def _report_of(msg: OutboxMessage) -> int | None:
    """The progress report a message is about (its payload's ``report_id``), if any."""
    value = (msg.payload or {}).get("report_id")
    return value if isinstance(value, int) else None


def _already_done(
    session: Session, msg: OutboxMessage, stage: str | None, activity_now: tuple[str, int] | None
) -> bool:
    """Whether the activity has left the stage the message asked about since it was written
    (a late delivery: the item arrives done): another state, or another visit of the same one
    (a later revision round). ``activity_now``: the activity's (state, revision round), read
    with the message."""
    if stage is None or msg.activity_id is None:
        return False
    payload = msg.payload or {}
    if "open_states" in payload:  # a report's due date: done once the report is submitted
        return _report_submitted(session, msg.activity_id, payload)
    report_id = _report_of(msg)
    now_at: Any
    if report_id is not None:  # a notice about a progress report: the report's stage
        r = ProgressReport
        where_now = select(r.state, r.revision_round).where(r.id == report_id)
        now_at = session.execute(where_now).one_or_none()
    else:
        now_at = activity_now
    if now_at is None:
        return False
    state, round_ = now_at
    asked_round = (msg.payload or {}).get("revision_round")
    return bool(state != stage or (asked_round is not None and round_ != asked_round))


def _report_submitted(session: Session, activity_id: int, payload: dict[str, Any]) -> bool:
    """Whether the report a due-date reminder asks for has left the states it was open in
    (the payload's ``open_states``, frozen when the reminder was written)."""
    r = ProgressReport
    state = session.execute(
        select(r.state).where(
            r.activity_id == activity_id,
            r.year == payload.get("year"),
            r.period == payload.get("period"),
        )
    ).scalar_one_or_none()
    return state is not None and state not in payload["open_states"]


def _now_of(column: Any) -> Any:
    """The message's activity's ``column`` now, read with the message (one round trip less)."""
    return select(column).where(Activity.id == OutboxMessage.activity_id).scalar_subquery()


def _held(column: Any) -> Any:
    """PostgreSQL: the recipient's role assignments' ``column`` as an array (in one order)."""
    return (
        select(func.array_agg(aggregate_order_by(column, RoleAssignment.id)))
        .select_from(RoleAssignment)
        .outerjoin(Opd, Opd.id == RoleAssignment.opd_id)
        .where(RoleAssignment.user_id == OutboxMessage.recipient_id)
        .scalar_subquery()
    )


# Built once: the message, its recipient and the activity's stage now; on PostgreSQL also the
# recipient's roles (``_asked``): a delivery's reads in one round trip.
_MESSAGE = (
    select(
        OutboxMessage,
        User.full_name,
        User.email,
        User.language,
        Province.timezone,
        _now_of(Activity.state).label("activity_state"),
        _now_of(Activity.revision_round).label("activity_round"),
    )
    .join(User, User.id == OutboxMessage.recipient_id)
    .join(Province, Province.id == User.province_id)
    .where(OutboxMessage.id == bindparam("outbox_id"))
)
_MESSAGE_PG = _MESSAGE.add_columns(
    _held(RoleAssignment.role).label("roles"), _held(Opd.code).label("role_opds")
)


def _write_inbox(session: Session, settings: MailSettings, outbox_id: int) -> _Written | None:
    postgres = session.get_bind().dialect.name == "postgresql"
    row = session.execute(_MESSAGE_PG if postgres else _MESSAGE, {"outbox_id": outbox_id})
    found = row.one_or_none()
    if found is None:
        return None
    msg, name, address, language, zone, activity_state, activity_round = found[:7]
    activity_now = (activity_state, activity_round) if activity_state is not None else None
    held = list(zip(found.roles or [], found.role_opds or [], strict=True)) if postgres else None
    stage = _asked(session, msg, held)
    texts = compose(
        msg.kind,
        msg.payload,
        recipient_name=name,
        created_at=msg.created_at,
        public_url=settings.public_url,
        zone=zone,  # the recipient's province: where the activity is, too
        reader=settings.catalogues.reader(language),  # the language the recipient chose
        asked=stage is not None,
    )
    why = _cannot_send(bool(address), settings)
    status = SKIPPED if why else PENDING
    now = utcnow()
    new_id = insert_new(
        session,
        notifications_t,
        {
            "key": msg.key,
            "user_id": msg.recipient_id,
            "activity_id": msg.activity_id,
            "kind": msg.kind,
            "message": texts.message,
            "created_at": now,
            "email_status": status,
            "email_attempts": 0,
            "email_error": why,
            "stage": stage,
            "done_at": now if _already_done(session, msg, stage, activity_now) else None,
            "report_id": _report_of(msg),
        },
        ["key"],
    )
    # Delivered implies handed over; the relay must not publish it again (a row published
    # after its commit is marked so already: no statement for it).
    if msg.sent_at is None:
        session.execute(
            update(outbox_t)
            .where(outbox_t.c.id == outbox_id, outbox_t.c.sent_at.is_(None))
            .values(sent_at=now)
        )
    notification_id = (
        new_id
        or session.execute(select(Notification.id).where(Notification.key == msg.key)).scalar_one()
    )
    # Written now as not to be sent (no address, no SMTP): no message to build. (A row an
    # earlier delivery left pending still gets its e-mail built: _send_once says why not.)
    email, broken = (
        (None, None)
        if status == SKIPPED and new_id is not None
        else _compose_email(settings, msg.key, (name, address) if address else None, texts, now)
    )
    return _Written(notification_id, new_id is not None, email, broken, status)


def _compose_email(
    settings: MailSettings, key: str, to: tuple[str, str] | None, texts: Composed, at: dt.datetime
) -> tuple[EmailMessage | None, str | None]:
    """The e-mail, or why it cannot be built. Building it must never undo the inbox row (it
    once did: a line break in a title made ``email`` raise and rolled the notification back),
    so a failure here is reported and the e-mail alone ends ``failed``."""
    if to is None:
        return None, None
    try:
        return _email_message(settings, key, to, texts, at), None
    except (ValueError, TypeError, LookupError) as err:
        return None, f"E-mail tidak dapat disusun: {err}"


def _send_once(session: Session, settings: MailSettings, written: _Written) -> tuple[str, bool]:
    """Send unless already decided; returns (status, retry). The row lock spans the send."""
    email = written.email
    n = session.execute(
        select(Notification).where(Notification.id == written.notification_id).with_for_update()
    ).scalar_one()
    if n.email_status != PENDING:
        return n.email_status, False
    if written.broken:  # retrying would build the same broken message: failed for good
        n.email_status, n.email_error = FAILED, written.broken
        return n.email_status, False
    why = _cannot_send(email is not None, settings)
    if why or email is None or settings.smtp_url is None:
        # Pending from an earlier delivery, but this process cannot send: say so, not silence.
        n.email_status, n.email_error = SKIPPED, why
        return n.email_status, False
    n.email_attempts += 1
    retry = False
    try:
        send_email(settings.smtp_url, email)
    except EmailError as err:
        n.email_error = f"Percobaan {n.email_attempts}: {err}"
        if err.transient and n.email_attempts < settings.max_attempts:
            retry = True
        else:
            n.email_status = FAILED
    else:
        n.email_status, n.email_error = SENT, None
    return n.email_status, retry


def deliver(session: Session, outbox_id: int, settings: MailSettings) -> Delivery | None:
    """Deliver one outbox message (None if the row is gone). Commits twice: the inbox row first,
    so the notification is visible even while the e-mail is still being retried (once, when the
    row was written as an e-mail that will not be sent)."""
    return deliver_many(session, [outbox_id], settings)[0]


def deliver_many(
    session: Session, outbox_ids: Sequence[int], settings: MailSettings
) -> list[Delivery | None]:
    """Deliver several outbox messages (a transition's recipients, ``sepakat.deliver_batch``)
    as ``deliver`` does each, but their inbox rows in one transaction: one commit for the
    batch instead of one per recipient (issue 17). Each e-mail is then sent in a transaction of
    its own, as ``deliver`` sends it. A failure writing any inbox row rolls back the batch's
    rows together, and delivering them again changes nothing already delivered."""
    with unit_of_work(session):
        written = [_write_inbox(session, settings, outbox_id) for outbox_id in outbox_ids]
    out: list[Delivery | None] = []
    for outbox_id, w in zip(outbox_ids, written, strict=True):
        if w is None:
            out.append(None)
        elif w.created and w.status == SKIPPED:
            # Written as not to be sent (no address, no SMTP): no second transaction to decide
            # what is decided already (it halves a delivery's commits where e-mail is off).
            out.append(Delivery(outbox_id, w.notification_id, True, SKIPPED))
        else:
            with unit_of_work(session):
                status, retry = _send_once(session, settings, w)
            out.append(Delivery(outbox_id, w.notification_id, w.created, status, retry))
    return out
