"""The password-reset e-mail: composed here and sent at once through ``SMTP_URL`` (the same
settings and the same ``core.email.send_email`` as the notifications).

Not through the outbox: an outbox row, its payload and the inbox row keep their text, and this
text holds a working link, which must exist nowhere but in the mail (the database keeps its hash
only, ``core.services.password_reset``). The caller sends it after the link's commit, so a mail
never carries a link that was rolled back; a failure is reported to the caller (the admin sees
it and may send another), never raised past it.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from core.email import EmailError, header_text, send_email
from core.messages import N_
from core.models import utcnow
from core.notifications.delivery import MailSettings
from core.notifications.text import FOOTER, tanggal
from core.services.password_reset import Issued
from core.timezones import local_time

RESET_PATH = "/sandi/atur-ulang/{token}"  # the page of web/ui/account.py
SUBJECT = "Atur ulang kata sandi Sepakat"


def reset_link(public_url: str, token: str) -> str:
    return public_url.rstrip("/") + RESET_PATH.format(token=token)


def reset_message(settings: MailSettings, issued: Issued) -> EmailMessage:
    if not issued.email:
        raise ValueError("no address")
    until = local_time(issued.expires_at, issued.zone)
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = formataddr((header_text(issued.name), issued.email))
    mail["Subject"] = SUBJECT
    mail["Date"] = format_datetime(utcnow())
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "sepakat.local"
    mail["Message-ID"] = make_msgid("sepakat.sandi", domain=domain)
    mail.set_content(
        f"Yth. {issued.name},\n\n"
        "Kami menerima permintaan untuk mengatur ulang kata sandi akun Sepakat Anda. Buka "
        "tautan berikut untuk memilih kata sandi baru:\n\n"
        f"{reset_link(settings.public_url, issued.token)}\n\n"
        f"Tautan hanya dapat dipakai sekali dan berlaku sampai {tanggal(until.date)} pukul "
        f"{until.clock}. Setelah kata sandi diganti, semua sesi Anda yang lain berakhir.\n\n"
        "Bila Anda tidak meminta ini, abaikan e-mail ini: kata sandi Anda tidak berubah.\n\n"
        f"{FOOTER}\n"
    )
    return mail


def send_reset_mail(settings: MailSettings, issued: Issued) -> str | None:
    """Send the link; None when the SMTP server took it, else why not (in Indonesian)."""
    if not issued.email:
        return N_("Pengguna tidak memiliki alamat e-mail.")
    if not settings.smtp_url:
        return N_("Pengiriman e-mail belum diatur (SMTP_URL kosong).")
    try:
        send_email(settings.smtp_url, reset_message(settings, issued))
    except EmailError as err:
        return str(err)
    except (ValueError, TypeError, LookupError) as err:
        return f"E-mail tidak dapat disusun: {err}"
    return None


__all__ = ["RESET_PATH", "reset_link", "reset_message", "send_reset_mail"]
