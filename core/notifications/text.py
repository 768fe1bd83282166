"""What a notification says: the inbox line, and the e-mail subject and body, in the reader's
language (Bahasa Indonesia unless they chose English; DOMAIN.md: dates ``28 September 2022``,
times ``pukul 15.00``).

Composed at delivery from the outbox payload (facts frozen at the transition), so a message
reads the same however late the broker delivers it. A transition's notice says what happened
in a sentence chosen by what the move *means* (its flags and the kinds of its states, see
``core.services.transitions.notice``) — "«…» (LPG-2023-0042) telah ditetapkan oleh Gubernur
Lampung dengan Keputusan Nomor … tanggal …" — then what changed: the confirmed amounts beside
the proposal, the note. A progress report's move (payload ``subject`` ``report``) names the
report, "Laporan Semester I 2023 atas «…» (LPG-2023-0042) telah disetujui oleh …", by the same
meanings; its reminders (kind ``report_reminder``, ``core.notifications.report_reminders``) say
when it is due or how late it is. Every text is marked with ``N_`` for the catalogue (its id is the
Indonesian) and translated through the reader's ``Reader``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.acting import describe, signed_as
from core.email import header_text
from core.messages import N_
from core.notifications.language import Catalogues, Reader
from core.workflow import StateKind

# The page of one activity in the web UI (web/ui/activities.py).
ACTIVITY_PATH = "/kegiatan/{id}"

FOOTER = N_("Pesan ini dikirim otomatis oleh Sepakat; mohon tidak membalas e-mail ini.")
INDONESIAN = Catalogues().reader(None)

# Where someone reviewed the activity (a move out of these, forward, is an approval).
_REVIEWING = (StateKind.REVIEW, StateKind.BUDGET, StateKind.SIGNOFF)


def tanggal(day: dt.date) -> str:
    """``17 Agustus 2025``."""
    return INDONESIAN.date(day)


def waktu(at: dt.datetime, zone: str) -> str:
    """``28 September 2022 pukul 15.00 WIB`` from a UTC time, in the province's ``zone``."""
    return INDONESIAN.moment(at, zone)


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


def _body(
    r: Reader, greeting_name: str, intro: str, fields: list[tuple[str, str]], link: str
) -> str:
    width = max(len(label) for label, _ in fields)
    lines = [f"{label.ljust(width)} : {value}" for label, value in fields]
    return "\n".join(
        [
            r._(N_("Yth. {name},")).format(name=greeting_name),
            "",
            intro,
            "",
            *lines,
            "",
            r._(N_("Buka kegiatan: {link}")).format(link=link),
            "",
            "--",
            r._(FOOTER),
            "",
        ]
    )


def _name(p: dict[str, Any]) -> str:
    """``«Pelatihan …» (LPG-2023-0042)``: the title, and the number people quote."""
    reg = p.get("registration_number")
    return f"«{p['title']}» ({reg})" if reg else f"«{p['title']}»"


def _is_report(p: dict[str, Any]) -> bool:
    return p.get("subject") == "report"


def _period(p: dict[str, Any], r: Reader) -> str:
    """``Semester I 2023``: the report's period (the province's label) and year."""
    return f"{r._(p['period_label'])} {p['year']}"


def _subject_name(p: dict[str, Any], r: Reader) -> str:
    """What the notice is about: the activity, or ``Laporan Semester I 2023 atas «…» (…)``."""
    if not _is_report(p):
        return _name(p)
    text = r._(N_("Laporan {period} atas {name}"))
    return text.format(period=_period(p, r), name=_name(p))


def _capitalised(text: str) -> str:
    """A sentence that opens with a name starts with a capital (English: "The … report")."""
    return text[:1].upper() + text[1:]


