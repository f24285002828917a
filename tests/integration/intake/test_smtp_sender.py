"""The e-mail adapter against a real SMTP server (aiosmtpd) in each TLS mode the settings offer: STARTTLS with
authentication (nothing taken without TLS), implicit TLS, and a server whose certificate is not trusted."""
from __future__ import annotations

import smtplib
import ssl
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from services.intake.adapters import mail
from services.intake.domain.notifications import line
from services.kernel.config import Settings
from services.kernel.http import ensure_dev_certificate
from services.system.broker import free_port

pytestmark = pytest.mark.integration


class Inbox:
    def __init__(self) -> None:
        self.received: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.append((session.authenticated, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def only_the_notifier(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"notifier" and auth_data.password == b"s3cret"
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    cert, key = ensure_dev_certificate(tmp_path_factory.mktemp("smtp"))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    return cert, server_tls


def a_message(conf: Settings):
    ln = line(7, "offer.made", {"offer_id": "off-7", "candidate_id": "cand-7"}, "nl")
    return mail.build(mail.render(ln.subject, [ln], "nl", "https://hm.example"), "cw@opvang.example",
                      "msg_0123456789abcdef", conf)


def test_starttls_with_credentials(certificate):
    cert, server_tls = certificate
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True,
                        authenticator=only_the_notifier, auth_require_tls=True)
    server.start()
    try:
        conf = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_tls="starttls", smtp_ca_file=str(cert),
                        smtp_username="notifier", smtp_password="s3cret", mail_from="HM <noreply@hm.example>")
        mail.send(a_message(conf), conf)
        with pytest.raises(smtplib.SMTPException):  # without TLS the server takes nothing
            mail.send(a_message(conf), conf.model_copy(update={"smtp_tls": "none"}))
    finally:
        server.stop()
    ((authenticated, msg),) = inbox.received
    assert authenticated and msg["Message-ID"] == "<msg_0123456789abcdef@hm.example>"
    assert msg.get_body(("html",)).get_content().count('href="https://hm.example/aanbiedingen/off-7"') == 1
    assert msg["Subject"] == "Nieuw aanbod: reageer voor de termijn verloopt" and msg["Auto-Submitted"]


def test_implicit_tls_and_an_untrusted_certificate(certificate):
    cert, server_tls = certificate
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_tls)
    server.start()
    try:
        conf = Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_tls="tls", smtp_ca_file=str(cert))
        mail.send(a_message(conf), conf)
        with pytest.raises(ssl.SSLError):  # the system's CAs do not know this certificate
            mail.send(a_message(conf), conf.model_copy(update={"smtp_ca_file": None}))
    finally:
        server.stop()
    assert len(inbox.received) == 1
