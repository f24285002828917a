"""Only authentic events change state (issue 14): anyone who could reach the broker could publish an
organisation with a ministry token, or a placement that raised the realised count.

On every internal topic, through the real broker and database: events unsigned, signed with a key
that is not the producer's, and signed with a genuine key by a service that may not make them (the
intake "confirming" a placement) are dead-lettered by every service that consumes the topic and
applied by none; the forged ministry token is refused at the ledger, the realised count holds only
the genuine placement, which flows through the same topics meanwhile.
"""
from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine

from contracts import events as ev
from contracts import topics
from contracts.simulation import DEFAULT_VARIANTS
from contracts.solver_policy import PolicyOverrides
from contracts.vocabulary import Service
from services.kernel.privacy import hash_token
from services.kernel.signing import Signer, development_key, signed_message
from services.system import dlq
from services.system.partner_client import PartnerClient
from services.system.supervisor import client_ssl_context
from services.system.tls_proxy import tls_proxy
from tests import checks
from tests.e2e.region import one_region
from tests.support import wait_until

pytestmark = pytest.mark.e2e
FORGED_TOKEN = "forged-ministry-token-" + "x" * 20
STACK_SIMULATION = True  # the simulation worker consumes an internal topic too (issue 21)
REASONS = {"unsigned": "unsigned message", "wrong key": "signature does not verify as",
           "wrong service": "may not produce"}


def forged_events(shelter: str, corporation: str) -> list[ev.Event]:
    """One event of each internal topic a service consumes, the organisation and its token among them."""
    now = datetime.now(UTC)
    common = {"occurred_at": now, "producer": "mallory"}
    person, region, muni = "f" * 64, "R08", "GM0998"
    facts = {"person_ref": person, "municipality": muni, "region": region, "unit_kind": "regular",
             "move_in_date": date.today(), "corporation": corporation, "unit_id": f"{corporation}:F-1"}
    return [
        ev.CandidateSubmitted(candidate_id="forged-c", person_ref=person, shelter=shelter, region=region,
                              household_size=1, shelter_entry_date=date.today() - timedelta(days=900), **common),
        ev.VacancyPublished(unit_id=f"{corporation}:F-1", corporation=corporation, municipality=muni, region=region,
                            neighbourhood="BU09980001", kind="regular", rooms=1, available_from=date.today(), **common),
        ev.AgreementRegistered(municipality=muni, region=region, corporation=corporation, period=str(now.year),
                               max_places=1000, **common),
        ev.OfferAccepted(offer_id="forged-offer", region=region, **common),
        ev.OfferMade(offer_id="forged-offer", round_id="forged", candidate_id="forged-c", shelter=shelter,
                     unit_id=f"{corporation}:F-1", corporation=corporation, region=region, priority=1, explanation={},
                     expires_at=now + timedelta(days=3), **common),
        ev.PlacementConfirmed(placement_id="forged-p", offer_id="forged-offer", candidate_id="forged-c", **facts,
                              **common),
        ev.PlacementReported(report_id="forged-r", source="gemeentemonitor", source_kind="municipal_monitor",
                             **{**facts, "person_ref": "e" * 64}, **common),
        ev.PlacementTotalsReported(source="gemeentemonitor", source_kind="municipal_monitor", period=str(now.year),
                                   places=500, **common),
        ev.OrganisationRegistered(org_id="forged-ministry", role="ministry", **common),
        ev.ApiTokenIssued(org_id="forged-ministry", token_hash=hash_token(FORGED_TOKEN), **common),
        ev.ClockTicked(region=region, **{**common, "occurred_at": now + timedelta(days=365)}),  # time travel
        # issue 20: a forged region policy and a provider's room
        ev.RegionPolicyRegistered(region=region, municipality=muni, version=1, effective_from=date.today(),
                                  policy=PolicyOverrides.model_validate({"youth_bonus": 100_000}), **common),
        ev.SupportCapacitySet(provider="forged-provider", period=str(now.year), max_new_clients=0, **common),
        # issue 21: a forged simulation job (a year, five seeds: work for the worker) and a forged report
        ev.SimulationRequested(job_id="forged-sim", org_id="mallory", region=region, municipalities=(muni,), days=365,
                               seeds=5, variants=DEFAULT_VARIANTS, **common),
        ev.SimulationFinished(job_id="forged-sim", org_id="mallory", status="done", report={"forged": True},
                              **common),
    ]


