"""A progress report's move reads as the report's, in Indonesian and English: "Laporan Semester
I 2023 atas «…» (LPG-…) telah disetujui oleh …", worded by what the move means (the same
engine's notice as an activity's; subject ``report``), never by its action's name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.models import Activity, OutboxMessage
from core.testing import Harness
from tests.notify.test_report_reminders import DONE, composed, signed_lampung

TITLE = "Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji"


def notices(h: Harness, report_id: int) -> list[dict[str, Any]]:
    """One payload per move of the report, in order."""
    with h.session() as s:
        rows = s.execute(
            select(OutboxMessage.key, OutboxMessage.payload)
            .where(OutboxMessage.kind == "transition")
            .order_by(OutboxMessage.id)
        ).all()
    seen: dict[str, dict[str, Any]] = {}
    for key, payload in rows:
        if payload.get("report_id") == report_id:
            seen.setdefault(key.rsplit(":", 1)[0], payload)  # one per move, not per recipient
    return list(seen.values())


def line(payload: dict[str, Any], english: bool = False) -> str:
    return composed("transition", payload, english).message


def test_report_moves_read_as_the_reports_in_both_languages(harness: Harness, payload: Any) -> None:
    h = harness
    activity_id = signed_lampung(h, payload)
    with h.session() as s:
        found = s.get(Activity, activity_id)
        assert found is not None
        reg = found.registration_number
    report = h.file_report("dpppa.staf", activity_id, 2023, "S1", **DONE, budget_realised=9)
    h.report_walk(report.id, "submit", "withdraw", "submit", "approve", "verify")
    submitted, withdrawn, _, approved, verified = notices(h, report.id)
    assert {p["subject"] for p in (submitted, approved, verified)} == {"report"}
    name = f"Laporan Semester I 2023 atas «{TITLE}» ({reg})"
    named = f"the Semester I 2023 report on «{TITLE}» ({reg})"
    capital = named[0].upper() + named[1:]

    def by(p: dict[str, Any]) -> str:
        return str(p["actor"])

    assert line(submitted) == (
        f"{name} telah diajukan oleh {by(submitted)} dan kini menunggu Persetujuan Kepala OPD."
    )
    assert line(withdrawn) == (
        f"{name} ditarik kembali oleh {by(withdrawn)} dan kini pada tahap Draf Laporan."
    )
    assert line(approved) == (
        f"{name} telah disetujui oleh {by(approved)} dan diteruskan ke tahap Verifikasi "
        "Sekretariat Pokja."
    )
    assert line(verified) == f"{name} telah diverifikasi dan diterima oleh {by(verified)}."
    assert line(submitted, True).startswith(f"{capital} has been submitted by {by(submitted)}")
    assert line(approved, True).startswith(f"{capital} has been approved by {by(approved)}")
    assert line(verified, True) == f"{capital} has been verified and accepted by {by(verified)}."
    email = composed("transition", verified)
    assert email.subject == f"[Sepakat] Diterima: Laporan Semester I 2023 – {TITLE}"
    assert "Laporan          : Semester I 2023" in email.body
    assert "Waktu            : 5 Juli 2023 pukul 08.00 WIB" in email.body  # the province's zone


def test_a_return_reads_as_the_reports(harness: Harness, payload: Any) -> None:
    h = harness
    activity_id = signed_lampung(h, payload)
    report = h.file_report("dpppa.staf", activity_id, 2023, "S2", **DONE, budget_realised=9)
    h.report_walk(report.id, "submit", "approve")
    h.report_walk(report.id, "return", comment="Lampirkan daftar hadir.")
    returned = notices(h, report.id)[-1]
    assert line(returned).startswith("Laporan Semester II 2023 atas «")
    assert "dikembalikan oleh" in line(returned)
    assert line(returned).endswith("Catatan: Lampirkan daftar hadir.")
    assert line(returned, True).startswith("The Semester II 2023 report on «")