def _happened(p: dict[str, Any], r: Reader) -> str:
    """One sentence: what the move did, worded by what it means, never by its name."""
    meaning = p.get("meaning") or {}
    # An acting official reads "Plt. Kepala Dinas Sosial — <name>" (core.acting).
    actor = signed_as(p.get("acting"), p["actor"])
    values = {"name": _subject_name(p, r), "actor": actor, "stage": r._(p["to_label"])}
    to_kind, from_kind = p.get("to_kind"), p.get("from_kind")
    report = _is_report(p)
    if p.get("to_state") == p.get("from_state"):  # recorded in place (a clarification)
        text = N_("{label} dari {actor} tentang {name}.")
        values["label"] = r._(p["action_label"])
    elif meaning.get("requires_decree") and p.get("decree_number"):
        text = N_(
            "{name} telah ditetapkan oleh {actor} dengan Keputusan Nomor {decree} tanggal {date}."
        )
        day = dt.date.fromisoformat(p["decree_date"]) if p.get("decree_date") else None
        values |= {"decree": p["decree_number"], "date": r.date(day) if day else "–"}
    elif meaning.get("sends_back"):
        text = N_("{name} dikembalikan oleh {actor} untuk diperbaiki.")
    elif to_kind == StateKind.REJECTED:
        text = N_("{name} ditolak oleh {actor}.")
    elif report and to_kind == StateKind.APPROVED:  # a report is verified, never decreed
        text = N_("{name} telah diverifikasi dan diterima oleh {actor}.")
    elif report and meaning.get("withdraws"):
        text = N_("{name} ditarik kembali oleh {actor} dan kini pada tahap {stage}.")
    elif meaning.get("books_budget"):
        text = N_(
            "Anggaran {name} telah dikonfirmasi oleh {actor} dan diteruskan ke tahap {stage}."
        )
    elif to_kind == StateKind.APPROVED:
        text = N_("{name} telah ditetapkan oleh {actor}.")
    elif meaning.get("records_submitter"):
        text = N_("{name} telah diajukan oleh {actor} dan kini menunggu {stage}.")
    elif from_kind in _REVIEWING:
        text = N_("{name} telah disetujui oleh {actor} dan diteruskan ke tahap {stage}.")
    else:
        text = N_("{name} telah diproses oleh {actor} ({action}); kini pada tahap {stage}.")
        values["action"] = r._(p["action_label"])
    return _capitalised(_sentence(r._(text).format(**values)))


def _sentence(text: str) -> str:
    """One full stop at the end, also after a name that ends in one (``…, M.M.``)."""
    return text[:-1] if text.endswith("..") else text


def _amounts(p: dict[str, Any], r: Reader) -> tuple[list[tuple[str, str]], str | None]:
    """The confirmed budget beside the proposal, per year and in total (``Rp300.000.000 →
    Rp255.000.000``), once Bappeda has confirmed it; as e-mail fields and one sentence."""
    meaning = p.get("meaning") or {}
    years = [y for y in p.get("years") or [] if y.get("confirmed") is not None]
    if not years or not (meaning.get("books_budget") or meaning.get("requires_decree")):
        return [], None

    def pair(proposed: int, confirmed: int) -> str:
        if proposed == confirmed:
            return r._(N_("{amount} (sesuai usulan)")).format(amount=r.money(confirmed))
        return f"{r.money(proposed)} → {r.money(confirmed)}"

    rows = [(str(y["year"]), pair(y["proposed"], y["confirmed"])) for y in years]
    total = pair(sum(y["proposed"] for y in years), sum(y["confirmed"] for y in years))
    rows.append((r._(N_("total")), total))
    if meaning.get("requires_decree"):
        head = N_("Anggaran yang ditetapkan: {amounts}.")
    else:
        head = N_("Anggaran yang dikonfirmasi: {amounts}.")
    sentence = r._(head).format(amounts="; ".join(f"{k} {v}" for k, v in rows))
    label = r._(N_("Anggaran"))
    return [(f"{label} {k}", v) for k, v in rows], sentence


