"""Issue 15, finding 3: a line break in an activity title lost every notification for it
(building the Subject raised ValueError, which rolled the inbox row back too, and every
redelivery failed the same way). Titles are now refused with a line break, but older rows may
still hold one: those are written here straight into the database. A real SMTP server
(aiosmtpd) receives the mail."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from core.models import Activity
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.notify.queries import inbox
from tests.notify.services import MailCatcher
from tests.notify.test_delivery import HEAD, run, settings


def _submit_with_title(h: Harness, title: str) -> int:
    """An activity whose stored title holds ``title`` (as data from before the check could),
    submitted: its one outbox message, to the OPD head."""
    activity = h.create("dpppa.staf", lampung_payload(h.plan_id()))
    with h.session() as s:
        s.execute(update(Activity).where(Activity.id == activity.id).values(title=title))
        s.commit()
    [outbox_id] = h.act("dpppa.staf", activity.id, "submit").outbox_ids
    return outbox_id


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\u2028"], ids=["LF", "CR", "CRLF", "LS"])
def test_a_line_break_in_a_stored_title_loses_nothing(
    harness: Harness, mail: MailCatcher, smtp_url: str, brk: str
) -> None:
    title = f"Pelatihan mediasi{brk}Bcc: korban@luar.test"
    outbox_id = _submit_with_title(harness, title)
    result = run(harness, outbox_id, settings(smtp_url))
    assert result is not None and (result.inbox_created, result.email_status) == (True, "sent")
    [row] = inbox(harness)
    assert title in row.message  # the inbox line keeps the title as stored
    [email] = mail.to(HEAD)
    assert email["Subject"] == (
        "[Sepakat] Reviu Kepala OPD: Pelatihan mediasi Bcc: korban@luar.test"
    )
    assert email["Bcc"] is None  # no header was injected
    assert [m["To"] for m in mail.messages] == [email["To"]]


def test_an_email_that_cannot_be_composed_keeps_the_inbox_row(
    harness: Harness, mail: MailCatcher, smtp_url: str
) -> None:
    """Whatever makes composing the e-mail fail (here the operator's sender setting), the inbox
    row is committed and the e-mail alone ends ``failed``, with the reason, never retried."""
    outbox_id = _submit_with_title(harness, "Pelatihan mediasi konflik")
    broken = replace(settings(smtp_url), sender="Sepakat\r\nBcc: x@luar.test <noreply@x.test>")
    first = run(harness, outbox_id, broken)
    assert first is not None and (first.inbox_created, first.email_status) == (True, "failed")
    assert not first.retry
    [row] = inbox(harness)
    assert (row.email_error or "").startswith("E-mail tidak dapat disusun")
    again = run(harness, outbox_id, broken)  # a redelivery: still one row, still failed
    assert again is not None and (again.inbox_created, again.email_status) == (False, "failed")
    assert len(inbox(harness)) == 1
    assert mail.messages == []
