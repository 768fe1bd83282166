"""Issue 16, items 2, 3 and 14: the OPD hears of every move of its activity, in natural words
with what changed (the confirmed amounts beside the proposal, the decree number and date, the
note), in the reader's language (inbox and e-mail); an item that asked for an action is done
once the activity left that stage, and the badge counts only what still needs the reader.

Delivery is the real one (``core.notifications.deliver``) into a real SMTP server (aiosmtpd);
the English walk runs through the app, so its commits deliver in process with the catalogues
the composition root hands the workers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from core.models import Notification, OutboxMessage, User
from core.notifications import MailSettings, deliver
from core.notifications.inbox import unread_count
from core.services import preferences
from core.testing import Harness
from tests.helpers import lampung_details, lampung_payload
from tests.notify.conftest import PUBLIC_URL, AppFactory
from tests.notify.queries import act_in
from tests.notify.services import MailCatcher

STAFF, HEAD = "dpppa.staf", "dpppa.kepala"
STAFF_MAIL = "dpppa.staf@lampungprov.test"
TITLE = "Pelatihan mediasi konflik lahan bagi perempuan di Kabupaten Mesuji"
DECREE = "G/123/V.09/HK/2023"
CUT = [{"year": 2023, "confirmed_budget": 255_000_000}]
AMOUNTS = "2023 Rp300.000.000 → Rp255.000.000; total Rp300.000.000 → Rp255.000.000"


def settings(smtp_url: str | None) -> MailSettings:
    return MailSettings(smtp_url, "Sepakat Lampung <noreply@lampungprov.test>", PUBLIC_URL)


def payload(h: Harness) -> dict[str, Any]:
    """A land conflict (so Kesbangpol endorses it) of Rp300.000.000 in 2023."""
    return lampung_payload(
        h.plan_id(),
        title=TITLE,
        years=[{"year": 2023, "target": "60 orang", "proposed_budget": 300_000_000}],
        details=lampung_details(conflict_types=["lahan"]),
    )


# The walk from draft to signed: who takes each step, and what it sends.
WALK: list[tuple[str, str, dict[str, Any]]] = [
    (STAFF, "submit", {}),
    (HEAD, "approve", {}),
    ("kesbangpol.reviu", "endorse", {}),
    ("bappeda.verifikator", "confirm_budget", {"confirmed_years": CUT}),
    ("gubernur", "sign", {"decree_number": DECREE, "decree_date": "2023-03-15"}),
]


def user_id(h: Harness, username: str) -> int:
    return h.actor(username).user_id


def messages_of(h: Harness, username: str) -> list[Notification]:
    with h.session() as s:
        return list(
            s.execute(
                select(Notification)
                .where(Notification.user_id == user_id(h, username))
                .order_by(Notification.id)
            ).scalars()
        )


def deliver_all(h: Harness, ids: list[int], smtp_url: str | None) -> None:
    for outbox_id in ids:
        with h.session() as s:
            deliver(s, outbox_id, settings(smtp_url))


def test_the_submitter_and_the_head_hear_of_every_move_with_what_changed(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    h = harness
    activity = h.create(STAFF, payload(h))
    name = f"«{TITLE}» ({activity.registration_number})"
    for username, action, body in WALK:
        result = h.act(username, activity.id, action, **body)
        deliver_all(h, result.outbox_ids, smtp_url)
    assert h.state(activity.id) == "signed"

    approved = (
        f"{name} telah disetujui oleh Dra. Fitrianita Damhuri, M.Si. dan diteruskan ke tahap "
        "Reviu Badan Kesbangpol."
    )
    endorsed = (
        f"{name} telah disetujui oleh Hendra Gunawan, S.Sos. dan diteruskan ke tahap "
        "Verifikasi Anggaran Bappeda."
    )
    confirmed = (
        f"Anggaran {name} telah dikonfirmasi oleh Yuliana Sari, S.E., M.M. dan diteruskan ke "
        f"tahap Menunggu Penetapan Gubernur. Anggaran yang dikonfirmasi: {AMOUNTS}."
    )
    signed = (
        f"{name} telah ditetapkan oleh Gubernur Lampung dengan Keputusan Nomor {DECREE} "
        f"tanggal 15 Maret 2023. Anggaran yang ditetapkan: {AMOUNTS}."
    )
    submitted = (
        f"{name} telah diajukan oleh Rina Marlina dan kini menunggu Reviu Kepala OPD. "
        "Menunggu tindakan Anda pada tahap Reviu Kepala OPD."
    )
    # Nobody hears of their own move; everyone else of the OPD's side hears of every one.
    assert [n.message for n in messages_of(h, STAFF)] == [approved, endorsed, confirmed, signed]
    assert [n.message for n in messages_of(h, HEAD)] == [submitted, endorsed, confirmed, signed]
    for n in messages_of(h, STAFF) + messages_of(h, HEAD):
        assert "Tetapkan" not in n.message and "Status kini" not in n.message  # no commands

    emails = mail.to(STAFF_MAIL)
    assert [m["Subject"] for m in emails] == [
        f"[Sepakat] Reviu Badan Kesbangpol: {TITLE}",
        f"[Sepakat] Verifikasi Anggaran Bappeda: {TITLE}",
        f"[Sepakat] Menunggu Penetapan Gubernur: {TITLE}",
        f"[Sepakat] Ditetapkan: {TITLE}",
    ]
    body = emails[-1].get_content()
    assert signed in body
    for line in (
        f"Nomor keputusan  : {DECREE}",
        "Anggaran 2023    : Rp300.000.000 → Rp255.000.000",
        "Anggaran total   : Rp300.000.000 → Rp255.000.000",
        f"Nomor registrasi : {activity.registration_number}",
    ):
        assert line in body


def test_a_return_note_and_a_rejection_reason_reach_the_opd(
    harness: Harness, smtp_url: str, mail: MailCatcher
) -> None:
    h = harness
    activity = h.create(STAFF, lampung_payload(h.plan_id()))
    name = f"«{activity.title}» ({activity.registration_number})"
    h.act(STAFF, activity.id, "submit")
    h.act(HEAD, activity.id, "approve")
    note = "Rincikan sasaran per kabupaten."
    returned = h.act("bappeda.verifikator", activity.id, "return", comment=note)
    deliver_all(h, returned.outbox_ids, smtp_url)
    h.act(STAFF, activity.id, "submit")
    h.act(HEAD, activity.id, "approve")
    rejected = h.act("bappeda.verifikator", activity.id, "reject", comment="Tumpang tindih.")
    deliver_all(h, rejected.outbox_ids, smtp_url)
    back = f"{name} dikembalikan oleh Yuliana Sari, S.E., M.M. untuk diperbaiki. Catatan: {note}"
    refused = f"{name} ditolak oleh Yuliana Sari, S.E., M.M. Alasan: Tumpang tindih."
    staff = [n.message for n in messages_of(h, STAFF)]
    revise = "Menunggu tindakan Anda pada tahap Dikembalikan untuk Revisi."
    assert staff == [f"{back} {revise}", refused]
    assert [n.message for n in messages_of(h, HEAD)] == [back, refused]


def test_an_item_that_asked_for_an_action_is_done_once_it_is_taken(harness: Harness) -> None:
    """The Kepala's badge went 1 → 2 → 4: items never ended. Now each ends when the activity
    leaves the stage it asked about, read or not, and the badge counts what is left."""
    h = harness
    first = h.create(STAFF, lampung_payload(h.plan_id())).id
    second = h.create(STAFF, lampung_payload(h.plan_id())).id
    head = user_id(h, HEAD)
    deliver_all(h, h.act(STAFF, first, "submit").outbox_ids, None)
    deliver_all(h, h.act(STAFF, second, "submit").outbox_ids, None)
    with h.session() as s:
        assert unread_count(s, head) == 2
    deliver_all(h, h.act(HEAD, first, "approve").outbox_ids, None)
    with h.session() as s:
        assert unread_count(s, head) == 1  # acted on the first: its item is done, unread
    [done, waiting] = messages_of(h, HEAD)
    assert (done.activity_id, done.stage, done.read_at) == (first, "opd_review", None)
    assert done.done_at is not None and waiting.done_at is None
    # Bappeda was asked to act at the next stage; its item ends with the confirmation.
    bappeda = user_id(h, "bappeda.verifikator")
    with h.session() as s:
        assert unread_count(s, bappeda) == 1
    h.act("bappeda.verifikator", first, "confirm_budget")
    with h.session() as s:
        assert unread_count(s, bappeda) == 0
    # A notice delivered after its stage was left (a slow broker) arrives done.
    returned = h.act(HEAD, second, "return", comment="Lengkapi.")
    late = h.act(STAFF, second, "submit")
    deliver_all(h, returned.outbox_ids + late.outbox_ids, None)
    staff_items = [n for n in messages_of(h, STAFF) if n.activity_id == second]
    asked_to_revise = next(n for n in staff_items if n.stage == "returned")
    assert asked_to_revise.done_at is not None


def test_a_gate_party_that_decided_is_done_the_others_are_not(harness: Harness) -> None:
    h = harness
    details = lampung_details(partner_opds=["dinsos", "dinkes"])
    activity = h.create(STAFF, lampung_payload(h.plan_id(), details=details)).id
    h.act(STAFF, activity, "submit")
    deliver_all(h, h.act(HEAD, activity, "approve").outbox_ids, None)
    h.act("dinsos.kepala", activity, "setujui_mitra")
    [dinsos] = messages_of(h, "dinsos.kepala")
    [dinkes] = messages_of(h, "dinkes.kepala")
    assert dinsos.done_at is not None and dinkes.done_at is None
    with h.session() as s:
        assert unread_count(s, user_id(h, "dinsos.kepala")) == 0
        assert unread_count(s, user_id(h, "dinkes.kepala")) == 1


def test_an_english_reader_gets_the_notice_and_the_email_in_english(
    pg: Harness, mail: MailCatcher, smtp_url: str, app_factory: AppFactory
) -> None:
    """The staff chose English (kept on their account); the head did not. The app's commits
    deliver in process with the catalogues the pages use."""
    app = app_factory(None, smtp_url)
    h = pg
    with h.session() as s:
        preferences.set_language(s, user_id(h, STAFF), "en")
    activity = h.create(STAFF, payload(h))
    name = f"«{TITLE}» ({activity.registration_number})"
    for username, action, body in WALK:
        act_in(app, h, username, activity.id, action, **body)
    staff = [n.message for n in messages_of(h, STAFF)]
    assert staff[0] == (
        f"{name} has been approved by Dra. Fitrianita Damhuri, M.Si. and has moved on to "
        "Review by Kesbangpol."
    )
    signed = (
        f"{name} has been adopted by Gubernur Lampung under Decree Number {DECREE} dated "
        f"15 March 2023. Budget adopted: {AMOUNTS}."
    )
    assert staff[-1] == signed
    assert all("telah" not in m and "Anggaran" not in m for m in staff)
    head = [n.message for n in messages_of(h, HEAD)]
    assert head[-1].startswith(f"{name} telah ditetapkan oleh Gubernur Lampung")  # Indonesian

    emails = mail.to(STAFF_MAIL)
    assert len(emails) == 4
    assert emails[-1]["Subject"] == f"[Sepakat] Signed: {TITLE}"
    body = emails[-1].get_content()
    assert body.startswith("Dear Rina Marlina,")
    for line in (signed, "Decree number", "Budget 2023", " at ", "please do not reply"):
        assert line in body
    assert "Yth." not in body and "pukul" not in body and "Judul" not in body


def test_the_language_is_kept_when_chosen_and_read_back(harness: Harness) -> None:
    h = harness
    staff = user_id(h, STAFF)
    with h.session() as s:
        assert preferences.language(s, staff) is None
        assert preferences.set_language(s, staff, "en") == "en"
        assert preferences.set_language(s, staff, "klingon") == "id"  # unknown: Indonesian
        assert s.execute(select(User.language).where(User.id == staff)).scalar_one() == "id"


def test_outbox_payload_carries_the_facts_not_the_wording(harness: Harness) -> None:
    """Wording is chosen at delivery in each reader's language; the outbox keeps the facts."""
    h = harness
    activity = h.create(STAFF, payload(h))
    for username, action, body in WALK:
        h.act(username, activity.id, action, **body)
    with h.session() as s:
        last = s.execute(
            select(OutboxMessage.payload).order_by(OutboxMessage.id.desc()).limit(1)
        ).scalar_one()
    assert last["meaning"]["requires_decree"] is True
    assert (last["decree_number"], last["decree_date"]) == (DECREE, "2023-03-15")
    assert last["years"] == [{"year": 2023, "proposed": 300_000_000, "confirmed": 255_000_000}]
    assert last["registration_number"] == activity.registration_number
    assert dt.date.fromisoformat(last["decree_date"]).year == 2023


def test_a_clarification_question_reads_as_one(harness: Harness) -> None:
    """Recorded in place (no move): said as what it is, with the question."""
    from core.services import clarifications

    h = harness
    activity = h.create(STAFF, lampung_payload(h.plan_id()))
    h.walk(activity.id, "submit", "approve")
    with h.session() as s:
        clarifications.ask(
            s, h.registry, h.actor("bappeda.verifikator"), activity.id, "Berapa peserta?"
        )
    with h.session() as s:
        ids = list(
            s.execute(select(OutboxMessage.id).where(OutboxMessage.key.like("c:%"))).scalars()
        )
    deliver_all(h, ids, None)
    [asked] = [n for n in messages_of(h, STAFF) if n.key.startswith("c:")]
    assert asked.message == (
        f"Pertanyaan klarifikasi dari Yuliana Sari, S.E., M.M. tentang «{activity.title}». "
        "Catatan: Berapa peserta?"
    )