def _transition(
    p: dict[str, Any], r: Reader, name: str, when: str, link: str, asked: bool
) -> Composed:
    title, comment = p["title"], p.get("comment")
    stage = r._(p["to_label"])
    sentences = [_happened(p, r)]
    fields, amounts = _amounts(p, r)
    if amounts:
        sentences.append(amounts)
    if comment:
        rejected = p.get("to_kind") == StateKind.REJECTED
        note = N_("Alasan: {note}") if rejected else N_("Catatan: {note}")
        sentences.append(r._(note).format(note=comment))
    if asked:
        sentences.append(r._(N_("Menunggu tindakan Anda pada tahap {stage}.")).format(stage=stage))
    message = " ".join(sentences)
    registration, decree = [], []
    if p.get("registration_number"):
        registration.append((r._(N_("Nomor registrasi")), p["registration_number"]))
    if p.get("decree_number") and (p.get("meaning") or {}).get("requires_decree"):
        decree.append((r._(N_("Nomor keputusan")), p["decree_number"]))
    report = [(r._(N_("Laporan")), _period(p, r))] if _is_report(p) else []
    body_fields = [
        (r._(N_("Judul kegiatan")), title),
        *registration,
        *report,
        ("OPD", p["opd"].upper()),
        (r._(N_("Oleh")), describe(p.get("acting"), p["actor"])),
        (r._(N_("Waktu")), when),
        (r._(N_("Status baru")), stage),
        *decree,
        *fields,
        (r._(N_("Catatan")), comment or "–"),
    ]
    about = f"{r._(N_('Laporan'))} {_period(p, r)} – {title}" if report else title
    return Composed(
        message=message,
        subject=f"[Sepakat] {stage}: {about}",
        body=_body(r, name, message, body_fields, link),
    )


def _waiting(p: dict[str, Any], r: Reader, name: str, link: str, *, escalation: bool) -> Composed:
    title, stage = p["title"], r._(p["stage_label"])
    since = r.date(dt.date.fromisoformat(p["since"]))
    n = int(p["working_days"])
    days = r.n_("{n} hari kerja", "{n} hari kerja", n).format(n=n)
    limit = r.n_("{n} hari kerja", "{n} hari kerja", int(p["limit"])).format(n=p["limit"])
    values = {"title": title, "opd": p["opd"].upper(), "stage": stage, "since": since}
    if escalation:
        message = r._(
            N_(
                'Eskalasi: "{title}" ({opd}) tertahan pada tahap {stage} sejak {since} '
                "({days}; batas {limit})."
            )
        ).format(**values, days=days, limit=limit)
        subject = r._(N_("[Sepakat] Eskalasi: {title}")).format(title=title)
        intro = r._(
            N_(
                "Kegiatan berikut tertahan melewati batas waktu dan memerlukan perhatian "
                "Admin Provinsi."
            )
        )
    else:
        message = r._(
            N_('Pengingat: "{title}" menunggu tindakan pada tahap {stage} sejak {since} ({days}).')
        ).format(**values, days=days)
        subject = r._(N_("[Sepakat] Pengingat: {title}")).format(title=title)
        intro = r._(N_("Kegiatan berikut menunggu tindakan Anda."))
    fields = [
        (r._(N_("Judul kegiatan")), title),
        ("OPD", p["opd"].upper()),
        (r._(N_("Tahap")), stage),
        (r._(N_("Menunggu sejak")), since),
        (r._(N_("Lama menunggu")), days),
        (r._(N_("Batas")), limit),
    ]
    if p.get("deadline"):  # the planning calendar's deadline for this stage
        ends_on = dt.date.fromisoformat(p["deadline"])
        days_left = int(p.get("days_left") or 0)
        due = deadline_text(r, ends_on, days_left, bool(p.get("deadline_passed")))
        schedule = r._(N_("Jadwal: {due}.")).format(due=due)
        message = f"{message} {schedule}"
        fields.append((r._(N_("Batas jadwal")), due))
    return Composed(message=message, subject=subject, body=_body(r, name, intro, fields, link))


