"""``SMTP_URL`` and sending through it: the URL forms, login with the URL's credentials, and
the sorting of failures into transient and permanent, against a real (aiosmtpd) server."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core.email import EmailError, SmtpSettings, send_email
from tests.notify.services import MailCatcher, free_port

# aiosmtpd warns that AUTH without TLS is unsafe: true, and irrelevant on 127.0.0.1 in a test.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def test_url_forms() -> None:
    assert SmtpSettings.from_url("smtp://mail.lampungprov.go.id") == SmtpSettings(
        "smtp", "mail.lampungprov.go.id", 25
    )
    assert SmtpSettings.from_url("smtps://noreply:r%40hasia@mail.example.id") == SmtpSettings(
        "smtps", "mail.example.id", 465, "noreply", "r@hasia"
    )
    assert SmtpSettings.from_url("smtp://127.0.0.1:1025").port == 1025
    with pytest.raises(ValueError, match="SMTP_URL tidak valid"):
        SmtpSettings.from_url("http://mail.example.id")


def test_a_bad_url_is_a_permanent_failure() -> None:
    with pytest.raises(EmailError) as caught:
        send_email("mailto:admin@example.id", _message())
    assert not caught.value.transient


def _message() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "noreply@lampungprov.test"
    msg["To"] = "dpppa.kepala@lampungprov.test"
    msg["Subject"] = "Uji"
    msg.set_content("Isi uji.")
    return msg


def _only_sepakat(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"sepakat",
        b"rahasia",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def auth_server() -> Iterator[tuple[int, MailCatcher]]:
    catcher = MailCatcher()
    controller = Controller(
        catcher,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=_only_sepakat,
        auth_required=True,
        auth_require_tls=False,  # a test server without a certificate
    )
    controller.start()
    try:
        yield controller.port, catcher
    finally:
        controller.stop()


def test_login_with_the_urls_credentials(auth_server: tuple[int, MailCatcher]) -> None:
    port, catcher = auth_server
    send_email(f"smtp://sepakat:rahasia@127.0.0.1:{port}", _message())
    assert [m["Subject"] for m in catcher.messages] == ["Uji"]


def test_refused_login_is_permanent(auth_server: tuple[int, MailCatcher]) -> None:
    port, catcher = auth_server
    with pytest.raises(EmailError) as caught:
        send_email(f"smtp://sepakat:salah@127.0.0.1:{port}", _message())
    assert not caught.value.transient and "535" in str(caught.value)
    assert catcher.messages == []
