"""What a notification says: the inbox line, and the e-mail subject and body, in Bahasa Indonesia
(DOMAIN.md: dates ``28 September 2022``, times ``pukul 15.00``).

Composed at delivery from the outbox payload (facts frozen at the transition), so a message
reads the same however late the broker delivers it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.acting import describe, signed_as
from core.email import header_text
from core.timezones import local_time

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# The page of one activity in the web UI (web/ui/activities.py).
ACTIVITY_PATH = "/kegiatan/{id}"

FOOTER = "Pesan ini dikirim otomatis oleh Sepakat; mohon tidak membalas e-mail ini."


def tanggal(day: dt.date) -> str:
    """``17 Agustus 2025``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def waktu(at: dt.datetime, zone: str) -> str:
    """``28 September 2022 pukul 15.00 WIB`` from a UTC time, in the province's ``zone``."""
    t = local_time(at, zone)
    return f"{tanggal(t.date)} pukul {t.clock}"


def activity_link(public_url: str, activity_id: int | None) -> str:
    base = public_url.rstrip("/")
    return base + ACTIVITY_PATH.format(id=activity_id) if activity_id else base + "/"


@dataclass(frozen=True)
class Composed:
    message: str  # the inbox line
    subject: str  # always one safe header line (``header_text``), whatever the title holds
    body: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "subject", header_text(self.subject))


def _body(greeting_name: str, intro: str, fields: list[tuple[str, str]], link: str) -> str:
    width = max(len(label) for label, _ in fields)
    lines = [f"{label.ljust(width)} : {value}" for label, value in fields]
    return "\n".join(
        [
            f"Yth. {greeting_name},",
            "",
            intro,
            "",
            *lines,
            "",
            f"Buka kegiatan: {link}",
            "",
            "--",
            FOOTER,
            "",
        ]
    )


def _transition(p: dict[str, Any], name: str, when: str, link: str) -> Composed:
    title, comment = p["title"], p.get("comment")
    # An acting official reads "Plt. Kepala Dinas Sosial — <name>" (core.acting).
    actor, acting = p["actor"], p.get("acting")
    who = signed_as(acting, actor)
    message = f'{who} — {p["action_label"]}: "{title}". Status kini: {p["to_label"]}.'
    if comment:
        message += f" Catatan: {comment}"
    fields = [
        ("Kegiatan", title),
        ("OPD", p["opd"].upper()),
        ("Aksi", p["action_label"]),
        ("Oleh", describe(acting, actor)),
        ("Waktu", when),
        ("Status baru", p["to_label"]),
        ("Catatan", comment or "–"),
    ]
    return Composed(
        message=message,
        subject=f"[Sepakat] {p['to_label']}: {title}",
        body=_body(name, "Ada perubahan status pada kegiatan berikut di Sepakat.", fields, link),
    )


def _waiting(p: dict[str, Any], name: str, link: str, *, escalation: bool) -> Composed:
    title, stage = p["title"], p["stage_label"]
    since = tanggal(dt.date.fromisoformat(p["since"]))
    days = f"{p['working_days']} hari kerja"
    if escalation:
        message = (
            f'Eskalasi: "{title}" ({p["opd"].upper()}) tertahan pada tahap {stage} sejak '
            f"{since} ({days}; batas {p['limit']} hari kerja)."
        )
        subject = f"[Sepakat] Eskalasi: {title}"
        intro = (
            "Kegiatan berikut tertahan melewati batas waktu dan memerlukan perhatian "
            "Admin Provinsi."
        )
    else:
        message = (
            f'Pengingat: "{title}" menunggu tindakan pada tahap {stage} sejak {since} ({days}).'
        )
        subject = f"[Sepakat] Pengingat: {title}"
        intro = "Kegiatan berikut menunggu tindakan Anda."
    fields = [
        ("Kegiatan", title),
        ("OPD", p["opd"].upper()),
        ("Tahap", stage),
        ("Menunggu sejak", since),
        ("Lama menunggu", days),
        ("Batas", f"{p['limit']} hari kerja"),
    ]
    if p.get("deadline"):  # the planning calendar's deadline for this stage
        ends_on = dt.date.fromisoformat(p["deadline"])
        due = deadline_text(ends_on, int(p.get("days_left") or 0), bool(p.get("deadline_passed")))
        message = f"{message} Jadwal: {due}."
        fields.append(("Batas jadwal", due))
    return Composed(message=message, subject=subject, body=_body(name, intro, fields, link))


def deadline_text(ends_on: dt.date, days_left: int, passed: bool) -> str:
    """``batas 15 Maret 2023 · sisa 3 hari kerja`` (or ``… · sudah lewat`` once it passed)."""
    if passed:
        return f"batas {tanggal(ends_on)} · sudah lewat"
    return f"batas {tanggal(ends_on)} · sisa {days_left} hari kerja"


def compose(
    kind: str,
    payload: dict[str, Any],
    *,
    recipient_name: str,
    created_at: dt.datetime,
    public_url: str,
    zone: str,
) -> Composed:
    """The texts of one outbox message for its recipient; times read in ``zone`` (the IANA
    name of the province's zone)."""
    link = activity_link(public_url, payload.get("activity_id"))
    if kind == "transition":
        return _transition(payload, recipient_name, waktu(created_at, zone), link)
    if kind in ("reminder", "escalation"):
        return _waiting(payload, recipient_name, link, escalation=kind == "escalation")
    raise ValueError(f"jenis notifikasi tidak dikenal: {kind!r}")