def _report_reminder(p: dict[str, Any], r: Reader, name: str, link: str) -> Composed:
    """A report's due date coming or gone (levels ``reminder``, ``overdue``, ``escalation`` at
    stage ``due``), or a submitted report waiting at a review stage."""
    title, level = p["title"], p.get("level")
    values = {
        "name": _subject_name(p, r),
        "opd": p["opd"].upper(),
        "date": r.date(dt.date.fromisoformat(p["due_on"])),
    }
    fields = [
        (r._(N_("Judul kegiatan")), title),
        *(
            [(r._(N_("Nomor registrasi")), p["registration_number"])]
            if p.get("registration_number")
            else []
        ),
        (r._(N_("Laporan")), _period(p, r)),
        ("OPD", values["opd"]),
        (r._(N_("Jatuh tempo")), values["date"]),
    ]
    if "since" in p:  # waiting at a review stage
        stage = r._(p["stage_label"])
        n = int(p["working_days"])
        days = r.n_("{n} hari kerja", "{n} hari kerja", n).format(n=n)
        since = r.date(dt.date.fromisoformat(p["since"]))
        message = r._(
            N_("Pengingat: {name} menunggu tindakan pada tahap {stage} sejak {since} ({days}).")
        ).format(**values, stage=stage, since=since, days=days)
        subject = r._(N_("[Sepakat] Pengingat laporan: {title}")).format(title=title)
        intro = r._(N_("Laporan kemajuan berikut menunggu tindakan Anda."))
        fields += [
            (r._(N_("Tahap")), stage),
            (r._(N_("Menunggu sejak")), since),
            (r._(N_("Lama menunggu")), days),
        ]
    elif level == "reminder":
        left = int(p.get("days_left") or 0)
        message = r.n_(
            "Pengingat: {name} jatuh tempo {date} (sisa {n} hari kerja).",
            "Pengingat: {name} jatuh tempo {date} (sisa {n} hari kerja).",
            left,
        ).format(**values, n=left)
        subject = r._(N_("[Sepakat] Pengingat laporan: {title}")).format(title=title)
        intro = r._(N_("Laporan kemajuan berikut belum diajukan dan segera jatuh tempo."))
    else:
        late = int(p.get("overdue") or 0)
        if level == "escalation":
            text = r.n_(
                "Eskalasi: {name} dari OPD {opd} terlambat {n} hari kerja (jatuh tempo {date}) "
                "dan belum diajukan.",
                "Eskalasi: {name} dari OPD {opd} terlambat {n} hari kerja (jatuh tempo {date}) "
                "dan belum diajukan.",
                late,
            )
            subject = r._(N_("[Sepakat] Eskalasi laporan: {title}")).format(title=title)
            intro = r._(
                N_(
                    "Laporan kemajuan berikut melewati batas waktu dan memerlukan perhatian "
                    "Sekretariat Pokja."
                )
            )
        else:
            text = r.n_(
                "{name} terlambat {n} hari kerja: jatuh tempo {date} dan belum diajukan.",
                "{name} terlambat {n} hari kerja: jatuh tempo {date} dan belum diajukan.",
                late,
            )
            subject = r._(N_("[Sepakat] Laporan terlambat: {title}")).format(title=title)
            intro = r._(N_("Laporan kemajuan berikut sudah melewati jatuh tempo."))
        message = text.format(**values, n=late)
        fields.append(
            (r._(N_("Terlambat")), r.n_("{n} hari kerja", "{n} hari kerja", late).format(n=late))
        )
    message = _capitalised(message)
    return Composed(message=message, subject=subject, body=_body(r, name, intro, fields, link))


def deadline_text(r: Reader, ends_on: dt.date, days_left: int, passed: bool) -> str:
    """``batas 15 Maret 2023 · sisa 3 hari kerja`` (or ``… · sudah lewat`` once it passed)."""
    if passed:
        return r._(N_("batas {date} · sudah lewat")).format(date=r.date(ends_on))
    left = r.n_(
        "batas {date} · sisa {n} hari kerja", "batas {date} · sisa {n} hari kerja", days_left
    )
    return left.format(date=r.date(ends_on), n=days_left)


def compose(
    kind: str,
    payload: dict[str, Any],
    *,
    recipient_name: str,
    created_at: dt.datetime,
    public_url: str,
    zone: str,
    reader: Reader = INDONESIAN,
    asked: bool = False,
) -> Composed:
    """The texts of one outbox message for its recipient, in ``reader``'s language; times read
    in ``zone`` (the IANA name of the province's zone). ``asked``: the recipient is one who
    must act at the stage the activity reached."""
    link = activity_link(public_url, payload.get("activity_id"))
    if kind == "transition":
        when = reader.moment(created_at, zone)
        return _transition(payload, reader, recipient_name, when, link, asked)
    if kind in ("reminder", "escalation"):
        return _waiting(payload, reader, recipient_name, link, escalation=kind == "escalation")
    if kind == "report_reminder":
        return _report_reminder(payload, reader, recipient_name, link)
    raise ValueError(f"jenis notifikasi tidak dikenal: {kind!r}")
