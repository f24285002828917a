"""Nobody has to poll (issue 18): an offer from the pipeline reaches people by e-mail (a real SMTP server,
aiosmtpd) and partners' systems by signed webhook (a local HTTPS receiver with a certificate made here),
each exactly once per entry and recipient, also when the notifier is killed (SIGKILL) in between and
started again; a receiver that keeps failing is retried, then disabled with a notice; a private
address is refused.
"""
from __future__ import annotations

import functools
import json
import re
import signal
import ssl
import tempfile
import threading
import time
import urllib.request
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from standardwebhooks.webhooks import Webhook as StandardWebhook

from services.kernel.http import ensure_dev_certificate
from services.system.broker import free_port
from tests.e2e.region import one_region
from tests.integration.intake.people import person
from tests.support import wait_until

pytestmark = pytest.mark.e2e

STACK_NOTIFIER = True


@functools.cache
def outside_config() -> tuple[int, int, Path, Path]:
    """The SMTP server's and the receiver's ports and the receiver's certificate, chosen when first needed
    (the `outside` fixture, just before the stack), not at collection, so nothing else takes the ports meanwhile."""
    cert, key = ensure_dev_certificate(Path(tempfile.mkdtemp(prefix="webhook-receiver-")))
    return free_port(), free_port(), cert, key


def __getattr__(name: str):
    """STACK_ENV for the stack fixture (tests/e2e/conftest.py), made from the ports above."""
    if name != "STACK_ENV":
        raise AttributeError(name)
    smtp_port, _, cert, _ = outside_config()
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_TLS": "none",
            "MAIL_FROM": "Housing Match <noreply@hm.example>", "NOTIFY_BASE_URL": "https://hm.example",
            "NOTIFY_POLL_S": "0.2", "NOTIFY_GAP_WAIT_S": "2", "WEBHOOK_ALLOW_LOOPBACK": "true",
            "WEBHOOK_CA_FILE": str(cert), "WEBHOOK_RETRY_BASE_S": "0.05", "WEBHOOK_RETRY_FACTOR": "2",
            "WEBHOOK_TIMEOUT_S": "60"}


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


