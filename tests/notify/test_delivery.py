"""Delivering one outbox message (core, no broker): inbox row and e-mail each once, e-mail
failures ending in a visible state, the texts people read, and the in-process (no Redis) mode.
A real SMTP server (aiosmtpd) receives the mail."""

from __future__ import annotations

import threading
import time

from sqlalchemy import event, select, update

from core.models import OutboxMessage, User
from core.notifications import Delivery, MailSettings, deliver, deliver_many
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.notify.conftest import PUBLIC_URL, AppFactory
from tests.notify.queries import inbox, outbox, submit, submit_in
from tests.notify.services import MailCatcher

HEAD = "dpppa.kepala@lampungprov.test"
STAFF = "dpppa.staf@lampungprov.test"


def settings(smtp_url: str | None, **kw: int) -> MailSettings:
    return MailSettings(
        smtp_url=smtp_url,
        sender="Sepakat Lampung <noreply@lampungprov.test>",
        public_url=PUBLIC_URL,
        **kw,
    )


def run(h: Harness, outbox_id: int, mail_settings: MailSettings) -> Delivery | None:
    with h.session() as s:
        return deliver(s, outbox_id, mail_settings)


def test_delivering_twice_makes_one_inbox_row_and_one_email(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    [outbox_id] = submit(harness).outbox_ids
    first = run(harness, outbox_id, settings(smtp_url))
    second = run(harness, outbox_id, settings(smtp_url))
    assert first is not None and second is not None
    assert (first.inbox_created, first.email_status) == (True, "sent")
    assert (second.inbox_created, second.email_status) == (False, "sent")
    assert second.notification_id == first.notification_id
    [row] = inbox(harness)
    assert row.email_attempts == 1
    assert len(mail.messages) == 1
    assert outbox(harness)[0].sent_at is not None


def test_concurrent_deliveries_send_one_email(
    pg: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    """Two workers with the same message at once (a redelivery racing the original): the row
    lock held across the SMTP send makes the second wait, then find it sent."""
    [outbox_id] = submit(pg).outbox_ids
    mail.delay = 1.0  # the first send is still in flight when the second starts
    results: list[Delivery] = []

    def worker() -> None:
        result = run(pg, outbox_id, settings(smtp_url))
        assert result is not None
        results.append(result)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.3)
    for t in threads:
        t.join(timeout=30)
    assert [r.email_status for r in results] == ["sent", "sent"]
    assert sorted(r.inbox_created for r in results) == [False, True]
    assert len(mail.messages) == 1
    assert len(inbox(pg)) == 1


def test_transient_failures_retry_then_end_failed(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    [outbox_id] = submit(harness).outbox_ids
    mail.refuse[HEAD] = 451
    policy = settings(smtp_url, max_attempts=2)
    first = run(harness, outbox_id, policy)
    assert first is not None and (first.email_status, first.retry) == ("pending", True)
    [row] = inbox(harness)
    assert row.email_attempts == 1 and "451" in (row.email_error or "")
    second = run(harness, outbox_id, policy)
    assert second is not None and (second.email_status, second.retry) == ("failed", False)
    del mail.refuse[HEAD]
    third = run(harness, outbox_id, policy)  # a late redelivery does not resurrect it
    assert third is not None and third.email_status == "failed"
    [row] = inbox(harness)
    assert row.email_attempts == 2
    assert row.email_error is not None and row.email_error.startswith("Percobaan 2:")
    assert mail.messages == []


def test_a_pending_email_this_process_cannot_send_becomes_skipped(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    """E.g. a worker started without SMTP_URL picks up a retry: visible, not pending for ever."""
    [outbox_id] = submit(harness).outbox_ids
    mail.refuse[HEAD] = 451
    first = run(harness, outbox_id, settings(smtp_url))
    assert first is not None and first.retry
    result = run(harness, outbox_id, settings(None))
    assert result is not None and (result.email_status, result.retry) == ("skipped", False)
    assert inbox(harness)[0].email_error == "Pengiriman e-mail belum diatur (SMTP_URL kosong)."


def test_a_permanent_refusal_fails_at_once(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    [outbox_id] = submit(harness).outbox_ids
    mail.refuse[HEAD] = 550
    result = run(harness, outbox_id, settings(smtp_url))
    assert result is not None and (result.email_status, result.retry) == ("failed", False)
    assert "550" in (inbox(harness)[0].email_error or "")


def test_unreachable_smtp_server_is_transient(harness: Harness) -> None:
    [outbox_id] = submit(harness).outbox_ids
    from tests.notify.services import free_port

    result = run(harness, outbox_id, settings(f"smtp://127.0.0.1:{free_port()}"))
    assert result is not None and result.retry
    assert "tidak dapat dihubungi" in (inbox(harness)[0].email_error or "")


def test_no_address_or_no_smtp_skips_the_email_visibly(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    [first] = submit(harness).outbox_ids
    no_smtp = run(harness, first, settings(None))
    assert no_smtp is not None and no_smtp.email_status == "skipped"
    with harness.session() as s:
        s.execute(update(User).where(User.username == "dpppa.kepala").values(email=None))
        s.commit()
    try:
        [second] = submit(harness).outbox_ids
        no_address = run(harness, second, settings(smtp_url))
    finally:
        with harness.session() as s:
            s.execute(update(User).where(User.username == "dpppa.kepala").values(email=HEAD))
            s.commit()
    assert no_address is not None and no_address.email_status == "skipped"
    errors = [n.email_error for n in inbox(harness)]
    assert errors == [
        "Pengiriman e-mail belum diatur (SMTP_URL kosong).",
        "Pengguna tidak memiliki alamat e-mail.",
    ]
    assert mail.messages == []


def test_a_returned_activity_tells_the_submitter_in_indonesian(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    activity = harness.create("dpppa.staf", lampung_payload(harness.plan_id()))
    harness.act("dpppa.staf", activity.id, "submit")
    note = "Mohon lengkapi rincian sasaran per kabupaten."
    result = harness.act("dpppa.kepala", activity.id, "return", comment=note)
    for outbox_id in result.outbox_ids:
        run(harness, outbox_id, settings(smtp_url))
    [email] = mail.to(STAFF)  # the head acted, so only the submitter is told
    title = "Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji"
    assert email["Subject"] == f"[Sepakat] Dikembalikan untuk Revisi: {title}"
    assert email["From"] == "Sepakat Lampung <noreply@lampungprov.test>"
    assert email["To"] == f"Rina Marlina <{STAFF}>"
    key = f"t:{activity.id}:3:"
    assert email["Message-ID"].startswith(f"<sepakat.{key.replace(':', '.')}")
    body = email.get_content()
    assert body.startswith("Yth. Rina Marlina,")
    for expected in (
        title,
        "DPPPA",
        "dikembalikan oleh Dra. Fitrianita Damhuri, M.Si. untuk diperbaiki.",
        f"Catatan          : {note}",
        f"{PUBLIC_URL}/kegiatan/{activity.id}",
        " pukul ",
    ):
        assert expected in body
    [row] = [n for n in inbox(harness) if n.key.startswith(key)]
    assert row.kind == "transition"
    reg = activity.registration_number
    assert row.message == (
        f"«{title}» ({reg}) dikembalikan oleh Dra. Fitrianita Damhuri, M.Si. untuk diperbaiki. "
        f"Catatan: {note} Menunggu tindakan Anda pada tahap Dikembalikan untuk Revisi."
    )
    assert row.stage == "returned" and row.done_at is None  # it asks the submitter to revise


def test_without_redis_the_commit_delivers_in_process(
    pg: Harness, mail: MailCatcher, smtp_url: str, app_factory: AppFactory
) -> None:
    """The one-command demo: no broker, the same task runs inside the request's commit."""
    app = app_factory(None, smtp_url)
    assert app.extensions["celery"].conf.task_always_eager
    submit_in(app, pg)
    [row] = inbox(pg)
    assert row.email_status == "sent"
    assert len(mail.to(HEAD)) == 1
    with pg.session() as s:
        sent_at = s.execute(select(OutboxMessage.sent_at)).scalar_one()
    assert sent_at is not None  # set by the delivery itself


def test_without_redis_a_failing_email_is_retried_in_process_then_failed(
    pg: Harness, mail: MailCatcher, smtp_url: str, app_factory: AppFactory
) -> None:
    app = app_factory(None, smtp_url, EMAIL_MAX_ATTEMPTS=3)
    mail.refuse[HEAD] = 451
    submit_in(app, pg)  # the transition's caller sees no error
    [row] = inbox(pg)
    assert (row.email_status, row.email_attempts) == ("failed", 3)


def test_without_redis_a_failing_email_is_tried_once_by_default(
    pg: Harness, mail: MailCatcher, smtp_url: str, app_factory: AppFactory
) -> None:
    """Retries in process would hold the user's request: one try, then visibly failed."""
    app = app_factory(None, smtp_url)
    mail.refuse[HEAD] = 451
    submit_in(app, pg)
    [row] = inbox(pg)
    assert (row.email_status, row.email_attempts) == ("failed", 1)


def test_a_batch_writes_its_inbox_rows_in_one_commit(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    """``deliver_many`` (``sepakat.deliver_batch``): a transition's recipients' inbox rows in one
    transaction, then each e-mail in its own; delivered again, nothing is added or resent, and
    a row that is gone is None."""
    h = harness
    activity_id = h.create("dpppa.staf", lampung_payload(h.plan_id())).id
    h.walk(activity_id, "submit")
    ids = sorted(h.walk(activity_id, "approve")[0].outbox_ids)
    assert len(ids) >= 2
    for smtp, created in ((None, True), (smtp_url, False)):
        commits: list[int] = []
        with h.session() as s:
            event.listen(s, "after_commit", lambda _s, seen=commits: seen.append(1))
            found = deliver_many(s, [*ids, 10**9], settings(smtp))
        assert found[-1] is None
        delivered = [d for d in found if d is not None]
        assert [d.outbox_id for d in delivered] == ids
        assert {d.inbox_created for d in delivered} == {created}
        # No SMTP: the inbox rows' one commit. Then: the inbox (nothing new) and each row's
        # pending decision once more, each in its own transaction, as ``deliver`` does.
        assert len(commits) == (1 if smtp is None else 1 + len(ids)), commits
    assert len(inbox(h)) == len(ids)
    assert mail.messages == []  # decided without SMTP the first time: not sent later