def forgeries(event: ev.Event) -> dict[str, tuple[str, bytes, bytes, list]]:
    topic, key, value, genuine = signed_message(event)
    producer = str(topics.topic_for(event).made_by(type(event))[0])
    not_its_maker = next(s for s in ("intake", "matcher") if s != producer)
    return {"unsigned": (topic, key, value, []),
            "wrong key": (topic, key, value, Signer(producer, Ed25519PrivateKey.generate()).headers(topic, key, value)),
            "wrong service": (topic, key, value,
                              Signer(not_its_maker, development_key(not_its_maker)).headers(topic, key, value))}


async def plant(bootstrap: str, events: list[ev.Event]) -> list[tuple[str, int, int, str, str]]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    planted = []
    try:
        for e in events:
            for kind, (topic, key, value, headers) in forgeries(e).items():
                md = await producer.send_and_wait(topic, value, key=key, headers=headers)
                planted.append((topic, md.partition, md.offset, kind, str(e.event_id)))
    finally:
        await producer.stop()
    return planted


def consumers_of(topic: str) -> set[str]:
    return {str(s) for s in Service if topic in {t.name for t in topics.consumed_by(s)}}


def test_forged_and_unsigned_events_on_every_internal_topic_are_dead_lettered_and_change_nothing(stack):
    test = one_region(stack, "Echtdorp", "GM0998", "R08", max_places=2, ministry=True)
    events = forged_events(test.orgs["shelter"].org_id, test.orgs["corporation"].org_id)
    assert {topics.topic_for(e).name for e in events} == {t.name for s in Service for t in topics.consumed_by(s)}
    planted = asyncio.run(plant(stack.bootstrap, events))

    # Genuine events flow meanwhile, over the same topics: one candidate becomes one placement.
    test.vacancy("E-1")
    cand = test.candidate("111222333", days_in_shelter=120)
    offer = wait_until(lambda: test.api["shelter"].call("GET", "/v1/offers")["items"], timeout=60)[0]
    test.api["corporation"].call("POST", f"/v1/offers/{offer['offer_id']}/confirmation")
    test.api["shelter"].call("POST", f"/v1/offers/{offer['offer_id']}/acceptance")
    wait_until(lambda: test.api["shelter"].call("GET", f"/v1/candidates/{cand['candidate_id']}")["status"]
               == "placed", timeout=60)

    expected = {(service, topic, partition, offset): (kind, event_id)
                for topic, partition, offset, kind, event_id in planted for service in consumers_of(topic)}

    def letters() -> dict:
        found = {(x.letter.service, x.letter.topic, x.letter.partition, x.letter.offset): x.letter
                 for x in asyncio.run(dlq.letters(stack.bootstrap))}
        return found if expected.keys() <= found.keys() else None
    try:
        found = wait_until(letters, timeout=60, every=1.0)
    except AssertionError:
        found = asyncio.run(dlq.letters(stack.bootstrap))
        missing = set(expected) - {(x.letter.service, x.letter.topic, x.letter.partition, x.letter.offset)
                                   for x in found}
        raise AssertionError(f"{len(missing)} of {len(expected)} forged messages not dead-lettered: "
                             f"{sorted(missing)[:6]}") from None
    for where, (kind, event_id) in expected.items():
        letter = found[where]
        assert REASONS[kind] in letter.reason and event_id == letter.event_id, (where, kind, letter.reason)
        assert "mallory" not in letter.reason and FORGED_TOKEN not in letter.reason

    engine = create_engine(stack.conf.database_url)

    def realised() -> int:
        with engine.connect() as db:
            return checks.realised_places(db)
    # the genuine placement reaches the ledger a moment after the intake shows it placed
    wait_until(lambda: realised() >= 1, timeout=60)
    with engine.connect() as db:
        applied = checks.processed_event_ids(db) & {str(e.event_id) for e in events}
        assert not applied, f"forged events applied: {applied}"
    assert realised() == 1  # the genuine placement, and only it
    engine.dispose()

    with tls_proxy(stack.url("ledger"), stack.conf) as ledger:
        tls = client_ssl_context(stack.conf)
        status, _ = PartnerClient(ledger, FORGED_TOKEN, tls).request("GET", "/v1/reports/realised-places")
        assert status in (401, 403), "the forged ministry token works at the ledger"
        ministry = PartnerClient(ledger, test.orgs["ministry"].token, tls)
        deadline = time.monotonic() + 30
        while (report := ministry.call("GET", "/v1/reports/realised-places"))["realised_places"] != 1 \
                and time.monotonic() < deadline:
            time.sleep(0.5)
        assert report["realised_places"] == 1 and report["unverified_totals"] == []