class Receiver(ThreadingHTTPServer):
    """/ok answers 204 (its first request is held until ``release`` is set); /fail always answers 500."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict, bytes]] = []
        self.release = threading.Event()
        _, port, cert, key = outside_config()
        super().__init__(("127.0.0.1", port), Handler)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(cert, key)
        self.socket = tls.wrap_socket(self.socket, server_side=True)

    def at(self, path: str) -> list[tuple[str, dict, bytes]]:
        return [r for r in self.requests if r[0] == path]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if self.path == "/ok" and len(self.server.at("/ok")) == 1:
            self.server.release.wait(60)  # the notifier is killed while it waits for this answer
        self.send_response(204 if self.path == "/ok" else 500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def outside():
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=outside_config()[0])
    smtp.start()
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    yield mailbox, receiver
    receiver.release.set()
    receiver.shutdown()
    smtp.stop()


def test_an_offer_reaches_people_and_systems_once_also_across_a_kill(outside, stack):
    mailbox, receiver = outside
    region = one_region(stack, "Meldingdorp", "GM0997", "R97", max_places=2)
    shelter, corporation = region.orgs["shelter"], region.orgs["corporation"]
    intake = SimpleNamespace(url=stack.url("intake"), conf=stack.conf)
    org = lambda o: SimpleNamespace(org_id=o.org_id, role=o.role, api=region.api[o.role])  # noqa: E731
    worker = person(intake, org(shelter), "case_worker")  # enrolled and signed in at the real pages
    assert worker.call("PUT", "/v1/notification-settings", {"language": "en", "frequency": "immediate"}) == \
        {"language": "en", "frequency": "immediate"}
    officer = person(intake, org(corporation), "allocation_officer")
    admin = person(intake, org(corporation), "org_admin")
    hook = region.api["shelter"].call("POST", "/v1/webhooks", {"url": f"https://127.0.0.1:{outside_config()[1]}/ok"})
    failing = admin.call("POST", "/v1/webhooks", {"url": f"https://127.0.0.1:{outside_config()[1]}/fail"})
    assert hook["secret"].startswith("whsec_") and "secret" not in region.api["shelter"].call(
        "GET", "/v1/webhooks")["items"][0]
    status, problem = region.api["shelter"].request("POST", "/v1/webhooks", {"url": "https://10.1.2.3/hook"})
    assert status == 400 and problem["invalid_params"][0]["name"] == "url", problem  # private, even in tests

    region.candidate("123456782", days_in_shelter=100)
    region.vacancy("M-1")
    offer = wait_until(lambda: region.api["shelter"].call("GET", "/v1/offers")["items"], timeout=60)[0]
    # The e-mails go out, the failing receiver is tried five times and disabled, and the good receiver
    # holds the notifier's first delivery unanswered: then the notifier is killed.
    wait_until(lambda: len(mailbox.to(worker.email)) + len(mailbox.to(officer.email)) >= 2, timeout=60)
    wait_until(lambda: receiver.at("/ok"), timeout=30)
    disabled = wait_until(lambda: [h for h in admin.call("GET", "/v1/webhooks")["items"] if h["status"] == "disabled"],
                          timeout=60)
    assert disabled[0]["webhook_id"] == failing["webhook_id"] and len(receiver.at("/fail")) == 5
    assert disabled[0]["last_delivered_at"] is None  # it never took an entry
    db = create_engine(stack.conf.database_url)
    wait_until(lambda: _statuses(db, f"user:{worker.user_id}") == {"sent"}, timeout=30)
    notifier = next(w for w in stack.workers if w.service == "notifier")
    notifier.process.send_signal(signal.SIGKILL)
    notifier.process.wait()
    receiver.release.set()
    stack.spawn(notifier)
    wait_until(lambda: len(receiver.at("/ok")) >= 2, timeout=60)
    wait_until(lambda: _statuses(db, f"webhook:{hook['webhook_id']}") == {"sent"}, timeout=30)
    (listed,) = region.api["shelter"].call("GET", "/v1/webhooks")["items"]
    assert listed["last_delivered_at"] is not None  # the screen's "last delivered" column
    # the notice of the disabled webhook reaches the corporation's administrator
    notice = wait_until(lambda: mailbox.to(admin.email), timeout=30)
    time.sleep(3)  # anything sent twice would have arrived by now
    db.dispose()

    for message_ids in ([m["Message-ID"] for m in mailbox.to(p.email)] for p in (worker, officer, admin)):
        assert len(message_ids) == len(set(message_ids)), message_ids  # nothing twice
    mine = [m for m in mailbox.to(worker.email) if m["Subject"] == "New offer: answer before it expires"]
    assert len(mine) == 1, [m["Subject"] for m in mailbox.to(worker.email)]
    text_part = mine[0].get_body(("plain",)).get_content()
    assert f"https://hm.example/aanbiedingen/{offer['offer_id']}" in text_part and "123456782" not in text_part
    assert mine[0]["Message-ID"].startswith("<msg_")
    # (a round may also have told the officer why the home stayed free before the candidate came)
    theirs = [m for m in mailbox.to(officer.email) if m["Subject"] == "Nieuw aanbod: reageer voor de termijn verloopt"]
    assert len(theirs) == 1, [m["Subject"] for m in mailbox.to(officer.email)]
    assert len(notice) == 1 and "Webhook uitgeschakeld" in notice[0]["Subject"]
    notice_text = notice[0].get_body(("plain",)).get_content()  # to the screen where a replay enables it again
    assert any(line.endswith(": https://hm.example/beheer/webhooks") for line in notice_text.splitlines())
    assert notice_text.rstrip().endswith("https://hm.example/instellingen/meldingen")  # the footer: the settings
    deliveries = receiver.at("/ok")
    assert len(deliveries) == 2 and deliveries[0][1]["webhook-id"] == deliveries[1][1]["webhook-id"]
    for _, headers, body in deliveries:  # the Standard Webhooks reference library accepts the signature
        StandardWebhook(hook["secret"]).verify(body, headers)
        entry = json.loads(body)
        assert entry["type"] == "offer.made" and entry["data"]["data"]["offer_id"] == offer["offer_id"]
    # a replay from the feed's start delivers the entry again, as a new notification (a new id)
    again = region.api["shelter"].call("POST", f"/v1/webhooks/{hook['webhook_id']}/replay", {"cursor": 0})
    assert again["status"] == "active" and again["cursor"] == 0
    replayed = wait_until(lambda: receiver.at("/ok")[2:], timeout=30)
    assert json.loads(replayed[0][2])["data"]["data"]["offer_id"] == offer["offer_id"]
    assert replayed[0][1]["webhook-id"] != deliveries[0][1]["webhook-id"]
    region.api["shelter"].call("DELETE", f"/v1/webhooks/{hook['webhook_id']}")
    assert region.api["shelter"].call("GET", "/v1/webhooks")["items"] == []
    def exported() -> str:  # counted since the restart: the repeated and the replayed delivery
        with urllib.request.urlopen(f"http://127.0.0.1:{notifier.port}/metrics", timeout=10) as answer:
            text = answer.read().decode()
        return text if re.search(r'housing_notifications_sent_total\{channel="webhook"\} [2-9]', text) and \
            'housing_pending_notifications{channel="email"} 0.0' in text else ""
    wait_until(exported, timeout=30)
    changes = admin.request("GET", "/v1/changes")
    assert changes[0] == 403  # an administrator reads no feed; the notice came by e-mail
    feed = region.api["corporation"].call("GET", "/v1/changes")["items"]
    assert [e for e in feed if e["kind"] == "webhook.disabled"][0]["data"]["webhook_id"] == failing["webhook_id"]


def _statuses(db, recipient: str) -> set[str]:
    with db.connect() as conn:
        return {r[0] for r in conn.execute(text("select status from intake_notification where recipient = :r"),
                                           {"r": recipient})}
