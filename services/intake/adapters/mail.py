"""E-mail: the message rendered from its lines (Jinja2, plain text and HTML, Dutch or English) and sent
over SMTP (host, port, TLS mode and credentials from the settings).

The ``Message-ID`` is the notification's id, so a repeat after a crash is recognisably the same
message. The standard library's smtplib runs in a worker thread: one connection per message is
plenty for the numbers here (a few per offer).
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from services.intake.domain.notifications import SETTINGS_PAGE, Line
from services.kernel.config import Settings

_TEXT = Environment(loader=PackageLoader("services.intake.adapters", "templates"), autoescape=False,
                    undefined=StrictUndefined, keep_trailing_newline=True)
_HTML = Environment(loader=PackageLoader("services.intake.adapters", "templates"),
                    autoescape=select_autoescape(default=True), undefined=StrictUndefined)

WORDS = {
    "nl": {"intro": "Er is iets veranderd dat u aangaat. Open de link om te reageren; de details staan achter "
                    "uw aanmelding.",
           "offer_id": "Aanbod", "candidate_id": "Kandidaat", "vacancy_id": "Woning", "webhook_id": "Webhook",
           "category": "Categorie", "reason_code": "Reden", "command_id": "Opdracht",
           "deadline": "Reageren vóór", "open": "Bekijken en reageren",
           "footer": "U krijgt dit bericht door uw rol in uw organisatie. Taal en frequentie (direct of "
                     "dagelijks) stelt u in bij"},
    "en": {"intro": "Something changed that concerns you. Follow the link to act; the details are behind your "
                    "sign-in.",
           "offer_id": "Offer", "candidate_id": "Candidate", "vacancy_id": "Vacancy", "webhook_id": "Webhook",
           "category": "Category", "reason_code": "Reason", "command_id": "Command",
           "deadline": "Answer before", "open": "View and act",
           "footer": "You receive this message because of your role in your organisation. Set language and "
                     "frequency (immediately or daily) at"},
}


def render(subject: str, lines: list[Line], language: str, base_url: str) -> dict[str, str]:
    """The e-mail's subject, plain text and HTML, kept with the notification so a repeat is identical."""
    context = {"subject": subject, "lines": lines, "language": language, "t": WORDS[language],
               "base": base_url.rstrip("/"), "settings_page": SETTINGS_PAGE}
    return {"subject": subject, "text": _TEXT.get_template("mail.txt").render(context),
            "html": _HTML.get_template("mail.html").render(context)}


def build(content: dict[str, str], to: str, msg_id: str, conf: Settings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = conf.mail_from, to, content["subject"]
    domain = conf.mail_from.rsplit("@", 1)[-1].strip(">") or "localhost"
    msg["Message-ID"] = f"<{msg_id}@{domain}>"
    msg["Date"] = formatdate(localtime=False)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office answers
    msg.set_content(content["text"])
    msg.add_alternative(content["html"], subtype="html")
    return msg


def send(msg: EmailMessage, conf: Settings) -> None:
    """One message over SMTP; raises OSError or smtplib.SMTPException when it was not taken."""
    tls = ssl.create_default_context(cafile=conf.smtp_ca_file) if conf.smtp_tls != "none" else None
    if conf.smtp_tls == "tls":
        client: smtplib.SMTP = smtplib.SMTP_SSL(conf.smtp_host, conf.smtp_port, timeout=30, context=tls)
    else:
        client = smtplib.SMTP(conf.smtp_host, conf.smtp_port, timeout=30)
    with client:
        if conf.smtp_tls == "starttls":
            client.starttls(context=tls)
        if conf.smtp_username:
            password = conf.smtp_password.get_secret_value() if conf.smtp_password else ""
            client.login(conf.smtp_username, password)
        client.send_message(msg)
