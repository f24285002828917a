"""Notifications (issue 18), the pure parts: the webhook signature against a fixed vector, where a webhook
may point, how far the feed is read, when a digest is due, and what a message may say."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from services.intake.adapters import mail
from services.intake.adapters.webhook_sender import DeliveryFailed, client_tls, deliver
from services.intake.domain import notifications as rules
from services.intake.domain import webhook_signing as signing
from services.intake.domain.webhook_targets import RefusedTarget, check_addresses, parse, refusal

# The Standard Webhooks specification's own example (also in API.md, "Webhooks").
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID, TIMESTAMP, BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_signature_matches_the_documented_vector_and_the_reference_library():
    headers = signing.signed_headers(SECRET, MSG_ID, TIMESTAMP, BODY)
    assert headers == {"webhook-id": MSG_ID, "webhook-timestamp": "1614265330", "webhook-signature": SIGNATURE}
    assert signing.verify(SECRET, headers, BODY, now=TIMESTAMP + 10)
    assert not signing.verify(SECRET, headers, BODY + b" ", now=TIMESTAMP)  # another body
    assert not signing.verify(SECRET, headers, BODY, now=TIMESTAMP + 301)  # too old: a replay
    fresh = signing.signed_headers(SECRET, MSG_ID, int(datetime.now(UTC).timestamp()), BODY)
    StandardWebhook(SECRET).verify(BODY, fresh)  # raises when it does not check
    assert signing.new_secret().startswith("whsec_") and signing.new_secret() != signing.new_secret()


@pytest.mark.parametrize("address", ["10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "224.0.0.1",
                                     "240.0.0.1", "0.0.0.0", "100.64.0.1", "fe80::1", "fc00::1", "ff02::1",
                                     "::ffff:10.0.0.1", "192.0.2.1"])
def test_private_link_local_multicast_and_reserved_addresses_are_refused_even_in_development(address):
    assert refusal(address) and refusal(address, allow_loopback=True)


def test_loopback_only_by_the_explicit_development_setting():
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert refusal(address) == "resolves to a loopback address"
        assert refusal(address, allow_loopback=True) is None
    assert refusal("145.100.1.1") is None and refusal("2a00:1450::1") is None
    with pytest.raises(RefusedTarget):  # one bad address among good ones (DNS rebinding's favourite)
        check_addresses(["145.100.1.1", "10.0.0.1"])
    assert check_addresses(["145.100.1.1", "2a00:1450::1"]) == "145.100.1.1"


@pytest.mark.parametrize("url", ["http://example.org/hook", "https://user:pw@example.org/", "https:///x",
                                 "https://example.org/#frag", "ftp://example.org", "https://example.org:99999/"])
def test_only_plain_https_urls(url):
    with pytest.raises(RefusedTarget):
        parse(url)


def test_a_delivery_to_loopback_is_refused_at_send_time_in_production_mode():
    """Checked again when sending, before connecting (the name may resolve elsewhere by now)."""
    with pytest.raises(DeliveryFailed, match="loopback"):
        asyncio.run(deliver("https://127.0.0.1:9/hook", SECRET, MSG_ID, BODY, allow_loopback=False,
                            tls=client_tls(None), timeout_s=1))


def test_the_feed_is_read_past_a_missing_number_only_after_waiting_for_it():
    holes: dict[int, float] = {}
    assert rules.readable_up_to(3, [4, 5, 7, 8], holes, now_s=100.0, wait_s=10) == 5  # 6 is being committed
    assert rules.readable_up_to(5, [7, 8], holes, now_s=105.0, wait_s=10) == 5
    assert rules.readable_up_to(5, [6, 7, 8], holes, now_s=106.0, wait_s=10) == 8 and holes == {}  # it came
    assert rules.readable_up_to(8, [12], holes, now_s=200.0, wait_s=10) == 8
    assert rules.readable_up_to(8, [12], holes, now_s=210.5, wait_s=10) == 12  # 9-11 rolled back
    assert holes == {}


def test_the_daily_digest_is_due_once_the_hour_has_passed_in_amsterdam():
    started = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # 11:00 in Amsterdam
    assert not rules.digest_due(started, datetime(2026, 12, 4, 6, 59, tzinfo=UTC), 8)  # 07:59 local
    assert rules.digest_due(started, datetime(2026, 12, 4, 7, 0, tzinfo=UTC), 8)  # 08:00 local
    assert rules.digest_due(datetime(2026, 12, 3, 6, 0, tzinfo=UTC), datetime(2026, 12, 3, 7, 30, tzinfo=UTC), 8)


def test_each_role_hears_of_its_own_entries_and_a_message_says_no_free_text():
    assert rules.cares("case_worker", "offer.made") and rules.cares("allocation_officer", "offer.declined")
    assert not rules.cares("case_worker", "offer.declined")  # the shelter declined it itself
    assert not rules.cares("analyst", "offer.made") and rules.cares("org_admin", "webhook.disabled")
    rejected = rules.line(9, "offer.rejected", {"offer_id": "off-1", "category": "other",
                                                "reason": "Mevrouw heeft schulden"}, "nl")
    assert dict(rejected.fields) == {"offer_id": "off-1", "category": "other"}
    assert rejected.link == "/aanbiedingen/off-1"
    assert rules.link_path("candidate.housed_elsewhere", {"candidate_id": "cand-1"}) == "/kandidaten/cand-1"
    made = rules.line(3, "offer.made", {"offer_id": "off-2", "vacancy_id": "A-1"}, "en",
                      datetime(2026, 12, 6, 11, 0, tzinfo=UTC))
    content = mail.render(made.subject, [made], "en", "https://hm.example/")
    assert "New offer" in content["subject"] and "2026-12-06 12:00" in content["text"]
    assert 'href="https://hm.example/aanbiedingen/off-2"' in content["html"]
    # the footer leads to the person's own e-mail settings (language, how often), a screen that exists
    assert 'href="https://hm.example/instellingen/meldingen"' in content["html"]
    assert "https://hm.example/instellingen/meldingen" in content["text"].splitlines()[-1]
    from services.intake.entrypoints.screens import paths
    assert rules.SETTINGS_PAGE in paths.SCREEN_PAGES
    assert rules.notification_id("user:u", 0, 3, 3) == rules.notification_id("user:u", 0, 3, 3) != \
        rules.notification_id("user:u", 1, 3, 3)


def test_each_link_opens_the_recipients_own_screen_and_the_regional_entries_reach_who_acts_on_them():
    from services.intake.entrypoints.screens import paths
    offer = {"offer_id": "off-7", "vacancy_id": "A-1"}
    assert rules.link_path("offer.made", offer, "case_worker") == "/aanbiedingen/off-7"
    assert rules.link_path("offer.made", offer, "allocation_officer") == "/corporatie/aanbiedingen/off-7"
    assert rules.link_path("vacancy.not_offered", {"vacancy_id": "A-1"}, "allocation_officer") == "/corporatie/woningen"
    transfer = "transfer_officer"
    assert rules.link_path("proposal.overdue", {"offer_id": "off-7"}, transfer) == "/transferpunt/voorstellen/off-7"
    assert rules.link_path("manual-match.refused", {"candidate_id": "c-1"}, transfer) == "/transferpunt/koppelen"
    assert rules.link_path("proposal.set_aside", offer, "case_worker") == "/"  # a proposal is no offer page
    # a disabled webhook: the administrators' webhook screen, where a replay enables it again
    assert rules.link_path("webhook.disabled", {"webhook_id": "whk-1"}, "org_admin") == "/beheer/webhooks"
    assert rules.link_path("webhook.disabled", {"webhook_id": "whk-1"}, "system_admin") == "/beheer/webhooks"
    # every link is a screen that exists (a path template with the id filled in)
    templates = {p.split("{")[0] for p in paths.SCREEN_PAGES}
    for role, kind, data in (("case_worker", "offer.made", offer), ("allocation_officer", "offer.made", offer),
                             ("case_worker", "candidate.parked", {"candidate_id": "c-1"}),
                             ("transfer_officer", "manual-match.refused", {"candidate_id": "c-1"}),
                             ("org_admin", "webhook.disabled", {"webhook_id": "whk-1"})):
        link = rules.link_path(kind, data, role)
        assert link in paths.SCREEN_PAGES or any(link.startswith(t) and t.endswith("/") for t in templates), link
    assert rules.cares("case_worker", "candidate.parked") and rules.cares("transfer_officer", "proposal.made")
    assert rules.cares("allocation_officer", "vacancy.held") and not rules.cares("case_worker", "proposal.made")
    parked = rules.line(5, "candidate.parked", {"candidate_id": "c-1", "until": "2027-02-01", "declines": 3,
                                                "reason": "weigeringen"}, "nl")
    assert dict(parked.fields) == {"candidate_id": "c-1", "until": "2027-02-01"} and "geparkeerd" in parked.subject
