"""Sending one e-mail through ``SMTP_URL`` with the standard library.

``SMTP_URL`` forms: ``smtp://host:port`` (plain, STARTTLS when the server offers it),
``smtp://user:pass@host:port`` (login after STARTTLS), ``smtps://user:pass@host:465`` (TLS from
the first byte). Failures are sorted into transient (worth retrying: the server is down or said
4xx) and permanent (5xx: the address or the message is refused) so the caller can stop early.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TIMEOUT_SECONDS = 20.0
HEADER_MAX = 200  # characters of a Subject or a display name; the body has the full text

# Line breaks (CR, LF, U+2028...) and every other control character: one in a header value
# makes ``email`` raise (or, in older libraries, inject a header).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]+")


def header_text(text: str, limit: int = HEADER_MAX) -> str:
    """``text`` made safe for an e-mail header: control characters and line breaks become one
    space, runs of white space shrink to one, a lone surrogate becomes ``?``, and it is cut at
    ``limit`` characters. Every header built from data (a title, a name) goes through here:
    data from before the schemas refused line breaks may still hold one."""
    clean = _UNSAFE.sub(" ", text)
    clean = clean.encode("utf-8", "replace").decode("utf-8")
    clean = " ".join(clean.split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


class EmailError(Exception):
    """Sending failed; ``transient`` says whether another attempt may succeed."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"SMTP_URL tidak valid: {url!r} (contoh: smtp://127.0.0.1:1025)")
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=parts.port or DEFAULT_PORTS[parts.scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.scheme == "smtps":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
    client.ehlo()
    if client.has_extn("starttls"):
        client.starttls(context=ssl.create_default_context())
        client.ehlo()
    return client


def _classify(err: Exception) -> EmailError:
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in err.recipients.values()]
        transient = all(400 <= code < 500 for code in codes)
        return EmailError(f"Alamat ditolak server SMTP: {err.recipients}", transient=transient)
    if isinstance(err, smtplib.SMTPResponseException):
        raw = err.smtp_error
        detail = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
        return EmailError(
            f"Server SMTP menjawab {err.smtp_code} {detail}".strip(),
            transient=400 <= err.smtp_code < 500,
        )
    # Refused or dropped connections, timeouts, DNS: the server may be back later.
    return EmailError(f"Server SMTP tidak dapat dihubungi: {err!r}", transient=True)


def send_email(url: str, message: EmailMessage) -> None:
    """Send ``message`` (with From/To set) or raise ``EmailError``."""
    try:
        settings = SmtpSettings.from_url(url)
    except ValueError as err:
        raise EmailError(str(err), transient=False) from err
    try:
        with _connect(settings) as client:
            if settings.username:
                client.login(settings.username, settings.password or "")
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as err:
        raise _classify(err) from err
